// Q-LLM (dvlab-research/Q-LLM @1cfcb60; COLING 2025): InfLLM plus the question. The question is
// placed before and after the document in the prompt; its first occurrence is located
// (utils/extract_question.py); once per layer, while the init tokens are first filled (that is,
// in the first forward call), the question vector is set: per head, the mean of the global
// queries of the repr_topk question tokens with the highest accumulated local attention
// (context_manager.py append_global). Blocks are then scored by
//     <repr, mean query of the exc block> + question_weight * <repr, question vector>
// (VectorTensor.get_topk). Everything else is InfLLM. question_weight 0 gives InfLLM's blocks.
#include <algorithm>
#include <numeric>

#include "cuda/math/longctx.h"
#include "methods/infllm.h"
#include "top_k.h"

namespace gleaner {

QLlmHooks::QLlmHooks(int n_layers, std::pair<int, int> span, float weight)
    : span_(span), weight_(weight), layers_(n_layers) {}

const float* QLlmHooks::question(int layer) const {
    const PerLayer& p = layers_[layer];
    return p.question.empty() ? nullptr : p.question.data();
}

bool QLlmHooks::add_block_scores(const InfLlmLayer& layer, const float* block_k, int64_t n_blocks, float* scores) {
    const float* q = question(layer.geometry().layer);
    if (!q) return false;
    const int n = layer.geometry().n_heads * layer.geometry().head_dim;
    for (int64_t b = 0; b < n_blocks; ++b) scores[b] += weight_ * gpu::block_score(q, block_k + b * n, n);
    return true;
}

void QLlmHooks::after_exc_block(InfLlmLayer& layer, const float* qg, int64_t first, int m) {
    const int li = layer.geometry().layer;
    PerLayer& p = layers_[li];
    const int st = std::max(0, span_.first), ed = span_.second;
    if (p.closed || ed <= st) return;
    const int H = layer.geometry().n_heads, D = layer.geometry().head_dim;
    const size_t row = static_cast<size_t>(H) * D;
    // keep the global queries of the question tokens as they pass
    const int64_t a = std::max<int64_t>(st, first), b = std::min<int64_t>(ed, first + m);
    if (a < b) {
        if (p.first < 0) p.first = a;
        p.qg.insert(p.qg.end(), qg + (a - first) * row, qg + (b - first) * row);
    }
    // The reference sets the question only in the step that moves tokens into init (while
    // init is not full, once the remainder exceeds the local window).
    const InfLlmConfig& c = layer.config();
    const bool filling_init = layer.init_len() < c.n_init && layer.n_tokens() - layer.rem_start() > c.n_local;
    if (!filling_init) {
        if (layer.init_len() >= c.n_init && c.n_init > 0) p.closed = true;
        return;
    }
    p.closed = true;
    const int len = static_cast<int>(p.qg.size() / row);
    if (len == 0) return;  // the question is not in the first forward call: never set
    const int take = std::min(c.repr_topk, len);
    p.question.assign(row, 0.0f);
    std::vector<float> sc(len);
    for (int h = 0; h < H; ++h) {
        for (int i = 0; i < len; ++i) sc[i] = layer.score(p.first + i)[h];
        const std::vector<int32_t> idx = top_k(sc.data(), len, take);
        float* qh = p.question.data() + static_cast<size_t>(h) * D;
        for (int i = 0; i < take; ++i) {
            const float* src = p.qg.data() + static_cast<size_t>(idx[i]) * row + static_cast<size_t>(h) * D;
            for (int d = 0; d < D; ++d) qh[d] += src[d];
        }
        for (int d = 0; d < D; ++d) qh[d] /= static_cast<float>(take);
    }
    p.qg.clear();
    p.qg.shrink_to_fit();
}

namespace {

class QLlmMethod final : public InfLlmMethod {
public:
    QLlmMethod(const Model& model, Backend& backend, const InfLlmConfig& cfg)
        : InfLlmMethod(model, backend, cfg, "qllm") {}
    const QLlmHooks* hooks() const { return hooks_.get(); }

protected:
    void on_prefill_start(const QaPrompt& prompt) override {
        const Tokenizer& tok = model_.tokenizer();
        const std::vector<int32_t> q = tok.encode(prompt.question, false, false);
        std::pair<int, int> span = locate_question(prompt.ids, q);
        if (span.first >= 0) span.second = std::min<int>(span.second, static_cast<int>(prompt.ids.size()));
        hooks_ = std::make_unique<QLlmHooks>(policy_->n_layers(), span, cfg_.question_weight);
        policy_->set_hooks(hooks_.get());
    }

private:
    std::unique_ptr<QLlmHooks> hooks_;
};

}  // namespace

std::unique_ptr<ContextMethod> make_qllm_method(const Model& model, Backend& backend, const MethodSettings& s) {
    return std::make_unique<QLlmMethod>(model, backend, infllm_config_from(s, qllm_defaults(model.config())));
}

}  // namespace gleaner
