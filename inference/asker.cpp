#include "asker.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <tuple>

#include "answer_prior.h"
#include "claim_check.h"
#include "method_registry.h"
#include "model_identity.h"
#include "qa_prompt.h"

namespace gleaner {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
uint64_t text_hash(std::string_view text) { return content_hash(text.data(), text.size()); }

// A complete answer the model was not sure of, or would have given without the book, or (with
// check_claim) does not find stated in its passages, gives way to kNotStatedAnswer; the model's
// text is kept as the unsupported answer. Answers that already say the text does not say are left
// alone.
void judge_support(const AskRequest& request, const Model& answerer, Backend& backend, bool check_claim,
                   AskResult& out) {
    GenerationResult& a = out.answer;
    std::vector<std::string> pieces;
    for (int32_t t : a.tokens) pieces.push_back(answerer.tokenizer().decode_token(t));
    out.confidence = answer_confidence(request.question, pieces, a.token_probs);
    if (out.cancelled || request.min_confidence <= 0 || a.text.empty() || says_not_stated(a.text)) return;
    if (out.confidence.supported(request.min_confidence) && request.min_gain > 0) {
        out.prior_token_probs = answer_prior_probs(answerer, backend, request.question, a.tokens);
        out.confidence.gain = answer_gain(request.question, pieces, a.token_probs, out.prior_token_probs);
        out.confidence.gain_known = true;
    }
    const bool stood_by = out.confidence.supported(request.min_confidence) && out.confidence.grounded(request.min_gain);
    if (stood_by && check_claim && !out.passages.empty()) {
        std::vector<std::string> texts;
        for (const Passage& p : out.passages) texts.push_back(p.text);
        PrefillProgress progress;
        progress.cancel = request.generation.cancel;
        progress.on_progress = request.on_checking;
        const std::optional<bool> stated = claim_stated(answerer, backend, a.text, texts, progress);
        out.confidence.claim_checked = stated.has_value();
        out.confidence.claim_stated = stated.value_or(true);  // stopped: stood by, unchecked
    }
    if (stood_by && out.confidence.claim_stated) return;
    out.unsupported_answer = a.text;
    a.text = kNotStatedAnswer;
}
}  // namespace

Asker::Asker(std::string model_path, const Model& model, Backend& backend, std::string cache_root)
    : model_path_(std::move(model_path)), model_(model), backend_(backend), cache_root_(std::move(cache_root)) {}

const std::string& Asker::model_id() {
    if (model_id_.empty()) model_id_ = model_file_identity(model_path_, cache_root_);
    return model_id_;
}

ReadingMemory& Asker::memory(const AskDocument& doc, const MethodSettings& settings) {
    return memory(doc, text_hash(doc.text), settings);
}

ReadingMemory& Asker::memory(const AskDocument& doc, uint64_t hash, const MethodSettings& settings) {
    const ReadingSettings rs = reading_settings(model_, settings);
    const std::string key = doc.id + "/" + hash_hex(hash) + "/" + rs.cache_key();
    if (!memory_ || key != memory_key_) {
        memory_.reset();
        MemoryPlace place;
        place.cache_root = cache_root_;
        place.document_id = doc.id;
        place.model_path = model_path_;
        place.model_id = model_id();
        memory_ = ReadingMemory::open(place, model_, backend_, std::string(doc.text), rs);
        memory_key_ = key;
    }
    return *memory_;
}

const std::vector<int32_t>& Asker::citation_marks(const Tokenizer& tok) {
    if (citation_marks_of_ != &tok) {
        citation_marks_ = citation_mark_tokens(tok);
        citation_marks_of_ = &tok;
    }
    return citation_marks_;
}

const std::vector<int32_t>& Asker::tokens(std::string_view text, uint64_t hash) {
    if (hash != tokens_key_ || tokens_.empty()) {
        tokens_ = tokenize_document(model_.tokenizer(), std::string(text));
        tokens_key_ = hash;
    }
    return tokens_;
}

const std::vector<int64_t>& Asker::offsets(std::string_view text, uint64_t hash, const std::vector<int32_t>& ids) {
    const uint64_t key = hash ^ content_hash(ids.data(), ids.size() * sizeof(int32_t), 1);
    if (key != offsets_key_ || offsets_.size() != ids.size() + 1) {
        offsets_ = token_offsets(model_.tokenizer(), ids, text);
        offsets_key_ = key;
    }
    return offsets_;
}

namespace {
// The scope clipped to the text; empty when it is the whole text.
TextRange effective_scope(const AskDocument& doc) {
    TextRange r{std::min(doc.scope.begin, doc.text.size()), std::min(doc.scope.end, doc.text.size())};
    if (r.empty() || (r.begin == 0 && r.end == doc.text.size())) return {};
    return r;
}

// The document tokens [first, last) that overlap the byte range r (offsets: n + 1 entries).
std::pair<int32_t, int32_t> token_range(const std::vector<int64_t>& offsets, TextRange r) {
    const auto b = static_cast<int64_t>(r.begin), e = static_cast<int64_t>(r.end);
    // token i spans [offsets[i], offsets[i + 1])
    const auto first = std::upper_bound(offsets.begin() + 1, offsets.end(), b) - (offsets.begin() + 1);
    const auto last = std::lower_bound(offsets.begin(), offsets.end() - 1, e) - offsets.begin();
    return {static_cast<int32_t>(first), static_cast<int32_t>(std::max(first, last))};
}

std::vector<std::pair<int64_t, int64_t>> skip_inside(const std::vector<std::pair<int64_t, int64_t>>& skip, TextRange r) {
    std::vector<std::pair<int64_t, int64_t>> out;
    const auto b = static_cast<int64_t>(r.begin), e = static_cast<int64_t>(r.end);
    for (const auto& [sb, se] : skip)
        if (std::max(sb, b) < std::min(se, e)) out.push_back({std::max(sb, b) - b, std::min(se, e) - b});
    return out;
}

// The breaks inside r, relative to its start.
std::vector<int64_t> breaks_inside(const std::vector<int64_t>& breaks, TextRange r) {
    std::vector<int64_t> out;
    for (int64_t b : breaks)
        if (b > static_cast<int64_t>(r.begin) && b < static_cast<int64_t>(r.end)) out.push_back(b - static_cast<int64_t>(r.begin));
    return out;
}
}  // namespace

AskResult Asker::ask(const AskDocument& doc, const AskRequest& request) {
    if (request.question.find_first_not_of(" \t\r\n") == std::string::npos)
        throw std::invalid_argument("the question is empty");
    AskResult out;
    const auto t0 = Clock::now();
    const MethodEntry* entry = find_method(request.method);
    if (!entry) throw std::invalid_argument("unknown method '" + request.method + "' (" + method_names_text() + ")");
    out.method = entry->name;
    const std::string conversation = conversation_text(request.earlier);
    const std::string previous = request.earlier.empty() ? std::string() : request.earlier.back().question;
    const TextRange scope = effective_scope(doc);
    const uint64_t hash = text_hash(doc.text);  // once per question: a book is megabytes
    std::string_view text = doc.text;           // what the method reads: the whole text or the scope
    uint64_t read_hash = hash;
    if (!scope.empty()) {
        text = doc.text.substr(scope.begin, scope.size());
        read_hash = text_hash(text);
    }

    if (entry->keeps_reading_memory) {
        ReadingMemory& mem = memory(doc, hash, request.settings);
        const bool read_scope_whole = !scope.empty() && !mem.complete() &&
                                      static_cast<int64_t>(tokens(text, read_hash).size()) <= kScopeReadWholeTokens;
        if (!read_scope_whole) {
            if (!mem.complete() && request.wait_for_reading) {
                try {
                    mem.read(request.on_reading, request.generation.cancel);
                } catch (const CancelledError&) {
                    out.cancelled = true;
                    return out;
                }
            }
            const std::vector<int32_t>& doc_ids = mem.doc_ids();
            std::unique_ptr<ContextMethod> method = make_method(*entry, model_, backend_, &mem, request.settings);
            QaPrompt prompt = build_qa_prompt(model_, doc_ids, request.question, conversation);
            prompt.previous_question = previous;
            prompt.doc_text = doc.text;
            prompt.doc_offsets = &offsets(doc.text, hash, doc_ids);
            prompt.doc_skip = doc.skip;
            prompt.doc_breaks = doc.breaks;
            if (!scope.empty()) std::tie(prompt.scope_begin, prompt.scope_end) = token_range(*prompt.doc_offsets, scope);
            out.read_s = seconds_since(t0);
            if (!mem.complete() && !mem.doc_ids().empty())
                out.read_fraction = static_cast<double>(std::max<int64_t>(0, mem.done() - mem.prefix_len())) /
                                    static_cast<double>(mem.doc_ids().size());
            answer(doc, request, *method, prompt, *prompt.doc_offsets, out);
            return out;
        }
        entry = find_method("full");  // a short scope of an unread book: read whole, now
        out.method = entry->name;
    }

    const std::vector<int32_t>& doc_ids = tokens(text, read_hash);
    std::unique_ptr<ContextMethod> method = make_method(*entry, model_, backend_, nullptr, request.settings);
    QaPrompt prompt = build_qa_prompt(model_, doc_ids, request.question, conversation);
    prompt.previous_question = previous;
    prompt.doc_text = text;
    prompt.doc_offsets = &offsets(text, read_hash, doc_ids);
    prompt.doc_skip = scope.empty() ? doc.skip : skip_inside(doc.skip, scope);
    prompt.doc_breaks = scope.empty() ? doc.breaks : breaks_inside(doc.breaks, scope);
    const std::vector<int64_t>* text_offsets = prompt.doc_offsets;
    if (!scope.empty()) {  // passages are ranges of the whole text
        scope_offsets_ = *prompt.doc_offsets;
        for (int64_t& o : scope_offsets_) o += static_cast<int64_t>(scope.begin);
        text_offsets = &scope_offsets_;
    }
    out.read_s = seconds_since(t0);
    answer(doc, request, *method, prompt, *text_offsets, out);
    return out;
}

void Asker::answer(const AskDocument& doc, const AskRequest& request, ContextMethod& method, QaPrompt& prompt,
                   const std::vector<int64_t>& text_offsets, AskResult& out) {
    if (answer_model_ && !method.answer_with(*answer_model_) && answer_model_required_)
        throw std::invalid_argument("the " + method.name() +
                                    " method cannot answer with another model than the one that read the book");
    out.other_model_answered = method.answering_model() != nullptr;
    const Tokenizer& tok = method.answering_model() ? method.answering_model()->tokenizer() : model_.tokenizer();
    out.document_tokens = prompt.doc_end - prompt.doc_begin;
    out.prompt_tokens = static_cast<int64_t>(prompt.ids.size());
    out.doc_begin = prompt.doc_begin;
    out.doc_end = prompt.doc_end;
    out.offsets = &text_offsets;
    try {
        GenerationOptions generation = request.generation;
        generation.not_first = citation_marks(tok);
        out.answer = answer_question(method, tok, prompt, generation, request.prefill);
    } catch (const CancelledError&) {
        out.cancelled = true;
        return;
    }
    out.cancelled = out.answer.cancelled;
    out.settings = method.describe();
    EvidenceOptions eo;
    eo.max_passages = request.max_passages;
    out.passages = build_passages(out.answer.trace.tokens, prompt.doc_begin, text_offsets, doc.text, eo);
    const Model& answerer = method.answering_model() ? *method.answering_model() : model_;
    const bool check_claim = request.check_claim == AskRequest::ClaimCheck::On ||
                             (request.check_claim == AskRequest::ClaimCheck::Auto && out.other_model_answered &&
                              can_judge_claims(answerer));
    judge_support(request, answerer, backend_, check_claim, out);
    for (const TokenScore& t : out.answer.trace.tokens)
        if (t.pos >= prompt.doc_begin && t.pos < prompt.doc_end) ++out.selected_tokens;
}

}  // namespace gleaner
