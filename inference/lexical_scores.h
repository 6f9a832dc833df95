#pragma once
// Okapi BM25 of text spans for a question's content words: the lexical signal that Gleaner's
// selection fuses with the model's attention (a book's answer is usually near the question's
// rare words; attention alone drifts to the book's start, contents and licence on small models).
// Words: ASCII letters and digits lower-cased, any other UTF-8 bytes kept as letters, a final
// "'s" or plural "s" dropped; the question's common words (what, who, the, ...) ignored.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gleaner {

// The question's distinct content words, normalised as above.
std::vector<std::string> content_words(std::string_view question);

// BM25 (k1 = 1.2, b = 0.75) of each byte range of text for the words, with the ranges as the
// collection: a word in few ranges weighs more. 0 for a range with none of the words.
std::vector<float> bm25_scores(std::string_view text, const std::vector<std::pair<int64_t, int64_t>>& ranges,
                               const std::vector<std::string>& words);

}  // namespace gleaner
