#include "model_answer_engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "evidence.h"
#include "excerpt_answer.h"
#include "qa_prompt.h"

namespace gleaner {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

MethodSettings to_method_settings(const MethodParameters& p) {
    MethodSettings s;
    for (const auto& [k, v] : p) s.set(k, v);
    return s;
}

uint64_t text_key(const Document& doc) { return content_hash(doc.text.data(), doc.text.size()); }
}  // namespace

ModelAnswerEngine::ModelAnswerEngine(std::string model_path, std::unique_ptr<Model> model,
                                     std::unique_ptr<Backend> backend, std::string cache_root)
    : model_path_(std::move(model_path)), model_(std::move(model)), backend_(std::move(backend)),
      cache_root_(std::move(cache_root)) {}

std::string ModelAnswerEngine::model_description() const {
    // The file name says what the user chose (general.name is often a training-run label).
    const std::string name = std::filesystem::path(model_path_).stem().string();
    return name + " · " + backend_->name() + ", " + std::to_string(backend_->threads()) + " threads";
}

const std::vector<int32_t>& ModelAnswerEngine::document_tokens(const Document& doc) {
    const uint64_t key = text_key(doc);
    if (key != tokens_key_ || tokens_.empty()) {
        tokens_ = tokenize_document(model_->tokenizer(), doc.text);
        token_offsets_ = token_offsets(model_->tokenizer(), tokens_, doc.text);
        tokens_key_ = key;
    }
    return tokens_;
}

ReadingMemory& ModelAnswerEngine::reading_memory(const Document& doc, const MethodSettings& settings) {
    const ReadingSettings rs = reading_settings(*model_, settings);
    const std::string key = std::to_string(text_key(doc)) + "/" + rs.cache_key();
    if (!memory_ || key != memory_key_) {
        memory_.reset();
        memory_ = ReadingMemory::open(cache_root_, model_path_, *model_, *backend_, doc.text, rs);
        memory_key_ = key;
    }
    return *memory_;
}

ReadingOutcome ModelAnswerEngine::read(const Document& doc, const MethodParameters& settings,
                                       const std::function<void(const ReadingUpdate&)>& on_progress,
                                       const std::atomic<bool>* cancel) {
    ReadingMemory& mem = reading_memory(doc, to_method_settings(settings));
    ReadingOutcome out;
    try {
        if (!mem.complete())
            mem.read(
                [&](const ReadingProgress& p) {
                    if (on_progress) on_progress(ReadingUpdate{p.done, p.total, p.tokens_per_s, p.eta_s});
                },
                cancel);
    } catch (const CancelledError&) {
        out.cancelled = true;
    }
    out.done = mem.done();
    out.total = mem.total();
    out.complete = mem.complete();
    return out;
}

Answer ModelAnswerEngine::answer(const Document& doc, const AnswerRequest& request, const AnswerCallbacks& callbacks) {
    if (request.method == "excerpt") return answer_from_excerpt(*model_, *backend_, doc, request, callbacks);
    if (request.question.empty()) throw std::invalid_argument("the question is empty");

    const MethodSettings settings = to_method_settings(request.settings);
    Answer a;
    a.method = request.method;
    const auto t0 = Clock::now();
    std::unique_ptr<ContextMethod> method;
    std::vector<int32_t> doc_ids;
    if (request.method == "gleaner") {
        // Gleaner answers from the reading memory: read the book first if that is not done yet.
        ReadingMemory& mem = reading_memory(doc, settings);
        if (!mem.complete()) {
            const ReadingOutcome r = read(doc, request.settings, [&](const ReadingUpdate& u) {
                if (callbacks.on_progress) callbacks.on_progress("reading", u.done, u.total);
            }, callbacks.cancel);
            if (r.cancelled) {
                a.cancelled = true;
                return a;
            }
        }
        doc_ids = mem.doc_ids();
        // The evidence maps these tokens back to the text: their offsets, once per book.
        if (tokens_key_ != text_key(doc) || tokens_ != doc_ids) {
            tokens_ = doc_ids;
            token_offsets_ = token_offsets(model_->tokenizer(), tokens_, doc.text);
            tokens_key_ = text_key(doc);
        }
        method = make_gleaner_method(*model_, *backend_, mem, settings);
    } else {
        doc_ids = document_tokens(doc);
        method = make_context_method(request.method, *model_, *backend_, settings);
    }
    a.read_s = seconds_since(t0);
    const QaPrompt prompt = build_qa_prompt(*model_, doc_ids, request.question);
    a.prompt_tokens = static_cast<int>(prompt.ids.size());

    GenerationOptions opt;
    opt.max_tokens = std::max(1, request.max_tokens);
    opt.cancel = callbacks.cancel;
    opt.on_text = callbacks.on_text;
    PrefillProgress progress;
    progress.cancel = callbacks.cancel;
    progress.on_progress = [&](int64_t done, int64_t total) {
        if (callbacks.on_progress) callbacks.on_progress("prompt", done, total);
    };
    AnswerResult r;
    try {
        r = answer_question(*method, model_->tokenizer(), prompt, opt, progress);
    } catch (const CancelledError&) {
        a.cancelled = true;
        return a;
    }
    a.text = r.text;
    a.prompt_s = r.prefill_s;
    a.decode_s = r.decode_s;
    a.generated_tokens = static_cast<int>(r.tokens.size());
    a.cancelled = r.cancelled;

    // The selected document tokens, merged into passages; the strongest ones, in document order.
    auto to_evidence = [&](const std::vector<TokenScore>& tokens, int max_passages) {
        EvidenceOptions eo;
        eo.max_passages = max_passages;
        std::vector<EvidencePassage> out;
        for (const Passage& p : build_passages(tokens, prompt.doc_begin, token_offsets_, doc.text, eo)) {
            if (p.start_char < 0 || p.end_char <= p.start_char || size_t(p.end_char) > doc.text.size()) continue;
            EvidencePassage e;
            e.begin = size_t(p.start_char);
            e.end = size_t(p.end_char);
            e.score = std::clamp(p.score, 0.0f, 1.0f);
            e.page = doc.page_of_char(e.begin);
            out.push_back(e);
        }
        std::sort(out.begin(), out.end(), [](const EvidencePassage& x, const EvidencePassage& y) { return x.begin < y.begin; });
        return out;
    };
    a.evidence = to_evidence(r.trace.tokens, std::max(1, request.max_passages));
    for (const TokenScore& t : r.trace.tokens)
        if (t.pos >= prompt.doc_begin && t.pos < prompt.doc_end) ++a.selected_tokens;
    // Per layer, coarser: the map shows where each layer looked, not every token.
    for (const LayerSelection& l : r.trace.layers) {
        LayerEvidence le;
        le.layer = l.layer;
        le.passages = to_evidence(l.tokens, 60);
        if (!le.passages.empty()) a.layers.push_back(std::move(le));
    }
    return a;
}

}  // namespace gleaner
