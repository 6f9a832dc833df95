#include "asker.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "method_registry.h"
#include "model_identity.h"
#include "qa_prompt.h"

namespace gleaner {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
uint64_t text_hash(std::string_view text) { return content_hash(text.data(), text.size()); }

// A complete answer the model was not sure of gives way to kNotStatedAnswer; the model's text is
// kept as the unsupported answer. Answers that already say the text does not say are left alone.
void judge_support(const AskRequest& request, const Tokenizer& tok, AskResult& out) {
    GenerationResult& a = out.answer;
    std::vector<std::string> pieces;
    for (int32_t t : a.tokens) pieces.push_back(tok.decode_token(t));
    out.confidence = answer_confidence(request.question, pieces, a.token_probs);
    if (out.cancelled || request.min_confidence <= 0 || a.text.empty() || says_not_stated(a.text)) return;
    if (out.confidence.supported(request.min_confidence)) return;
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

AskResult Asker::ask(const AskDocument& doc, const AskRequest& request) {
    if (request.question.find_first_not_of(" \t\r\n") == std::string::npos)
        throw std::invalid_argument("the question is empty");
    AskResult out;
    const auto t0 = Clock::now();
    std::unique_ptr<ContextMethod> method;
    std::vector<int32_t> doc_ids;
    const MethodEntry* entry = find_method(request.method);
    if (!entry) throw std::invalid_argument("unknown method '" + request.method + "' (" + method_names_text() + ")");
    const uint64_t hash = text_hash(doc.text);  // once per question: a book is megabytes
    if (entry->keeps_reading_memory) {
        ReadingMemory& mem = memory(doc, hash, request.settings);
        if (!mem.complete()) {
            try {
                mem.read(request.on_reading, request.generation.cancel);
            } catch (const CancelledError&) {
                out.cancelled = true;
                return out;
            }
        }
        doc_ids = mem.doc_ids();
        method = make_method(*entry, model_, backend_, &mem, request.settings);
    } else {
        doc_ids = tokens(doc.text, hash);
        method = make_method(*entry, model_, backend_, nullptr, request.settings);
    }
    QaPrompt prompt = build_qa_prompt(model_, doc_ids, request.question);
    prompt.doc_text = doc.text;
    prompt.doc_offsets = &offsets(doc.text, hash, doc_ids);
    prompt.doc_skip = doc.skip;
    out.read_s = seconds_since(t0);
    out.document_tokens = static_cast<int64_t>(doc_ids.size());
    out.prompt_tokens = static_cast<int64_t>(prompt.ids.size());
    out.doc_begin = prompt.doc_begin;
    out.doc_end = prompt.doc_end;
    out.offsets = prompt.doc_offsets;
    try {
        out.answer = answer_question(*method, model_.tokenizer(), prompt, request.generation, request.prefill);
    } catch (const CancelledError&) {
        out.cancelled = true;
        return out;
    }
    out.cancelled = out.answer.cancelled;
    out.settings = method->describe();
    judge_support(request, model_.tokenizer(), out);
    EvidenceOptions eo;
    eo.max_passages = request.max_passages;
    out.passages = build_passages(out.answer.trace.tokens, prompt.doc_begin, *prompt.doc_offsets, doc.text, eo);
    for (const TokenScore& t : out.answer.trace.tokens)
        if (t.pos >= prompt.doc_begin && t.pos < prompt.doc_end) ++out.selected_tokens;
    return out;
}

}  // namespace gleaner
