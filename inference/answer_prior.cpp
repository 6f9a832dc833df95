#include "answer_prior.h"

#include <span>

#include "generator.h"
#include "qa_prompt.h"
#include "transformer.h"

namespace gleaner {

std::vector<float> answer_prior_probs(const Model& model, Backend& backend, const std::string& question,
                                      const std::vector<int32_t>& answer) {
    if (answer.empty()) return {};
    const PromptFrame f = qa_prompt_frame(model, question, FrameKind::Passages);
    std::vector<int32_t> ids = f.before;
    ids.insert(ids.end(), f.after.begin(), f.after.end());
    const int first = static_cast<int>(ids.size()) - 1;  // the row that predicts answer[0]
    ids.insert(ids.end(), answer.begin(), answer.end() - 1);
    Transformer tf(model, backend, static_cast<int>(ids.size()) + 1);
    const std::vector<float>& logits = tf.forward(ids, Logits::All, nullptr, first);
    const size_t V = static_cast<size_t>(model.config().n_vocab);
    std::vector<float> probs(answer.size());
    for (size_t j = 0; j < answer.size(); ++j)
        probs[j] = token_probability(std::span<const float>(logits).subspan((first + j) * V, V), answer[j]);
    return probs;
}

}  // namespace gleaner
