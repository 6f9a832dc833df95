#pragma once
// What the model would have answered without the book: the probability it gives each token of
// its answer when it is asked the same question with no passages at all.
//
// An answer the passages support is far likelier with them than without ("Bill" for the Lizard's
// name); an invention is about as likely either way ("Alice is 25 years old."). Comparing the two
// (answer_gain in answer_confidence.h) tells a reader's answer from a guess the passages did not cause.
#include <cstdint>
#include <string>
#include <vector>

#include "backend.h"
#include "model.h"

namespace gleaner {

// answer: the model's answer tokens. Returns one probability per answer token, taken from the
// Passages prompt frame (qa_prompt.h) with nothing between its two halves and no earlier turns
// (what the model knows without the book; an earlier answer came from the book). Costs one
// prefill of the frame and the answer (about a hundred tokens).
std::vector<float> answer_prior_probs(const Model& model, Backend& backend, const std::string& question,
                                      const std::vector<int32_t>& answer);

}  // namespace gleaner
