// gleaner-cli generate: stream a continuation of a prompt, or a chat reply with --chat.
#include <csignal>
#include <cstdio>

#include "chat_template.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "generator.h"
#include "vocab.h"

namespace gleaner::cli {

namespace {
std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }
}  // namespace

int cmd_generate(const CommandArgs& argv) {
    std::set<std::string> valued = {"model", "prompt", "max-tokens", "threads", "ctx", "system", "device"};
    valued.insert(sampling_option_names().begin(), sampling_option_names().end());
    Args args(argv, valued, {"chat", "stats", "special"});
    const auto prompt = args.get("prompt");
    if (!prompt) throw UsageError("--prompt is required");
    const int max_tokens = static_cast<int>(args.get_int_or("max-tokens", 256, 1, 1 << 20));

    const auto model = load_model_from_args(args);
    const auto backend = backend_from_args(args);
    const int n_ctx = static_cast<int>(args.get_int_or("ctx", std::min(model->config().n_ctx_train, 8192), 16, 1 << 22));
    Transformer tf(*model, *backend, n_ctx);

    std::vector<int32_t> ids;
    const Tokenizer& tok = model->tokenizer();
    if (args.flag("chat")) {
        const ChatStyle style = chat_style_for(model->chat_template(), tok.vocab().tokens);
        std::vector<ChatMessage> msgs;
        const std::string system = args.get_or("system", style.default_system);
        if (!system.empty()) msgs.push_back({"system", system});
        msgs.push_back({"user", *prompt});
        ids = tok.encode(render_chat(style.format, msgs), tok.vocab().add_bos, /*parse_special=*/true);
    } else {
        // --special: texts of special tokens in the prompt ("<|im_start|>") become those tokens, as
        // llama.cpp's default does, so a hand-written chat prompt tokenizes the same
        ids = tok.encode(*prompt, tok.vocab().add_bos, /*parse_special=*/args.flag("special"));
    }
    if (static_cast<int>(ids.size()) >= n_ctx)
        throw std::runtime_error("the prompt has " + std::to_string(ids.size()) + " tokens but the context holds " +
                                 std::to_string(n_ctx) + "; shorten it or raise --ctx");

    std::signal(SIGINT, on_sigint);  // Ctrl+C stops generation cleanly, keeping what was printed
    GenerationOptions opt;
    opt.max_tokens = max_tokens;
    opt.sampling = sampling_from_args(args);
    opt.cancel = &g_interrupted;
    opt.on_text = [](const std::string& piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
    };
    const GenerationResult r = generate(tf, ids, opt);
    std::printf("\n");
    if (args.flag("stats"))
        std::fprintf(stderr, "prompt %d tokens in %.2f s (%.1f tok/s); generated %zu tokens in %.2f s (%.1f tok/s)\n",
                     r.prompt_tokens, r.prefill_s, r.prompt_tokens / std::max(1e-9, r.prefill_s), r.tokens.size(),
                     r.decode_s, r.tokens.size() / std::max(1e-9, r.decode_s));
    return 0;
}

}  // namespace gleaner::cli
