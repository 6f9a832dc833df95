// gleaner-cli ask FILE "QUESTION": answer a question about a document with a long-context method,
// with the evidence (the passages the method selected). gleaner-cli read FILE: read a document
// into Gleaner's persistent reading memory.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "cli/method_args.h"
#include "context_method.h"
#include "evidence.h"
#include "method_registry.h"
#include "model_paths.h"
#include "qa_prompt.h"
#include "ask_document.h"
#include "character_offsets.h"
#include "asker.h"
#include "document_scope.h"
#include "reading.h"

namespace gleaner::cli {

namespace {
std::atomic<bool> g_cancel{false};
void on_sigint(int) { g_cancel = true; }

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::set<std::string> with(std::set<std::string> a, const std::set<std::string>& b) {
    a.insert(b.begin(), b.end());
    return a;
}

// Past a file-size limit (ulimit -f) a write fails with EFBIG, which the reading memory reports
// with the directory and the room needed; the default SIGXFSZ would kill the process instead.
void ignore_file_size_signal() { std::signal(SIGXFSZ, SIG_IGN); }

// Says once that another process is reading this book (even with --quiet: it explains the wait).
void say_waiting(const ReadingProgress& p, bool& said) {
    if (said) return;
    said = true;
    std::fprintf(stderr, "waiting for another reading of this book (%lld/%lld tokens read so far)\n",
                 static_cast<long long>(p.done), static_cast<long long>(p.total));
}

// The registered method --method names; `fallback` when it is not given.
const MethodEntry& method_from_args(const Args& args, const MethodEntry& fallback) {
    const auto name = args.get("method");
    if (!name) return fallback;
    const MethodEntry* m = find_method(*name);
    if (!m) throw UsageError("unknown method '" + *name + "' (" + method_names_text() + "; --method help describes them)");
    return *m;
}

// Reads the document into the reading memory when it is not complete yet; returns seconds spent.
// read_here: whether this process read any of it (not when another one finished it meanwhile).
double ensure_read(ReadingMemory& mem, bool quiet, bool& read_here) {
    read_here = false;
    if (mem.complete()) return 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    ProgressLine line(mem.done() > 0 ? "reading (resumed)" : "reading");
    bool said_waiting = false;
    mem.read(
        [&](const ReadingProgress& p) {
            if (p.waiting) return say_waiting(p, said_waiting);
            read_here = true;
            if (!quiet) line.update(p.done, p.total, p.tokens_per_s, p.eta_s);
        },
        &g_cancel);
    line.finish();
    return seconds_since(t0);
}
// --chapter N|TITLE or --pages A-B: what the question is about (whole document when neither).
// --chapter list prints the chapters and returns true (nothing to ask then).
DocumentScope scope_from_args(const Args& args, const Document& doc, bool& listed) {
    listed = false;
    const auto chapter = args.get("chapter");
    const auto pages = args.get("pages");
    if (chapter && pages) throw UsageError("--chapter and --pages cannot be combined");
    if (chapter) {
        const std::vector<DocumentScope> chapters = document_chapters(doc);
        if (chapters.empty()) throw UsageError(doc.source_path + " has no chapters (no contents or headings)");
        if (*chapter == "list") {
            for (size_t i = 0; i < chapters.size(); ++i) std::printf("%3zu  %s\n", i + 1, chapters[i].label.c_str());
            listed = true;
            return {};
        }
        char* end = nullptr;
        const long n = std::strtol(chapter->c_str(), &end, 10);
        if (end && *end == '\0' && !chapter->empty()) {
            if (n < 1 || n > static_cast<long>(chapters.size()))
                throw UsageError("--chapter " + *chapter + ": the document has chapters 1-" + std::to_string(chapters.size()));
            return chapters[n - 1];
        }
        auto lower = [](std::string t) {
            for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return t;
        };
        for (const DocumentScope& c : chapters)
            if (lower(c.label).find(lower(*chapter)) != std::string::npos) return c;
        throw UsageError("--chapter '" + *chapter + "': no chapter title contains it (--chapter list shows them)");
    }
    if (pages) {
        if (!doc.is_paginated()) throw UsageError("--pages: " + doc.source_path + " has no pages (use --chapter)");
        int a = 0, b = 0;
        char rest = 0;
        const int got = std::sscanf(pages->c_str(), "%d-%d%c", &a, &b, &rest);
        if (got == 1) b = a;
        if ((got != 1 && got != 2) || a < 1 || b < a || a > doc.page_count())
            throw UsageError("--pages " + *pages + ": expected A-B within 1-" + std::to_string(doc.page_count()));
        return page_scope(doc, a - 1, b - 1);
    }
    return {};
}
}  // namespace

int cmd_read(const CommandArgs& argv) {
    Args args(argv, with({"model", "threads", "cache-dir", "method", "device", "password"}, method_option_names()),
              with({"json", "quiet"}, method_switch_names()));
    if (args.positionals().size() != 1) throw UsageError("expected one FILE");
    const MethodEntry& method = method_from_args(args, reading_memory_method());
    if (!method.keeps_reading_memory)
        throw UsageError("the " + method.name + " method keeps no reading memory (it " +
                         std::string(describe_cost(method.cost)) + "); " + reading_memory_method().name + " does");
    const std::string path = args.positionals()[0];
    const auto t0 = std::chrono::steady_clock::now();
    const Document document = load_document(path, args);
    const std::string model_path = resolve_model_path(args);
    const auto model = Model::load(model_path);
    const auto backend = backend_from_args(args);
    const MethodSettings settings = method_settings_from_args(args);
    const ReadingSettings rs = reading_settings(*model, settings);
    Asker asker(model_path, *model, *backend, reading_cache_root(args));
    ReadingMemory* mem = &asker.memory(ask_document(document), settings);
    const int64_t resumed = mem->done();
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    ignore_file_size_signal();
    double read_s = 0;
    bool read_here = false;
    try {
        read_s = ensure_read(*mem, args.flag("quiet"), read_here);
    } catch (const CancelledError&) {
        std::fprintf(stderr, "reading cancelled at %lld/%lld tokens; run the command again to resume\n",
                     static_cast<long long>(mem->done()), static_cast<long long>(mem->total()));
        return 130;
    }
    const bool was_complete = !read_here;  // before this command, or by another process meanwhile
    const int64_t n_doc = static_cast<int64_t>(mem->doc_ids().size());
    const uint64_t bytes = mem->persisted_bytes();
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object()
            .key("file").value(path)
            .key("memory").value(mem->dir())
            .key("document_tokens").value(n_doc)
            .key("read_tokens").value(mem->total())
            .key("resumed_from").value(resumed)
            .key("already_read").value(was_complete)
            .key("read_s").value(read_s)
            .key("tokens_per_s").value(was_complete ? 0.0 : (mem->total() - resumed) / std::max(1e-9, read_s))
            .key("total_s").value(seconds_since(t0))
            .key("persisted_bytes").value(static_cast<int64_t>(bytes))
            .key("bytes_per_token").value(static_cast<double>(bytes) / std::max<int64_t>(1, n_doc))
            .key("settings").value(rs.cache_key())
            .end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        std::printf("%s: %lld tokens %s in %.1f s; memory %s (%.1f MB, %.0f bytes/token)\n", path.c_str(),
                    static_cast<long long>(n_doc), was_complete ? "already read" : "read", read_s, mem->dir().c_str(),
                    bytes / 1e6, static_cast<double>(bytes) / std::max<int64_t>(1, n_doc));
    }
    return 0;
}

namespace {
// --check-claim auto|on|off (AskRequest::check_claim)
AskRequest::ClaimCheck claim_check_from_args(const Args& args) {
    const std::string v = args.get_or("check-claim", "auto");
    if (v == "auto") return AskRequest::ClaimCheck::Auto;
    if (v == "on") return AskRequest::ClaimCheck::On;
    if (v == "off") return AskRequest::ClaimCheck::Off;
    throw UsageError("--check-claim must be auto, on or off");
}
}  // namespace

int cmd_ask(const CommandArgs& argv) {
    std::set<std::string> valued = {"model", "threads", "method", "max-tokens", "max-evidence", "cache-dir", "device",
                                    "min-confidence", "min-gain", "password", "chapter", "pages", "answer-model",
                                    "check-claim"};
    valued.insert(method_option_names().begin(), method_option_names().end());
    valued.insert(sampling_option_names().begin(), sampling_option_names().end());
    Args args(argv, valued, with({"json", "per-layer", "quiet", "no-wait"}, method_switch_names()));
    if (args.get("method") == "help") {
        std::printf("%s", methods_help().c_str());
        return 0;
    }
    if (args.positionals().size() != 2) throw UsageError("expected FILE and \"QUESTION\"");
    const std::string path = args.positionals()[0], question = args.positionals()[1];
    if (question.find_first_not_of(" \t\r\n") == std::string::npos) throw UsageError("the question is empty");
    const MethodEntry& method = method_from_args(args, *find_method(kDefaultAnswerMethod));
    if (method.desktop_only) throw UsageError("the " + method.name + " method is only in the desktop program");
    const std::string& method_name = method.name;
    const int max_tokens = static_cast<int>(args.get_int_or("max-tokens", 64, 1, 4096));
    const int max_evidence = static_cast<int>(args.get_int_or("max-evidence", 20, 0, 1 << 20));
    const bool json = args.flag("json"), quiet = args.flag("quiet");

    const Document document = load_document(path, args);
    bool listed = false;
    const DocumentScope scope = scope_from_args(args, document, listed);
    if (listed) return 0;
    const std::string model_path = resolve_model_path(args);
    const auto model = Model::load(model_path);
    const auto backend = backend_from_args(args);
    std::signal(SIGINT, on_sigint);
    ignore_file_size_signal();
    Asker asker(model_path, *model, *backend, reading_cache_root(args));
    // A larger model may read the passages the reading model selected, and answer.
    const AnswerModel answer_model = answer_model_from_args(args, model_path, method.another_model_may_answer);
    if (answer_model.model) asker.set_answer_model(answer_model.model.get(), /*required=*/answer_model.named);

    AskDocument doc = ask_document(document);
    doc.scope = scope.range;
    if (!scope.whole() && !quiet && !json) std::fprintf(stderr, "about %s\n", scope.label.c_str());
    AskRequest request;
    request.question = question;
    request.method = method_name;
    request.settings = method_settings_from_args(args);
    request.max_passages = max_evidence;
    request.wait_for_reading = !args.flag("no-wait");
    request.min_confidence = static_cast<float>(args.get_double_or("min-confidence", request.min_confidence, 0.0, 1.0));
    request.min_gain = static_cast<float>(args.get_double_or("min-gain", request.min_gain, 0.0, 10.0));
    request.check_claim = claim_check_from_args(args);
    request.generation.max_tokens = max_tokens;
    request.generation.sampling = sampling_from_args(args);
    request.generation.cancel = &g_cancel;
    if (!json)
        request.generation.on_text = [](const std::string& piece) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
        };
    ProgressLine read_line("reading");
    bool said_waiting = false;
    request.on_reading = [&](const ReadingProgress& p) {
        if (p.waiting) return say_waiting(p, said_waiting);
        if (!quiet) read_line.update(p.done, p.total, p.tokens_per_s, p.eta_s);
    };
    ProgressLine line("prefill");
    request.prefill.cancel = &g_cancel;
    const auto tp = std::chrono::steady_clock::now();
    request.prefill.on_progress = [&](int64_t done, int64_t total) {
        // A method that read the book beforehand answers in seconds: its steps are no reading
        // to show a rate for (that printed "prefill 9686/9686 tokens (9659.5 tok/s)").
        if (quiet || done == 0 || method.keeps_reading_memory) return;
        const double el = seconds_since(tp), tps = done / std::max(1e-9, el);
        line.update(done, total, tps, (total - done) / std::max(1e-9, tps));
    };
    ProgressLine check_line("checking the answer");
    std::optional<std::chrono::steady_clock::time_point> check_start;
    request.on_checking = [&](int64_t done, int64_t total) {
        if (quiet || json) return;
        if (!check_start) {  // below the streamed answer, whose last line a progress line would overwrite
            check_start = std::chrono::steady_clock::now();
            std::fflush(stdout);
            if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
        }
        const double el = seconds_since(*check_start), tps = done / std::max(1e-9, el);
        check_line.update(done, total, tps, (total - done) / std::max(1e-9, tps));
    };
    const AskResult res = asker.ask(doc, request);
    const std::string& answered_by = res.method;  // "full" for a short scope of an unread book
    read_line.finish();
    line.finish();
    check_line.finish();
    if (res.cancelled) {
        std::fprintf(stderr, "cancelled; run the command again to resume reading\n");
        return 130;
    }
    const AnswerResult& r = res.answer;
    const std::vector<Passage>& passages = res.passages;
    const int64_t selected_doc = res.selected_tokens;
    const double read_s = res.read_s;
    // the other model that read the passages and answered, if one did
    const std::string answered_with = res.other_model_answered ? answer_model.label() : std::string();
    const double decode_tps = r.tokens.size() > 0 ? r.tokens.size() / std::max(1e-9, r.decode_s) : 0.0;

    if (json) {
        JsonWriter j;
        j.begin_object()
            .key("answer").value(r.text)
            .key("method").value(answered_by)
            .key("model").value(model->config().name.empty() ? model_path : model->config().name)
            .key("answer_model").value(answered_with)
            .key("document_tokens").value(res.document_tokens)
            .key("prompt_tokens").value(res.prompt_tokens)
            .key("selected_tokens").value(selected_doc)
            .key("read_fraction").value(res.read_fraction)
            .key("attended_tokens").value(r.trace.attended)
            .key("settings").value(res.settings)
            .key("stopped_by_eog").value(r.stopped_by_eog)
            .key("confidence").value(static_cast<double>(res.confidence.confidence))
            .key("new_words").value(static_cast<int64_t>(res.confidence.new_words));
        if (res.confidence.gain_known) j.key("gain").value(static_cast<double>(res.confidence.gain));
        if (res.confidence.claim_checked) j.key("claim_stated").value(res.confidence.claim_stated);
        if (!res.unsupported_answer.empty()) j.key("unsupported_answer").value(res.unsupported_answer);
        if (!scope.whole()) {
            const CharacterOffsets chars(document.text);
            j.key("scope").begin_object()
                .key("label").value(scope.label)
                .key("start_char").value(chars.of(scope.range.begin))
                .key("end_char").value(chars.of(scope.range.end))
                .end_object();
        }
        // each answer token with the probability the model gave it (how sure it was)
        j.key("answer_tokens").begin_array();
        for (size_t i = 0; i < r.tokens.size() && i < r.token_probs.size(); ++i)
            j.begin_object()
                .key("text").value((res.other_model_answered ? *answer_model.model : *model).tokenizer().decode_token(r.tokens[i]))
                .key("p").value(static_cast<double>(r.token_probs[i]))
                .key("p_without_book").value(i < res.prior_token_probs.size() ? static_cast<double>(res.prior_token_probs[i]) : -1.0)
                .end_object();
        j.end_array();
        j
            .key("timings").begin_object()
                .key("read_s").value(read_s)
                .key("ttft_s").value(r.prefill_s)
                .key("decode_tok_s").value(decode_tps)
            .end_object()
            .key("evidence").begin_array();
        // Offsets both ways: characters (Unicode code points, what a script slices a string by)
        // and UTF-8 bytes (what the document model and the reader use).
        const CharacterOffsets chars(document.text);
        for (const Passage& p : passages) {
            j.begin_object()
                .key("start_char").value(chars.of(p.begin))
                .key("end_char").value(chars.of(p.end))
                .key("start_byte").value(static_cast<int64_t>(p.begin))
                .key("end_byte").value(static_cast<int64_t>(p.end))
                .key("where").value(citation(document, p.begin))  // "p. 248", "CHAPTER II. ..., ¶ 4"
                .key("score").value(static_cast<double>(p.score));
            // which signals selected the passage, and how strongly (methods that say)
            if (p.attention >= 0 || p.lexical >= 0 || p.second_look >= 0) {
                j.key("signals").begin_object();
                if (p.attention >= 0) j.key("attention").value(static_cast<double>(p.attention));
                if (p.lexical >= 0) j.key("lexical").value(static_cast<double>(p.lexical));
                if (p.second_look >= 0) j.key("second_look").value(static_cast<double>(p.second_look));
                j.end_object();
            }
            if (!p.cites.empty()) {
                j.key("cites").begin_array();
                for (int32_t c : p.cites) j.value(static_cast<int64_t>(c));
                j.end_array();
            }
            j.key("text").value(p.text).end_object();
        }
        j.end_array();
        if (args.flag("per-layer")) {
            j.key("layers").begin_array();
            for (const LayerSelection& l : r.trace.layers) {
                j.begin_object().key("layer").value(l.layer).key("tokens").begin_array();
                for (const TokenScore& t : l.tokens)
                    if (t.pos >= res.doc_begin && t.pos < res.doc_end)
                        j.begin_array().value(static_cast<int64_t>(t.pos - res.doc_begin)).value(static_cast<double>(t.score)).end_array();
                j.end_array().end_object();
            }
            j.end_array();
        }
        j.end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        // the streamed answer was the model's; say when Gleaner does not stand by it
        if (!res.unsupported_answer.empty())
            std::printf("\n\n%s The model's answer %s.", kNotStatedAnswer,
                        unsupported_reason(res.confidence, request.min_confidence).c_str());
        if (res.read_fraction < 1.0)
            std::printf("\n\n(Based on the %.0f%% of the book read so far, and the question's words in the rest; "
                        "gleaner-cli read finishes the reading.)",
                        100.0 * res.read_fraction);
        std::printf("\n\n[%s%s: %lld of %lld document tokens selected; read %.1f s, first token %.2f s, %.1f tok/s]\n",
                    answered_by.c_str(), answered_with.empty() ? "" : (", answered by " + answered_with).c_str(),
                    static_cast<long long>(selected_doc), static_cast<long long>(res.document_tokens),
                    read_s, r.prefill_s, decode_tps);
        if (!passages.empty()) std::printf("evidence:\n");
        const CharacterOffsets chars(document.text);  // passages are cited in characters, as --json gives them
        for (size_t i = 0; i < passages.size(); ++i) {
            std::string t = passages[i].text;
            for (char& ch : t)
                if (ch == '\n') ch = ' ';
            if (t.size() > 160) t = t.substr(0, complete_utf8_prefix(t.substr(0, 157))) + "...";
            std::string cites;  // the [n] the answer cites it by
            for (int32_t c : passages[i].cites) cites.append("[").append(std::to_string(c)).append("]");
            // the signals that selected it, where the method says (attention is -1 for a part not
            // read yet, chosen by its words)
            std::string why;
            const auto signal = [&why](const char* name, float v) {
                if (v < 0) return;
                char part[40];
                std::snprintf(part, sizeof part, "%s%s %.2f", why.empty() ? " (" : ", ", name, v);
                why += part;
            };
            if (passages[i].lexical >= 0) {
                signal("attention", passages[i].attention);
                signal("words", passages[i].lexical);
                signal("second look", passages[i].second_look);
                why += ")";
            }
            std::printf("  %2zu. %s%s (characters %lld-%lld)  score %.2f%s  \"%s\"\n", i + 1, cites.empty() ? "" : (cites + " ").c_str(),
                        citation(document, passages[i].begin).c_str(), static_cast<long long>(chars.of(passages[i].begin)),
                        static_cast<long long>(chars.of(passages[i].end)), passages[i].score, why.c_str(), t.c_str());
        }
    }
    return 0;
}

}  // namespace gleaner::cli
