#include "method_cost_estimate.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace gleaner {

namespace {
// A numeric setting: the user's value, else the registry's default; `fallback` when neither is a
// number (a default such as "the model's context").
int64_t token_setting(const MethodEntry& method, const std::map<std::string, std::string>& settings,
                      const std::string& key, int64_t fallback) {
    auto parse = [](const std::string& text) -> std::optional<int64_t> {
        try {
            size_t used = 0;
            const long long v = std::stoll(text, &used);
            if (used == text.size() && v > 0) return v;
        } catch (const std::exception&) {
        }
        return std::nullopt;
    };
    if (const auto it = settings.find(key); it != settings.end())
        if (const auto v = parse(it->second)) return *v;
    for (const MethodSetting& s : method.settings)
        if (s.key == key)
            if (const auto v = parse(s.default_value)) return *v;
    return fallback;
}
}  // namespace

CostEstimate estimate_method_cost(const MethodEntry& method, const CostQuery& query) {
    CostEstimate e;
    e.cost = method.cost;
    const int64_t book = std::max<int64_t>(0, query.book_tokens);
    int64_t from_book = book;
    switch (method.cost) {
    case MethodCost::ReadsOnce:
        // The reading is paid once, in the background; a question then shows the model only the k
        // tokens that matter to it, whether the memory is complete or not (an unread part is
        // searched by the question's words).
        from_book = std::min(book, token_setting(method, query.settings, "k", 768));
        e.partial_memory = query.read_fraction < 1.0;
        break;
    case MethodCost::RereadsPerQuestion: from_book = book; break;
    case MethodCost::QuickPart: from_book = std::min(book, std::max<int64_t>(0, query.excerpt_tokens)); break;
    }
    e.prompt_tokens = from_book + kQuestionPromptTokens;
    if (query.prefill_tokens_per_s > 0) e.seconds = double(e.prompt_tokens) / query.prefill_tokens_per_s;
    return e;
}

int64_t tokens_from_text_bytes(uint64_t bytes) { return int64_t((bytes + 3) / 4); }

std::string describe_duration(double seconds) {
    if (!(seconds >= 0)) return "unknown";
    if (seconds < 1) return "under a second";
    if (seconds < 59.5) return "about " + std::to_string(std::lround(seconds)) + " s";
    const double minutes = seconds / 60;
    if (minutes < 89.5) return "about " + std::to_string(std::max(1L, std::lround(minutes))) + " min";
    return "about " + std::to_string(std::lround(minutes / 60)) + " h";
}

}  // namespace gleaner
