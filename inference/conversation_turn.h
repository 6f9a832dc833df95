#pragma once
// A turn of a conversation about a document: an earlier question and the answer it got. A
// follow-up question carries the last few (qa_prompt.h), so "And what did she do then?" can be
// answered; each turn's evidence is still selected for its own question.
#include <cstddef>
#include <string>

namespace gleaner {

struct ConversationTurn {
    std::string question;
    std::string answer;
};

// A follow-up needs what was said, not every word of it, and the prompt stays small.
inline constexpr size_t kMaxEarlierTurns = 3;
inline constexpr size_t kMaxEarlierAnswerBytes = 400;

}  // namespace gleaner
