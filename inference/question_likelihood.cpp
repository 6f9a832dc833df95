#include "question_likelihood.h"

#include <algorithm>
#include <cmath>

#include "methods/method_steps.h"
#include "perplexity.h"
#include "qa_prompt.h"
#include "transformer.h"

namespace gleaner {

std::vector<float> question_likelihoods(const Model& model, Backend& backend, const std::string& question,
                                        const std::vector<std::vector<int32_t>>& passages, const PrefillProgress& progress) {
    std::vector<float> scores(passages.size(), -INFINITY);
    const std::vector<int32_t> asked = model.tokenizer().encode(question, false, false);
    if (passages.empty() || asked.empty()) return scores;
    const PromptFrame frame = chat_frame(model, "Passage: " + kDocumentMark + "\n\nWrite a question that this passage answers.");
    size_t longest = 0;
    for (const auto& p : passages) longest = std::max(longest, p.size());
    const int n_ctx = static_cast<int>(frame.before.size() + longest + frame.after.size() + asked.size());
    Transformer tf(model, backend, n_ctx, std::min(n_ctx, 512));
    tf.forward(frame.before, Logits::None);
    const int shared = tf.cache().n_used;
    const size_t V = static_cast<size_t>(model.config().n_vocab);
    for (size_t p = 0; p < passages.size(); ++p) {
        throw_if_cancelled(progress);
        tf.cache().truncate(shared);
        // one forward pass over passage, frame and question (one pass, not two: a second call's
        // few rows cost as much as reading the weights again); the LM head runs only from the
        // frame's last token on, whose row predicts the question's first token
        std::vector<int32_t> ids = passages[p];
        ids.insert(ids.end(), frame.after.begin(), frame.after.end());
        const size_t first = ids.size() - 1;
        ids.insert(ids.end(), asked.begin(), asked.end());
        const std::vector<float>& logits = tf.forward(ids, Logits::All, nullptr, static_cast<int>(first));
        double nll = 0;
        for (size_t j = 0; j < asked.size(); ++j) nll += token_nll(logits.data() + (first + j) * V, static_cast<int>(V), asked[j]);
        scores[p] = static_cast<float>(-nll / static_cast<double>(asked.size()));
    }
    return scores;
}

}  // namespace gleaner
