#include "excerpt_answer.h"

#include <algorithm>
#include <chrono>
#include <span>
#include <stdexcept>

#include "chat_template.h"
#include "excerpt_selection.h"
#include "generator.h"
#include "methods/method_steps.h"
#include "qa_prompt.h"
#include "transformer.h"

namespace gleaner {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
constexpr int kPromptChunk = 256;  // tokens per prefill step: the granularity of progress and Stop

std::vector<int32_t> prompt_tokens(const Model& model, const std::string& title, const std::string& excerpt,
                                   const std::string& question, const std::string& conversation) {
    const Tokenizer& tok = model.tokenizer();
    const ChatStyle style = chat_style_for(model.chat_template(), tok.vocab().tokens);
    std::vector<ChatMessage> messages;
    if (!style.default_system.empty()) messages.push_back({"system", style.default_system});
    std::string user = "Here is an excerpt";
    if (!title.empty()) user += " from \"" + title + "\"";
    user += ":\n\n" + excerpt + "\n\n" + conversation + "Using the excerpt, answer briefly: " + question;
    messages.push_back({"user", user});
    return tok.encode(render_chat(style.format, messages), tok.vocab().add_bos, /*parse_special=*/true);
}
}  // namespace

Answer answer_from_excerpt(const Model& model, Backend& backend, const Document& doc, const AnswerRequest& request,
                           const AnswerCallbacks& callbacks) {
    if (request.question.empty()) throw std::invalid_argument("the question is empty");
    const int n_ctx_train = std::max(256, model.config().n_ctx_train);
    const int max_tokens = std::clamp(request.max_tokens, 1, n_ctx_train / 2);
    const int budget = std::clamp(request.context_tokens, 64, n_ctx_train - max_tokens - 128);

    // Characters per token vary by language and tokenizer; start from 3.5 and shrink the excerpt
    // until the whole prompt fits.
    size_t max_chars = static_cast<size_t>(budget * 3.5);
    Excerpt excerpt;
    std::vector<int32_t> prompt;
    for (int attempt = 0; attempt < 6; ++attempt) {
        excerpt = choose_excerpt(doc, request.question, max_chars, request.scope);
        prompt = prompt_tokens(model, request.document_title, std::string(doc.slice(excerpt.range)), request.question,
                               conversation_text(request.earlier));
        const int overhead = static_cast<int>(prompt.size()) - budget;
        if (static_cast<int>(prompt.size()) + max_tokens <= n_ctx_train && overhead <= 160) break;
        max_chars = static_cast<size_t>(max_chars * 0.8);
    }
    const int n_prompt = static_cast<int>(prompt.size());
    if (n_prompt + max_tokens > n_ctx_train)
        throw std::runtime_error("the question is too long for the model's context (" + std::to_string(n_prompt) +
                                 " tokens)");

    Answer a;
    a.method = "excerpt";
    a.evidence = excerpt.passages;
    a.prompt_tokens = n_prompt;
    a.selected_tokens = n_prompt;

    Transformer tf(model, backend, n_prompt + max_tokens + 8);
    const auto t0 = Clock::now();
    // Prefill all but the last prompt token in chunks (progress, Stop), then let generate() take
    // the last one: it samples the first answer token from its logits.
    PrefillProgress progress;
    progress.cancel = callbacks.cancel;
    progress.on_progress = [&](int64_t done, int64_t total) {
        if (callbacks.on_progress) callbacks.on_progress("prompt", done, total);
    };
    try {
        prefill_in_chunks(tf, std::span<const int32_t>(prompt.data(), size_t(n_prompt - 1)), kPromptChunk, Logits::None,
                          progress, n_prompt);
    } catch (const CancelledError&) {
        a.cancelled = true;
        a.prompt_s = seconds_since(t0);
        return a;
    }
    a.prompt_s = seconds_since(t0);

    GenerationOptions opt;
    opt.max_tokens = max_tokens;
    opt.cancel = callbacks.cancel;
    opt.on_text = callbacks.on_text;
    opt.sampling.repeat_penalty = 1.1f;  // small models loop without it
    const GenerationResult r = generate(tf, {prompt.back()}, opt);
    a.prompt_s += r.prefill_s;
    a.decode_s = r.decode_s;
    a.text = r.text;
    a.generated_tokens = static_cast<int>(r.tokens.size());
    a.cancelled = r.cancelled;
    return a;
}

}  // namespace gleaner
