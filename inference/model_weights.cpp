#include "model_weights.h"

#include "gguf.h"
#include "quant/dequant_row.h"

namespace gleaner {

namespace {

std::string shape_str(const std::vector<int64_t>& ne) {
    std::string s = "{";
    for (size_t i = 0; i < ne.size(); ++i) s += (i ? "," : "") + std::to_string(ne[i]);
    return s + "}";
}

class Loader {
public:
    Loader(const GgufFile& f, std::vector<std::unique_ptr<std::vector<float>>>& widened)
        : f_(f), widened_(widened) {}

    const GgufTensor* find(const std::string& name, bool required) {
        const GgufTensor* t = f_.tensor(name);
        if (!t && required) throw GgufError("model is missing tensor '" + name + "'");
        if (t && !dtype_is_supported_weight(t->type))
            throw GgufError("tensor '" + name + "' has unsupported type " + std::string(dtype_traits(t->type).name));
        return t;
    }

    WeightView matrix(const std::string& name, int64_t n_in, int64_t n_out, bool required = true) {
        const GgufTensor* t = find(name, required);
        if (!t) return {};
        if (t->ne.size() != 2 || t->ne[0] != n_in || t->ne[1] != n_out)
            throw GgufError("tensor '" + name + "' has shape " + shape_str(t->ne) + ", expected {" +
                            std::to_string(n_in) + "," + std::to_string(n_out) + "}");
        return WeightView{t->data, t->type, n_in, n_out};
    }

    const float* vector(const std::string& name, int64_t n, bool required = true) {
        const GgufTensor* t = find(name, required);
        if (!t) return nullptr;
        if (t->n_elements() != n)
            throw GgufError("tensor '" + name + "' has " + std::to_string(t->n_elements()) + " elements, expected " +
                            std::to_string(n));
        if (t->type == DType::F32 && reinterpret_cast<uintptr_t>(t->data) % alignof(float) == 0)
            return reinterpret_cast<const float*>(t->data);
        auto buf = std::make_unique<std::vector<float>>(n);
        dequantize_row(t->type, t->data, buf->data(), n);
        widened_.push_back(std::move(buf));
        return widened_.back()->data();
    }

private:
    const GgufFile& f_;
    std::vector<std::unique_ptr<std::vector<float>>>& widened_;
};

}  // namespace

ModelWeights ModelWeights::from_gguf(const GgufFile& f, const ModelConfig& c) {
    ModelWeights w;
    Loader L(f, w.widened_);
    const int64_t E = c.n_embd, F = c.n_ff, D = c.head_dim;
    const int64_t qd = int64_t{c.n_heads} * D, kvd = int64_t{c.n_kv_heads} * D;
    w.token_embd = L.matrix("token_embd.weight", E, c.n_vocab);
    w.output_norm = L.vector("output_norm.weight", E);
    w.output = L.matrix("output.weight", E, c.n_vocab, /*required=*/false);
    if (!w.output.data) w.output = w.token_embd;  // tied embeddings
    if (c.has_rope_freqs) w.rope_freqs = L.vector("rope_freqs.weight", c.n_rot / 2);

    const bool qwen2 = c.arch == Architecture::Qwen2, gemma3 = c.arch == Architecture::Gemma3;
    for (int il = 0; il < c.n_layers; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        LayerWeights l;
        l.attn_norm = L.vector(p + "attn_norm.weight", E);
        l.wq = L.matrix(p + "attn_q.weight", E, qd);
        l.wk = L.matrix(p + "attn_k.weight", E, kvd);
        l.wv = L.matrix(p + "attn_v.weight", E, kvd);
        l.wo = L.matrix(p + "attn_output.weight", qd, E);
        l.bq = L.vector(p + "attn_q.bias", qd, qwen2);
        l.bk = L.vector(p + "attn_k.bias", kvd, qwen2);
        l.bv = L.vector(p + "attn_v.bias", kvd, qwen2);
        if (gemma3) {
            l.q_norm = L.vector(p + "attn_q_norm.weight", D);
            l.k_norm = L.vector(p + "attn_k_norm.weight", D);
            l.post_attn_norm = L.vector(p + "post_attention_norm.weight", E);
            l.post_ffn_norm = L.vector(p + "post_ffw_norm.weight", E);
        }
        l.ffn_norm = L.vector(p + "ffn_norm.weight", E);
        l.w_gate = L.matrix(p + "ffn_gate.weight", E, F);
        l.w_up = L.matrix(p + "ffn_up.weight", E, F);
        l.w_down = L.matrix(p + "ffn_down.weight", F, E);
        w.layers.push_back(l);
    }
    return w;
}

}  // namespace gleaner
