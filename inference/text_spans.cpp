#include "text_spans.h"

#include <algorithm>

namespace gleaner {

namespace {
// Does a sentence or paragraph end just before byte `at`? ('.', '!', '?', ':' or ';', maybe
// followed by closing quotes/brackets, then whitespace; or a blank line.)
bool sentence_ends_before(std::string_view text, int64_t at) {
    if (at <= 0 || at >= static_cast<int64_t>(text.size())) return true;
    if (text[at] != ' ' && text[at] != '\n' && text[at - 1] != ' ' && text[at - 1] != '\n') return false;
    int64_t i = at - 1;
    while (i > 0 && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r')) {
        if (text[i] == '\n' && text[i - 1] == '\n') return true;  // paragraph break
        --i;
    }
    // closing quotes (ASCII or the last byte of a UTF-8 curly quote) and brackets
    while (i > 0 && (text[i] == '"' || text[i] == '\'' || text[i] == ')' || text[i] == ']' ||
                     static_cast<unsigned char>(text[i]) == 0x9D || static_cast<unsigned char>(text[i]) == 0x99))
        i -= static_cast<unsigned char>(text[i]) >= 0x80 ? 3 : 1;
    if (i < 0) return true;
    const char c = text[i];
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}


// The token holding byte b: the last one starting at or before it (offsets as sentence_spans').
int32_t token_holding(const std::vector<int64_t>& offsets, int64_t b) {
    const auto n = static_cast<std::ptrdiff_t>(offsets.size()) - 1;
    return static_cast<int32_t>(std::upper_bound(offsets.begin(), offsets.begin() + n, b) - offsets.begin()) - 1;
}
}  // namespace

std::vector<TokenSpan> sentence_spans(const std::vector<int64_t>& offsets, std::string_view text, int target,
                                      const std::vector<int64_t>& breaks) {
    const int32_t n = static_cast<int32_t>(offsets.size()) - 1;
    target = std::max(1, target);
    auto token_at = [&](int64_t b) { return token_holding(offsets, b); };
    std::vector<TokenSpan> spans;
    int32_t begin = 0;
    auto next_break = breaks.begin();
    while (begin < n) {
        int32_t hard_end = std::min<int64_t>(n, int64_t{begin} + 2 * target);
        while (next_break != breaks.end() && token_at(*next_break) <= begin) ++next_break;
        const bool has_break = next_break != breaks.end();
        const int32_t brk = has_break ? token_at(*next_break) : n;
        if (has_break && brk <= hard_end) {
            if (brk - begin < std::max(1, target / 4) && !spans.empty()) {  // a stub: onto the passage before
                spans.back().end = brk;
                begin = brk;
                continue;
            }
            hard_end = brk;
        }
        int32_t end = hard_end;
        if (hard_end < n && (!has_break || brk > hard_end || brk - begin > target + target / 2)) {
            // the sentence end nearest to begin + target, from target/2 tokens on (and a quarter
            // of the target short of a break ahead)
            const int32_t last = brk > hard_end ? hard_end : hard_end - std::max(1, target / 4);
            int32_t best = -1;
            for (int32_t e = begin + std::max(1, target / 2); e <= last; ++e)
                if (sentence_ends_before(text, offsets[e]) &&
                    (best < 0 || std::abs(e - (begin + target)) < std::abs(best - (begin + target))))
                    best = e;
            if (best > 0) end = best;
        }
        spans.push_back({begin, end});
        begin = end;
    }
    return spans;
}

std::vector<char> joins_previous(const std::vector<TokenSpan>& spans, const std::vector<int64_t>& offsets,
                                  const std::vector<int64_t>& breaks) {
    std::vector<char> joins(spans.size(), 0);
    std::vector<char> at_break(offsets.size(), 0);  // tokens that hold a break
    for (int64_t b : breaks) at_break[std::max(0, token_holding(offsets, b))] = 1;
    for (size_t s = 1; s < spans.size(); ++s) joins[s] = spans[s - 1].end == spans[s].begin && !at_break[spans[s].begin];
    return joins;
}

std::vector<WidenedSpan> widen_spans(const std::vector<TokenSpan>& spans, const std::vector<int32_t>& chosen, int widen,
                                     const std::vector<char>& joins_previous, const std::vector<char>& excluded) {
    const int32_t S = static_cast<int32_t>(spans.size());
    auto length = [&](int32_t s) { return spans[s].end - spans[s].begin; };
    struct Range {
        int32_t first, last;  // span indices, inclusive
        size_t member;
    };
    std::vector<Range> ranges;
    for (size_t m = 0; m < chosen.size(); ++m) {
        int32_t first = chosen[m], last = chosen[m];
        for (int added = 0; widen > 0 && added < widen && first > 0 && joins_previous[first] && !excluded[first - 1];)
            added += length(--first);
        for (int added = 0; widen > 0 && added < widen && last + 1 < S && joins_previous[last + 1] && !excluded[last + 1];)
            added += length(++last);
        ranges.push_back({first, last, m});
    }
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.first < b.first; });
    std::vector<WidenedSpan> out;
    int32_t last = -2;
    for (const Range& r : ranges) {
        // overlapping, or touching without a heading between them
        const bool joins = !out.empty() && (r.first <= last || (r.first == last + 1 && joins_previous[r.first]));
        if (!joins) {
            out.push_back({{spans[r.first].begin, spans[r.last].end}, {}});
            last = r.last;
        } else if (r.last > last) {
            out.back().span.end = spans[r.last].end;
            last = r.last;
        }
        out.back().members.push_back(r.member);
    }
    for (WidenedSpan& w : out) std::sort(w.members.begin(), w.members.end());
    return out;
}

}  // namespace gleaner
