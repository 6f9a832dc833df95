#include "model_answer_engine.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "evidence.h"
#include "excerpt_answer.h"
#include "method_registry.h"
#include "qa_prompt.h"
#include "ask_document.h"
#include "asker.h"

namespace gleaner {

namespace {

MethodSettings to_method_settings(const MethodParameters& p) {
    MethodSettings s;
    for (const auto& [k, v] : p) s.set(k, v);
    return s;
}

}  // namespace

ModelAnswerEngine::ModelAnswerEngine(std::string model_path, std::unique_ptr<Model> model,
                                     std::unique_ptr<Backend> backend, std::string cache_root,
                                     std::string answer_model_path, std::unique_ptr<Model> answer_model)
    : model_path_(std::move(model_path)), model_(std::move(model)), backend_(std::move(backend)),
      cache_root_(std::move(cache_root)), answer_model_path_(std::move(answer_model_path)),
      answer_model_(std::move(answer_model)), asker_(model_path_, *model_, *backend_, cache_root_) {
    asker_.set_answer_model(answer_model_.get(), /*required=*/false);
}

std::string ModelAnswerEngine::model_description() const {
    // The file name says what the user chose (general.name is often a training-run label).
    const std::string name = std::filesystem::path(model_path_).stem().string();
    const std::string answers =
        answer_model_ ? ", answers with " + std::filesystem::path(answer_model_path_).stem().string() : std::string();
    return name + answers + " · " + backend_->name() + ", " + std::to_string(backend_->threads()) + " threads";
}

ReadingOutcome ModelAnswerEngine::read(const Document& doc, const MethodParameters& settings,
                                       const std::function<void(const ReadingUpdate&)>& on_progress,
                                       const std::atomic<bool>* cancel) {
    ReadingMemory& mem = asker_.memory(ask_document(doc), to_method_settings(settings));
    ReadingOutcome out;
    try {
        if (!mem.complete())
            mem.read(
                [&](const ReadingProgress& p) {
                    if (on_progress) on_progress(ReadingUpdate{p.done, p.total, p.tokens_per_s, p.eta_s, p.waiting});
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
    // The one method the registry leaves to the desktop program (desktop_only) is answered here.
    if (const MethodEntry* m = find_method(request.method); m && m->desktop_only)
        return answer_from_excerpt(*model_, *backend_, doc, request, callbacks);
    if (request.question.empty()) throw std::invalid_argument("the question is empty");

    Answer a;
    a.method = request.method;
    AskDocument ad = ask_document(doc);
    ad.scope = request.scope;
    AskRequest ar;
    ar.question = request.question;
    ar.earlier = request.earlier;
    ar.wait_for_reading = request.wait_for_reading;
    ar.method = request.method;
    ar.settings = to_method_settings(request.settings);
    ar.max_passages = std::max(1, request.max_passages);
    ar.generation.max_tokens = std::max(1, request.max_tokens);
    ar.generation.cancel = callbacks.cancel;
    ar.generation.on_text = callbacks.on_text;
    ar.on_reading = [&](const ReadingProgress& p) {
        if (callbacks.on_progress) callbacks.on_progress(p.waiting ? "waiting" : "reading", p.done, p.total);
    };
    ar.prefill.cancel = callbacks.cancel;
    ar.prefill.on_progress = [&](int64_t done, int64_t total) {
        if (callbacks.on_progress) callbacks.on_progress("prompt", done, total);
    };
    ar.on_checking = [&](int64_t done, int64_t total) {
        if (callbacks.on_progress) callbacks.on_progress("checking", done, total);
    };
    const AskResult res = asker_.ask(ad, ar);
    if (res.cancelled && res.answer.tokens.empty()) {
        a.cancelled = true;
        return a;
    }
    const AnswerResult& r = res.answer;
    a.method = res.method;
    if (res.other_model_answered) a.answered_by = std::filesystem::path(answer_model_path_).stem().string();
    a.read_fraction = res.read_fraction;
    a.read_s = res.read_s;
    a.prompt_tokens = static_cast<int>(res.prompt_tokens);
    a.text = r.text;
    if (!res.unsupported_answer.empty())  // the model's own answer stays visible, marked as a guess
        a.text += "\n\nThe model's answer, which " + unsupported_reason(res.confidence, ar.min_confidence) + ": " +
                  res.unsupported_answer;
    a.prompt_s = r.prefill_s;
    a.decode_s = r.decode_s;
    a.generated_tokens = static_cast<int>(r.tokens.size());
    a.cancelled = r.cancelled;

    // Passages (strongest first) as the panel's evidence, in document order.
    auto to_evidence = [&](const std::vector<Passage>& passages) {
        std::vector<EvidencePassage> out;
        for (const Passage& p : passages) {
            if (p.empty() || p.end > doc.text.size()) continue;
            EvidencePassage e;
            e.begin = p.begin;
            e.end = p.end;
            e.score = std::clamp(p.score, 0.0f, 1.0f);
            e.page = doc.page_of_char(e.begin);
            e.attention = p.attention;
            e.lexical = p.lexical;
            e.second_look = p.second_look;
            e.cites = p.cites;
            out.push_back(e);
        }
        std::sort(out.begin(), out.end(), [](const EvidencePassage& x, const EvidencePassage& y) { return x.begin < y.begin; });
        return out;
    };
    a.evidence = to_evidence(res.passages);  // the Asker's, already limited to request.max_passages
    a.selected_tokens = static_cast<int>(res.selected_tokens);
    // Per layer, coarser: the map shows where each layer looked, not every token.
    for (const LayerSelection& l : r.trace.layers) {
        LayerEvidence le;
        le.layer = l.layer;
        EvidenceOptions eo;
        eo.max_passages = 60;
        le.passages = to_evidence(build_passages(l.tokens, res.doc_begin, *res.offsets, doc.text, eo));
        if (!le.passages.empty()) a.layers.push_back(std::move(le));
    }
    return a;
}

}  // namespace gleaner
