#include "context_method.h"

#include <chrono>
#include <stdexcept>

#include "method_registry.h"
#include "sampler.h"

namespace gleaner {

namespace {
[[noreturn]] void bad_value(const std::string& key, const std::string& v, const char* what) {
    throw std::invalid_argument("setting " + key + "=" + v + ": " + what);
}
}  // namespace

int MethodSettings::get_int(const std::string& key, int fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    try {
        size_t used = 0;
        const long long v = std::stoll(it->second, &used);
        if (used != it->second.size() || v < INT_MIN || v > INT_MAX) bad_value(key, it->second, "not an integer");
        return static_cast<int>(v);
    } catch (const std::logic_error&) {
        bad_value(key, it->second, "not an integer");
    }
}

double MethodSettings::get_double(const std::string& key, double fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    try {
        size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used != it->second.size()) bad_value(key, it->second, "not a number");
        return v;
    } catch (const std::logic_error&) {
        bad_value(key, it->second, "not a number");
    }
}

bool MethodSettings::get_bool(const std::string& key, bool fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    const std::string& v = it->second;
    if (v == "1" || v == "true" || v == "yes" || v == "on" || v.empty()) return true;
    if (v == "0" || v == "false" || v == "no" || v == "off") return false;
    bad_value(key, v, "not a boolean");
}

std::string MethodSettings::get_string(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
}

std::unique_ptr<ContextMethod> make_context_method(const std::string& name, const Model& model, Backend& backend,
                                                   const MethodSettings& settings) {
    const MethodEntry* entry = find_method(name);
    if (!entry) throw std::invalid_argument("unknown method '" + name + "'");
    return make_method(*entry, model, backend, /*memory=*/nullptr, settings);
}

AnswerResult answer_question(ContextMethod& method, const Tokenizer& tok, const QaPrompt& prompt,
                             const GenerationOptions& opt, const PrefillProgress& progress) {
    AnswerResult r;
    r.prompt_tokens = static_cast<int>(prompt.ids.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> logits = method.prefill(prompt, opt.max_tokens, progress);
    r.prefill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (logits.empty()) {  // the method only selected (selection_only): no answer
        r.trace = method.trace();
        return r;
    }
    // The repetition penalty looks back over the prompt's tokens; when another model answers,
    // those ids are the reading model's vocabulary and mean nothing to the answer's tokenizer.
    const std::vector<int32_t> history = method.answering_model() ? std::vector<int32_t>{} : prompt.ids;
    sample_continuation(std::move(logits), history, tok, opt,
                        [&method](int32_t token, std::vector<float>& next) {
                            next = method.decode(token);
                            return true;
                        },
                        r);
    r.trace = method.trace();
    return r;
}

std::pair<int, int> locate_question(const std::vector<int32_t>& ids, const std::vector<int32_t>& q) {
    const int n = static_cast<int>(ids.size());
    if (q.empty() || q.size() > ids.size()) return {-1, -1};
    const bool trim = q.size() > 2;
    const int b = trim ? 1 : 0;
    const int len = static_cast<int>(q.size()) - (trim ? 2 : 0);
    for (int s = 0; s + len <= n; ++s) {
        bool eq = true;
        for (int j = 0; j < len && eq; ++j) eq = ids[s + j] == q[b + j];
        if (eq) return trim ? std::pair<int, int>{s - 1, s + len + 1} : std::pair<int, int>{s, s + len};
    }
    return {-1, -1};
}

}  // namespace gleaner
