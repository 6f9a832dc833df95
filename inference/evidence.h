#pragma once
// The evidence of an answer: the token positions a method selected, mapped to byte ranges of the
// document's text and merged into passages with a score each (what the desktop program
// highlights). Offsets are byte offsets into the UTF-8 text, like Document's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "context_method.h"
#include "text_range.h"
#include "tokenizer.h"

namespace gleaner {

// Start offset of each token of `ids` (the tokens of `text`) in `text`, plus text.size() at the
// end (n + 1 entries). Computed by decoding the tokens one by one and aligning each piece with the
// text, so normalisation differences (SentencePiece's space prefix, replaced bytes) only shift a
// boundary locally.
std::vector<int64_t> token_offsets(const Tokenizer& tok, const std::vector<int32_t>& ids, std::string_view text);

// A passage of the evidence: its span of the document's text (begin, end: text_range.h, whole
// UTF-8 characters) and why it was selected.
struct Passage : TextRange {
    float score = 0.0f;      // the best token score in the passage
    int first_token = 0;     // document token indices, [first, last]
    int last_token = 0;
    std::string text;
    float attention = -1.0f;  // the strongest signal of each kind among its tokens (-1: none)
    float lexical = -1.0f;
    float second_look = -1.0f;
    std::vector<int32_t> cites;  // the [n] numbers pass 2 gave its parts, ascending
};

struct EvidenceOptions {
    int merge_gap = 2;         // tokens closer than this (in document tokens) join one passage
    int max_passages = 0;      // 0: all, else the best ones
};

// Passages from the document tokens of a trace. doc_begin: prompt position of the document's
// first token (trace positions outside [doc_begin, doc_begin + n_doc) are ignored). Sorted by
// score (best first), then by position.
std::vector<Passage> build_passages(const std::vector<TokenScore>& tokens, int doc_begin,
                                    const std::vector<int64_t>& offsets, std::string_view text,
                                    const EvidenceOptions& opt = {});

}  // namespace gleaner
