#pragma once
// Hyperparameters of a transformer, read from GGUF metadata (never hard-coded per model).
#include <string>
#include <vector>

#include "backend.h"

namespace gleaner {

class GgufFile;

enum class Architecture { Llama, Qwen2, Gemma3 };

struct ModelConfig {
    Architecture arch = Architecture::Llama;
    std::string arch_name;     // general.architecture
    std::string name;          // general.name
    int n_layers = 0;
    int n_embd = 0;            // E
    int n_ff = 0;              // F (same for every layer in supported models)
    int n_heads = 0;           // H
    int n_kv_heads = 0;        // Hkv
    int head_dim = 0;          // D (from key_length when present: Gemma 3 stores 256)
    int n_vocab = 0;
    int n_ctx_train = 0;
    float norm_eps = 1e-5f;
    float attn_scale = 0.0f;   // multiplier of q.k (1/sqrt(D))

    RopeStyle rope_style = RopeStyle::Norm;
    int n_rot = 0;
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;          // linear scaling: 1/factor
    float rope_freq_base_local = 10000.0f; // Gemma 3 sliding-window layers
    bool has_rope_freqs = false;           // Llama 3 rope_freqs tensor present

    int sliding_window = 0;                // Gemma 3 local layers (0 = none)
    std::vector<bool> layer_is_local;      // (n_layers) uses the sliding window
    bool embed_scale_sqrt = false;         // Gemma: multiply embeddings by sqrt(E)

    static ModelConfig from_gguf(const GgufFile& f);
    std::string describe() const;  // one line for logs and the GUI
};

}  // namespace gleaner
