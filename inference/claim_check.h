#pragma once
// Whether the passages state what an answer claims, as the answering model judges when asked
// afresh.
//
// A larger model invents with confidence: "The name of Captain Ahab's wife is Captain Peleg."
// came with a mean confidence of 0.89, and the passages made it e^9 times likelier (they name
// Peleg), so neither answer_confidence nor answer_gain could tell it from a reader's answer. Asked
// in a new prompt, over the same passages and nothing else, "Do the passages above state that
// <claim>? Answer yes or no.", the 1.5B says "The text does not ..." to some inventions and "Yes"
// to every right answer measured: of the QA benchmark's whole-book answers it stood by, 52 of 52
// right fact answers passed, and 5 of 12 wrong fact answers and 2 of 7 inventions about "not in
// the book" questions were caught (docs/long-context.md). The check must be a new prompt: asked
// as a follow-up turn after its own answer, the model said "Yes." every time. The 0.5B says yes
// to almost everything, so the check is for a larger answering model.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "context_method.h"
#include "model.h"

namespace gleaner {

// The check needs a model that can judge: the 1.5B (1.5 billion parameters) said yes to each of
// the 52 right answers above, while the 0.5B said yes to every invention it was shown and, asked
// about a right "EAT ME" from SmolLM2's passages, no. Checking by default (AskRequest::check_claim
// auto) takes an answering model of at least this many parameters.
inline constexpr int64_t kClaimJudgeMinParameters = 1'000'000'000;
bool can_judge_claims(const Model& model);

// The question that asks for the check; claim: the answer's claim (claim_end), a trailing full
// stop removed.
std::string claim_check_question(const std::string& claim);

// Whether a reply to the check says yes: its first word is "yes" (any case).
bool check_reply_says_yes(const std::string& reply_start);

// Asks `model` whether `passages` (numbered [1], [2] ... in the order given) state the claim of
// `answer`, in the Document prompt frame (qa_prompt.h), whose instruction has the model say when
// the text does not give the answer. Greedy first token only: one prefill of the passages and the
// frame, no decoding. Returns whether it says yes; nothing when progress.cancel was set meanwhile.
// progress.on_progress hears the prefill's tokens done, chunk by chunk.
std::optional<bool> claim_stated(const Model& model, Backend& backend, const std::string& answer,
                                 const std::vector<std::string>& passages, const PrefillProgress& progress);

}  // namespace gleaner
