#pragma once
// A second look at the best candidate passages, by the language model itself (UPR, Sachan et al.
// 2022): each candidate is shown to the model alone, followed by "Write a question that this
// passage answers.", and scored by the mean log-probability of the user's question as the
// model's reply. The frame before the passage is computed once; each passage costs a prefill of
// its own tokens, the frame after it and the question.
// Tried and not kept: a yes/no judge ("Does this passage answer the question?", logit(Yes) -
// logit(No)); on Alice's 26 fact questions its best 4 of 12 held the answer for 62%, the fused
// ranking's best 4 for 73%, the question's likelihood's for 92% (docs/long-context.md).
#include <cstdint>
#include <string>
#include <vector>

#include "context_method.h"
#include "model.h"

namespace gleaner {

class Backend;

// One score per passage, the mean log-probability of the question's tokens after it (higher: the
// passage more likely answers it). passages: each passage's tokens in `model`'s vocabulary. The
// cancel flag of `progress` is polled between passages.
std::vector<float> question_likelihoods(const Model& model, Backend& backend, const std::string& question,
                                        const std::vector<std::vector<int32_t>>& passages, const PrefillProgress& progress);

}  // namespace gleaner
