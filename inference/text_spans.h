#pragma once
// A document's tokens cut into passages that a reader can follow: about `target` tokens each,
// ending where a sentence or paragraph ends whenever one is near, never longer than 2 x target.
// Selection ranks these (not single tokens), so what the model reads in pass 2 and what the
// reader sees highlighted are whole sentences.
#include <cstdint>
#include <string_view>
#include <vector>

namespace gleaner {

struct TokenSpan {
    int32_t begin = 0;  // document token indices, [begin, end)
    int32_t end = 0;
};

// offsets: (n_doc + 1) byte offset of each token in text, then text.size() (evidence.h).
// breaks: sorted byte offsets where a passage must begin (the section headings), so that a
// chapter's title stays with its first sentences instead of closing the passage before it; the
// token holding a break's byte begins a passage, and a stub of under target/4 tokens before a
// break joins the passage before it.
std::vector<TokenSpan> sentence_spans(const std::vector<int64_t>& offsets, std::string_view text, int target,
                                      const std::vector<int64_t>& breaks = {});

// Whether each passage may be joined to the one before it: false for the first, after a gap
// (passages cut to a scope), and where a break (a heading) begins it, as sentence_spans begins one.
std::vector<char> joins_previous(const std::vector<TokenSpan>& spans, const std::vector<int64_t>& offsets,
                                 const std::vector<int64_t>& breaks);

// A chosen passage with the text around it, so that the model reads the sentences next to the
// one the question's words matched (where a name or a number often stands): each chosen span of
// `spans` grows by its neighbours while they add at most `widen` tokens on a side (the first
// neighbour always, when widen > 0), and chosen passages that then overlap or touch become one.
// joins_previous[s]: span s may be joined to span s - 1 (joins_previous() above);
// excluded[s]: span s is never added (the front/back matter). Returns the passages in book
// order, each with the indices into `chosen` it holds.
struct WidenedSpan {
    TokenSpan span;
    std::vector<size_t> members;  // indices into `chosen`, ascending
};
std::vector<WidenedSpan> widen_spans(const std::vector<TokenSpan>& spans, const std::vector<int32_t>& chosen, int widen,
                                     const std::vector<char>& joins_previous, const std::vector<char>& excluded);

}  // namespace gleaner
