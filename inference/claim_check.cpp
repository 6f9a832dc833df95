#include "claim_check.h"

#include <cctype>

#include "answer_confidence.h"
#include "methods/method_steps.h"
#include "qa_prompt.h"
#include "sampler.h"
#include "transformer.h"

namespace gleaner {

namespace {
std::string trimmed(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}
}  // namespace

bool can_judge_claims(const Model& model) { return model.file().parameter_count() >= kClaimJudgeMinParameters; }

std::string claim_check_question(const std::string& claim) {
    std::string c = trimmed(claim);
    while (!c.empty() && (c.back() == '.' || c.back() == '!')) c.pop_back();
    return "Do the passages above state that " + c + "? Answer yes or no.";
}

bool check_reply_says_yes(const std::string& reply_start) {
    const std::string r = trimmed(reply_start);
    if (r.size() < 3) return false;
    const bool yes = std::tolower(static_cast<unsigned char>(r[0])) == 'y' &&
                     std::tolower(static_cast<unsigned char>(r[1])) == 'e' &&
                     std::tolower(static_cast<unsigned char>(r[2])) == 's';
    return yes && (r.size() == 3 || !std::isalpha(static_cast<unsigned char>(r[3])));
}

std::optional<bool> claim_stated(const Model& model, Backend& backend, const std::string& answer,
                                 const std::vector<std::string>& passages, const PrefillProgress& progress) {
    std::string text;
    for (size_t i = 0; i < passages.size(); ++i) text += "[" + std::to_string(i + 1) + "] " + trimmed(passages[i]) + "\n\n";
    const Tokenizer& tok = model.tokenizer();
    const QaPrompt prompt = build_qa_prompt(model, tokenize_document(tok, trimmed(text)),
                                            claim_check_question(answer.substr(0, claim_end(answer))));
    Transformer tf(model, backend, static_cast<int>(prompt.ids.size()) + 1);
    if (progress.on_progress) progress.on_progress(0, static_cast<int64_t>(prompt.ids.size()));  // its start
    try {
        const std::vector<float> logits = prefill_in_chunks(tf, prompt.ids, 256, Logits::Last, progress);
        return check_reply_says_yes(tok.decode_token(argmax(logits)));
    } catch (const CancelledError&) {
        return std::nullopt;
    }
}

}  // namespace gleaner
