#include "model_config.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "gguf.h"

namespace gleaner {

namespace {

// Hostile files must not reach the forward pass with values that make it divide by zero,
// allocate absurd buffers or compute NaN (a NaN epsilon printed NUL bytes): every
// hyperparameter is range-checked here, with a message naming the GGUF key and its value.
[[noreturn]] void reject(const std::string& key, const std::string& value, const std::string& expected) {
    throw GgufError("invalid model hyperparameters: '" + key + "' = " + value + " (expected " + expected + ")");
}

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Some keys may be per-layer arrays; supported models use one value for every layer.
int64_t uniform_int(const GgufFile& f, const std::string& key, int64_t fallback) {
    const GgufValue* v = f.find(key);
    if (!v) return fallback;
    if (v->type == GgufValueType::ARRAY) {
        const std::vector<int64_t> a = f.get_int_array(key);
        if (a.empty()) throw GgufError("metadata '" + key + "' is an empty array");
        for (int64_t x : a)
            if (x != a[0]) throw GgufError("metadata '" + key + "' varies per layer, which Gleaner does not support");
        return a[0];
    }
    return f.get_int(key);
}

// An integer in [lo, hi], checked before it is narrowed (2^32 + 2 layers must not become 2).
int int_in_range(const GgufFile& f, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
    const int64_t v = uniform_int(f, key, fallback);
    if (v < lo || v > hi) reject(key, std::to_string(v), std::to_string(lo) + " to " + std::to_string(hi));
    return static_cast<int>(v);
}

constexpr double kAnyFloat = std::numeric_limits<float>::max();

// A finite number in (0, hi], also after narrowing to float (an F64 of 1e300 would become
// infinity, 1e-50 zero). NaN fails every comparison, so `!(x > 0)` is used rather than `x <= 0`.
float positive_float(const GgufFile& f, const std::string& key, double fallback, double hi) {
    const double v = f.get_float_or(key, fallback);
    const auto narrowed = static_cast<float>(v);
    if (!std::isfinite(v) || !std::isfinite(narrowed) || !(narrowed > 0.0f) || v > hi)
        reject(key, number_text(v), "a finite number above 0" + (hi >= kAnyFloat ? std::string() : " and at most " + number_text(hi)));
    return narrowed;
}
// Past any released model (Llama 3.1: 131072, Qwen2.5-1M: 1010000), and still a size the
// KV-cache arithmetic can hold.
constexpr int64_t kMaxContext = int64_t{1} << 24;
constexpr int64_t kMaxVocab = int64_t{1} << 24;
constexpr double kMaxRopeScaling = 1e6;
// The largest RMSNorm epsilon in use is 1e-5 (1e-6 for Gemma and Qwen); 1e-2 already changes
// the normalised values noticeably, so anything above is a broken file.
constexpr double kMaxNormEps = 1e-2;

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
    c.n_layers = int_in_range(f, a + "block_count", 0, 1, 1024);
    c.n_embd = int_in_range(f, a + "embedding_length", 0, 1, 65536);
    c.n_ff = int_in_range(f, a + "feed_forward_length", 0, 1, 1 << 20);
    c.n_heads = int_in_range(f, a + "attention.head_count", 0, 1, 1024);
    c.n_kv_heads = int_in_range(f, a + "attention.head_count_kv", c.n_heads, 1, c.n_heads);
    if (c.n_heads % c.n_kv_heads != 0)
        reject(a + "attention.head_count_kv", std::to_string(c.n_kv_heads),
               "a divisor of '" + a + "attention.head_count' = " + std::to_string(c.n_heads));
    c.head_dim = int_in_range(f, a + "attention.key_length", c.n_embd / c.n_heads, 1, 1024);
    const int value_length = int_in_range(f, a + "attention.value_length", c.head_dim, 1, 1024);
    if (value_length != c.head_dim)
        reject(a + "attention.value_length", std::to_string(value_length),
               "the key length " + std::to_string(c.head_dim) + "; different lengths are not supported");
    c.n_ctx_train = int_in_range(f, a + "context_length", 2048, 1, kMaxContext);
    c.norm_eps = positive_float(f, a + "attention.layer_norm_rms_epsilon", 1e-5, kMaxNormEps);
    c.attn_scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));

    c.n_rot = int_in_range(f, a + "rope.dimension_count", c.head_dim, 2, c.head_dim);
    if (c.n_rot % 2 != 0) reject(a + "rope.dimension_count", std::to_string(c.n_rot), "an even number");
    c.rope_style = c.arch == Architecture::Llama ? RopeStyle::Norm : RopeStyle::Neox;
    c.rope_freq_base = positive_float(f, a + "rope.freq_base", 10000.0, kAnyFloat);
    const std::string scaling = f.get_string_or(a + "rope.scaling.type", "none");
    if (scaling == "linear") {
        // Linear factors in use are 2 to 32; the bound keeps 1 / factor a normal float.
        const float factor = positive_float(f, a + "rope.scaling.factor", 1.0, kMaxRopeScaling);
        c.rope_freq_scale = 1.0f / factor;
    } else if (scaling != "none") {
        throw GgufError("unsupported RoPE scaling '" + scaling + "' (Gleaner supports none and linear)");
    }
    c.has_rope_freqs = f.tensor("rope_freqs.weight") != nullptr;

    c.layer_is_local.assign(c.n_layers, false);
    if (c.arch == Architecture::Gemma3) {
        c.embed_scale_sqrt = true;
        c.sliding_window = int_in_range(f, a + "attention.sliding_window", 512, 1, kMaxContext);
        c.rope_freq_base_local = 10000.0f;
        // Every sixth layer (5, 11, 17, ...) is global; the others see a sliding window.
        for (int il = 0; il < c.n_layers; ++il) c.layer_is_local[il] = il % 6 < 5;
    }
    const GgufTensor* emb = f.tensor("token_embd.weight");
    if (!emb || emb->ne.size() != 2) throw GgufError("model has no token_embd.weight");
    if (emb->ne[1] < 1 || emb->ne[1] > kMaxVocab)
        reject("token_embd.weight rows (vocabulary size)", std::to_string(emb->ne[1]), "1 to " + std::to_string(kMaxVocab));
    c.n_vocab = static_cast<int>(emb->ne[1]);
    if (emb->ne[0] != c.n_embd)
        reject("token_embd.weight width", std::to_string(emb->ne[0]), "'" + a + "embedding_length' = " + std::to_string(c.n_embd));
    return c;
}

std::string ModelConfig::describe() const {
    return arch_name + ", " + std::to_string(n_layers) + " layers, E=" + std::to_string(n_embd) + ", H=" +
           std::to_string(n_heads) + "/" + std::to_string(n_kv_heads) + "x" + std::to_string(head_dim) +
           ", F=" + std::to_string(n_ff) + ", vocab " + std::to_string(n_vocab) + ", context " +
           std::to_string(n_ctx_train);
}

}  // namespace gleaner
