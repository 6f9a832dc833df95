#pragma once
// Asking a document: the one home of the pipeline every front end uses (gleaner-cli ask, the
// desktop program's worker): the document's tokens and their offsets (once per text), the
// reading memory (gleaner), the method, the prompt with the document's text and the ranges no
// selection may take, the answer, and the evidence as passages of the text.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "answer_confidence.h"
#include "context_method.h"
#include "evidence.h"
#include "method_registry.h"
#include "qa_prompt.h"
#include "reading.h"
#include "text_range.h"

namespace gleaner {

// What Gleaner answers when the model's own answer is not supported (AskRequest::min_confidence).
inline constexpr const char* kNotStatedAnswer = "The book does not seem to say.";

struct AskDocument {
    std::string id;                                     // Document::id (memory_place.h); may be empty
    std::string_view text;                              // UTF-8; outlives the call
    std::vector<std::pair<int64_t, int64_t>> skip;      // byte ranges never selected (front/back matter)
    std::vector<int64_t> breaks;                        // sorted byte offsets of the section headings: passages begin there
    // The part of the text the question is about (a chapter, pages, a selected passage); empty:
    // the whole text. Evidence comes from inside it only. A method that keeps a reading memory
    // selects inside the scope from the memory of the whole book; when the book is not read yet
    // and the scope is short enough to be read whole (kScopeReadWholeTokens), the scope is put in
    // the prompt whole (method "full"), and every other method reads the scope alone.
    TextRange scope;
};

inline constexpr int64_t kScopeReadWholeTokens = 6144;

struct AskRequest {
    std::string question;
    // The earlier turns of the conversation this question follows (oldest first); the prompt
    // carries the last few (qa_prompt.h), and the selection is made again for this question.
    std::vector<ConversationTurn> earlier;
    std::string method = kDefaultAnswerMethod;  // a name in method_registry() (not a desktop-only one)
    MethodSettings settings;
    GenerationOptions generation = answer_generation();  // max_tokens, sampling, cancel, on_text

    // Answers end: generation stops when the answer starts to loop.
    static GenerationOptions answer_generation() {
        GenerationOptions g;
        g.max_tokens = 128;
        g.stop_on_loop = true;
        return g;
    }
    int max_passages = 20;            // evidence passages kept (the strongest)
    // An answer whose new words the model chose with less mean probability than this (or that
    // adds nothing to the question) is replaced by kNotStatedAnswer (answer_confidence.h); 0 keeps
    // every answer.
    float min_confidence = 0.35f;
    // ... or whose new words the passages made likelier by less than this (answer_gain: the mean
    // log ratio of each new word's probability with the passages and with the question alone,
    // answer_prior.h; one short extra pass); 0: not checked.
    // 1 (e times likelier): on the QA benchmark the right answers' gains were 1.9 and up, the
    // inventions' below 1 ("Alice is 25 years old.": -0.4; "Mrs. Bennet's first name is Jane.": 0.9).
    float min_gain = 1.0f;
    // Whether an answer that passed both must also be found stated in its evidence passages by
    // the answering model asked afresh (claim_check.h; one more prefill of the passages). Auto:
    // when another model answered that can judge (can_judge_claims: 1B parameters and up; the
    // 0.5B says yes to almost everything).
    enum class ClaimCheck { Auto, On, Off };
    ClaimCheck check_claim = ClaimCheck::Auto;
    // Progress of the claim check's prefill, in tokens (its cancel is generation.cancel).
    std::function<void(int64_t done, int64_t total)> on_checking;
    std::function<void(const ReadingProgress&)> on_reading;  // gleaner: an unread book is read first
    // false: a book not read to the end is answered at once from what has been read (its
    // attention) and the question's words in the rest (BM25), instead of reading the rest first
    // (AskResult::read_fraction says how much was read).
    bool wait_for_reading = true;
    PrefillProgress prefill;          // progress of the method's prefill
};

struct AskResult {
    AnswerResult answer;
    std::vector<Passage> passages;    // strongest first (evidence.h)
    int64_t document_tokens = 0;
    int64_t prompt_tokens = 0;
    int64_t selected_tokens = 0;      // document tokens the method selected
    int doc_begin = 0, doc_end = 0;   // the document's prompt positions (trace positions are prompt positions)
    // Byte offset of each document token (evidence.h), for building more passages from the
    // trace (per layer); owned by the Asker, valid until its next ask(). Null when cancelled early.
    const std::vector<int64_t>* offsets = nullptr;
    double read_s = 0;                // reading / tokenizing before the method's prefill
    std::string settings;             // the method's describe()
    std::string method;               // the method that answered: the request's, or "full" for a
                                      // short scope of an unread book (AskDocument::scope)
    AnswerConfidence confidence;      // of the model's own answer
    // The probability of each answer token with the question alone (answer_prior.h), when the
    // gain was computed; else empty.
    std::vector<float> prior_token_probs;
    // The model's answer when it was replaced by kNotStatedAnswer (shown to the user as a guess).
    std::string unsupported_answer;
    bool cancelled = false;           // while reading or answering
    // The share of the book's tokens the reading memory had read when the method selected (1 for
    // methods without one): below 1, the rest was chosen from by the question's words alone.
    double read_fraction = 1.0;
    // The answer model (Asker::set_answer_model) read the passages and answered.
    bool other_model_answered = false;
};

class Asker {
public:
    // model_path: the model's file (part of the reading memory's identity); cache_root: where
    // reading memories live.
    Asker(std::string model_path, const Model& model, Backend& backend, std::string cache_root);

    // The reading memory of this document under these settings (opened or created; not read).
    ReadingMemory& memory(const AskDocument& doc, const MethodSettings& settings);

    // Throws std::invalid_argument for an unknown method, bad settings or an empty question.
    AskResult ask(const AskDocument& doc, const AskRequest& request);

    // Lets go of the open reading memory (before its directory is deleted).
    void forget_memory() {
        memory_.reset();
        memory_key_.clear();
    }

    // Gleaner's passages are read and answered by this model instead (null: the reading model).
    // It must outlive the Asker's asks. A method that cannot use it (no passages another model
    // can read) refuses the request when `required` (the CLI's --answer-model), else answers
    // with the reading model (the desktop's preference; AskResult::other_model_answered says).
    void set_answer_model(const Model* answer_model, bool required = true) {
        answer_model_ = answer_model;
        answer_model_required_ = required;
        citation_marks_of_ = nullptr;  // a new model may sit where the old one was: find them again
    }

    const Model& model() const { return model_; }
    Backend& backend() const { return backend_; }

private:
    // The same, the document's text hashed once by the caller.
    ReadingMemory& memory(const AskDocument& doc, uint64_t text_hash, const MethodSettings& settings);
    // The document's tokens and their byte offsets (cached for the last text).
    const std::vector<int32_t>& tokens(std::string_view text, uint64_t text_hash);
    const std::vector<int64_t>& offsets(std::string_view text, uint64_t text_hash, const std::vector<int32_t>& ids);
    // The method's answer and passages once the prompt is built (the steps after ask()'s setup).
    void answer(const AskDocument& doc, const AskRequest& request, ContextMethod& method, QaPrompt& prompt,
                const std::vector<int64_t>& text_offsets, AskResult& out);
    // The model file's identity, hashed (or looked up) at the first reading memory, then kept.
    const std::string& model_id();
    // citation_mark_tokens() of the answering tokenizer, found once (a pass over the vocabulary).
    const std::vector<int32_t>& citation_marks(const Tokenizer& tok);

    std::string model_path_;
    const Model& model_;
    const Model* answer_model_ = nullptr;
    bool answer_model_required_ = true;
    Backend& backend_;
    std::string cache_root_;
    std::string model_id_;
    std::unique_ptr<ReadingMemory> memory_;
    std::string memory_key_;
    uint64_t tokens_key_ = 0, offsets_key_ = 0;
    std::vector<int32_t> tokens_;
    std::vector<int64_t> offsets_;
    std::vector<int64_t> scope_offsets_;  // a scope read alone: its token offsets in the whole text
    const Tokenizer* citation_marks_of_ = nullptr;
    std::vector<int32_t> citation_marks_;
};

}  // namespace gleaner
