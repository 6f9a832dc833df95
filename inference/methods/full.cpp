// Full attention: the plain forward pass. A prompt longer than the model's context (minus room
// for the answer) is truncated in the middle, keeping its head and tail halves, as LongBench's
// pred.py does; the trace is every kept token.
#include <algorithm>

#include "context_method.h"
#include "kv_cache.h"
#include "methods/method_steps.h"
#include "transformer.h"

namespace gleaner {

namespace {

class FullMethod final : public ContextMethod {
public:
    FullMethod(const Model& model, Backend& backend, int max_len, DType kv_type)
        : model_(model), backend_(backend), max_len_(max_len), kv_type_(kv_type) {}
    std::string name() const override { return "full"; }
    std::string describe() const override {
        return "full: max_len=" + std::to_string(max_len_) + " kv=" + kv_type_name(kv_type_);
    }

    std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) override {
        const int n = static_cast<int>(prompt.ids.size());
        if (n == 0) throw std::invalid_argument("empty prompt");
        const int budget = std::max(2, max_len_ - std::max(0, max_new_tokens));
        kept_.clear();
        if (n <= budget) {
            for (int i = 0; i < n; ++i) kept_.push_back(i);
        } else {
            const int half = budget / 2;
            for (int i = 0; i < half; ++i) kept_.push_back(i);
            for (int i = n - (budget - half); i < n; ++i) kept_.push_back(i);
        }
        std::vector<int32_t> ids;
        for (int i : kept_) ids.push_back(prompt.ids[i]);
        tf_ = std::make_unique<Transformer>(model_, backend_, static_cast<int>(ids.size()) + std::max(1, max_new_tokens), 512,
                                            kv_type_);
        // in chunks so that progress and cancellation work on long prompts
        return prefill_in_chunks(*tf_, ids, 512, Logits::Last, progress);
    }

    std::vector<float> decode(int32_t token) override { return decode_token(*tf_, token, "full attention"); }

    SelectionTrace trace() const override {
        SelectionTrace t;
        for (int i : kept_) t.tokens.push_back({i, 1.0f});
        t.attended = static_cast<int64_t>(kept_.size());
        return t;
    }

private:
    const Model& model_;
    Backend& backend_;
    int max_len_;
    DType kv_type_;
    std::vector<int> kept_;
    std::unique_ptr<Transformer> tf_;
};

}  // namespace

std::unique_ptr<ContextMethod> make_full_method(const Model& model, Backend& backend, const MethodSettings& s) {
    const int max_len = s.get_int("max_len", model.config().n_ctx_train);
    if (max_len < 16) throw std::invalid_argument("full: max_len must be >= 16");
    const DType kv_type = s.has("kv_type") ? parse_kv_type(s.get_string("kv_type", "")) : kDefaultKvType;
    return std::make_unique<FullMethod>(model, backend, max_len, kv_type);
}

}  // namespace gleaner
