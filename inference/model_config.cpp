#include "model_config.h"

#include <cmath>

#include "gguf.h"

namespace gleaner {

namespace {

// Some keys may be per-layer arrays; supported models use one value for every layer.
int uniform_int(const GgufFile& f, const std::string& key, int64_t fallback) {
    const GgufValue* v = f.find(key);
    if (!v) return static_cast<int>(fallback);
    if (v->type == GgufValueType::ARRAY) {
        const std::vector<int64_t> a = f.get_int_array(key);
        if (a.empty()) throw GgufError("metadata '" + key + "' is an empty array");
        for (int64_t x : a)
            if (x != a[0]) throw GgufError("metadata '" + key + "' varies per layer, which Gleaner does not support");
        return static_cast<int>(a[0]);
    }
    return static_cast<int>(f.get_int(key));
}

void require(bool ok, const std::string& what) {
    if (!ok) throw GgufError("invalid model hyperparameters: " + what);
}

}  // namespace

ModelConfig ModelConfig::from_gguf(const GgufFile& f) {
    ModelConfig c;
    c.arch_name = f.get_string_or("general.architecture", "");
    c.name = f.get_string_or("general.name", "");
    if (c.arch_name == "llama") c.arch = Architecture::Llama;
    else if (c.arch_name == "qwen2") c.arch = Architecture::Qwen2;
    else if (c.arch_name == "gemma3") c.arch = Architecture::Gemma3;
    else
        throw GgufError("unsupported model architecture '" + c.arch_name +
                        "' (Gleaner supports llama, qwen2 and gemma3)");
    const std::string a = c.arch_name + ".";
    c.n_layers = uniform_int(f, a + "block_count", 0);
    c.n_embd = uniform_int(f, a + "embedding_length", 0);
    c.n_ff = uniform_int(f, a + "feed_forward_length", 0);
    c.n_heads = uniform_int(f, a + "attention.head_count", 0);
    c.n_kv_heads = uniform_int(f, a + "attention.head_count_kv", c.n_heads);
    require(c.n_layers > 0 && c.n_layers <= 1024, "block_count");
    require(c.n_embd > 0 && c.n_embd <= 65536, "embedding_length");
    require(c.n_ff > 0 && c.n_ff <= 1 << 20, "feed_forward_length");
    require(c.n_heads > 0 && c.n_heads <= 1024, "head_count");
    require(c.n_kv_heads > 0 && c.n_heads % c.n_kv_heads == 0, "head_count_kv must divide head_count");
    c.head_dim = uniform_int(f, a + "attention.key_length", c.n_embd / c.n_heads);
    require(c.head_dim > 0 && c.head_dim <= 1024, "key_length");
    require(uniform_int(f, a + "attention.value_length", c.head_dim) == c.head_dim,
            "value_length different from key_length");
    c.n_ctx_train = uniform_int(f, a + "context_length", 2048);
    require(c.n_ctx_train > 0, "context_length");
    c.norm_eps = static_cast<float>(f.get_float_or(a + "attention.layer_norm_rms_epsilon", 1e-5));
    c.attn_scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));

    c.n_rot = uniform_int(f, a + "rope.dimension_count", c.head_dim);
    require(c.n_rot > 0 && c.n_rot <= c.head_dim && c.n_rot % 2 == 0, "rope.dimension_count");
    c.rope_style = c.arch == Architecture::Llama ? RopeStyle::Norm : RopeStyle::Neox;
    c.rope_freq_base = static_cast<float>(f.get_float_or(a + "rope.freq_base", 10000.0));
    const std::string scaling = f.get_string_or(a + "rope.scaling.type", "none");
    if (scaling == "linear") {
        const double factor = f.get_float_or(a + "rope.scaling.factor", 1.0);
        require(factor > 0.0, "rope.scaling.factor");
        c.rope_freq_scale = static_cast<float>(1.0 / factor);
    } else if (scaling != "none") {
        throw GgufError("unsupported RoPE scaling '" + scaling + "' (Gleaner supports none and linear)");
    }
    c.has_rope_freqs = f.tensor("rope_freqs.weight") != nullptr;

    c.layer_is_local.assign(c.n_layers, false);
    if (c.arch == Architecture::Gemma3) {
        c.embed_scale_sqrt = true;
        c.sliding_window = uniform_int(f, a + "attention.sliding_window", 512);
        c.rope_freq_base_local = 10000.0f;
        // Every sixth layer (5, 11, 17, ...) is global; the others see a sliding window.
        for (int il = 0; il < c.n_layers; ++il) c.layer_is_local[il] = il % 6 < 5;
    }
    const GgufTensor* emb = f.tensor("token_embd.weight");
    if (!emb || emb->ne.size() != 2) throw GgufError("model has no token_embd.weight");
    c.n_vocab = static_cast<int>(emb->ne[1]);
    require(emb->ne[0] == c.n_embd, "token_embd width differs from embedding_length");
    return c;
}

std::string ModelConfig::describe() const {
    return arch_name + ", " + std::to_string(n_layers) + " layers, E=" + std::to_string(n_embd) + ", H=" +
           std::to_string(n_heads) + "/" + std::to_string(n_kv_heads) + "x" + std::to_string(head_dim) +
           ", F=" + std::to_string(n_ff) + ", vocab " + std::to_string(n_vocab) + ", context " +
           std::to_string(n_ctx_train);
}

}  // namespace gleaner
