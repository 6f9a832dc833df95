#pragma once
// The excerpt engine's choice of what to read: the run of consecutive paragraphs, within a
// character budget, that shares the most (rare) words with the question. A stand-in until the
// long-context methods read the whole book; it keeps the answer path and its evidence real.
#include <string>
#include <vector>

#include "answer_engine.h"
#include "document.h"

namespace gleaner {

struct Excerpt {
    TextRange range;                        // the chosen span of Document::text
    std::vector<EvidencePassage> passages;  // its paragraphs, scored by overlap with the question
};

// Words of a question or passage as the matcher sees them: lower-case ASCII letters and digits
// (bytes >= 0x80 kept as they are), at least 3 long, common English words dropped.
std::vector<std::string> match_terms(std::string_view text);

// Chooses the excerpt; max_chars > 0. A document without matching words gets its beginning.
// within: where to choose (empty: the whole body of the document).
Excerpt choose_excerpt(const Document& doc, const std::string& question, size_t max_chars, TextRange within = {});

}  // namespace gleaner
