#pragma once
// Long-context methods: each one is a policy object behind this interface, in its own file under
// methods/ (full, streaming, infllm, qllm, gemfilter, gleaner; gleaner's reading memory in
// reading.h). method_registry.h lists them with their settings and makes them by name.
// A method takes a question prompt that contains a document, processes it (prefill), then feeds
// generated tokens one at a time (decode), and reports which prompt tokens it selected - the
// evidence behind the answer.
//
// The specifications are ../shared/reference/qllm_infllm.md and selection_methods.md; every
// method follows its reference code, with the reference defaults scaled to the model.
#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend.h"
#include "generator.h"
#include "model.h"

namespace gleaner {

class ReadingMemory;  // reading.h

// A question prompt with a document inside: ids[doc_begin, doc_end) are the document's tokens,
// tokenized on their own (so a token position maps to a character range of the document).
struct QaPrompt {
    std::vector<int32_t> ids;
    int doc_begin = 0;
    int doc_end = 0;
    std::string question;  // the question text (Q-LLM locates its tokens in ids)
    // The earlier turns of a conversation as the prompt shows them (qa_prompt.h's
    // conversation_text), and the question before this one; both empty for a question alone.
    // Methods that build their own prompt carry the conversation; a follow-up's selection also
    // looks for the previous question's words ("What did she say next?").
    std::string conversation;
    std::string previous_question;
    // The document tokens [scope_begin, scope_end) a selection may take (the question is about a
    // chapter or a passage); scope_end < 0: the whole document.
    int32_t scope_begin = 0;
    int32_t scope_end = -1;
    // The document's text for methods that read it (Gleaner's passages and lexical signal):
    // (*doc_offsets)[i] is the byte offset of document token i (n_doc + 1 entries, evidence.h);
    // doc_skip are byte ranges no selection should take (front/back matter: licence, header);
    // doc_breaks the headings, so that passages do not run across a section's start.
    // Empty when the caller has no text (the methods then work on tokens alone).
    std::string_view doc_text;
    const std::vector<int64_t>* doc_offsets = nullptr;  // owned by the caller (the Asker's cache)
    std::vector<std::pair<int64_t, int64_t>> doc_skip;
    std::vector<int64_t> doc_breaks;  // sorted byte offsets where a passage begins (section headings)
};

struct TokenScore {
    int32_t pos = 0;     // position in the prompt
    float score = 0.0f;  // in [0, 1]; 1 = attended in full
    // Why a selecting method took the token, where it says (else -1): the strength of each
    // signal in [0, 1] (attention: the model's filter-layer score; lexical: BM25 of the token's
    // passage for the question's words; second_look: how likely the model found the question
    // after the token's passage, rerank=question), and the number [n] under which pass 2 showed
    // the token's passage to the model (0: not numbered).
    float attention = -1.0f;
    float lexical = -1.0f;
    float second_look = -1.0f;
    int32_t cite = 0;
};

struct LayerSelection {
    int layer = 0;
    std::vector<TokenScore> tokens;
};

// What a method attended to when it produced the answer.
struct SelectionTrace {
    std::vector<TokenScore> tokens;     // aggregated over layers, ascending positions
    std::vector<LayerSelection> layers; // per layer, for methods that select per layer
    int64_t attended = 0;               // prompt tokens the answer's attention could see
};

// Settings of a method, by name (the CLI's --n-local 1024 is {"n_local", "1024"}); a method reads
// the ones it knows and uses its defaults for the rest.
class MethodSettings {
public:
    MethodSettings() = default;
    void set(const std::string& key, const std::string& value) { values_[key] = value; }
    bool has(const std::string& key) const { return values_.count(key) != 0; }
    int get_int(const std::string& key, int fallback) const;
    double get_double(const std::string& key, double fallback) const;
    bool get_bool(const std::string& key, bool fallback) const;
    std::string get_string(const std::string& key, const std::string& fallback) const;
    const std::map<std::string, std::string>& values() const { return values_; }

private:
    std::map<std::string, std::string> values_;
};

struct PrefillProgress {
    std::function<void(int64_t done, int64_t total)> on_progress;  // tokens processed so far
    const std::atomic<bool>* cancel = nullptr;                      // polled between chunks
};

class CancelledError : public std::runtime_error {
public:
    CancelledError() : std::runtime_error("cancelled") {}
};

class ContextMethod {
public:
    virtual ~ContextMethod() = default;
    virtual std::string name() const = 0;
    // The settings in effect, one line.
    virtual std::string describe() const = 0;
    // Processes the prompt; returns the logits (n_vocab) of its last token. max_new_tokens: how
    // many tokens decode() will be asked for at most (methods with a bounded cache size it).
    virtual std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) = 0;
    // Feeds one generated token; returns the logits of the next.
    virtual std::vector<float> decode(int32_t token) = 0;
    // The selection behind the answer so far (after prefill; decode steps may add to it).
    virtual SelectionTrace trace() const = 0;

    // A method that selects passages of the text may have them read and answered by another,
    // larger model than the one that read the book (the selection is unchanged; the passages'
    // text is tokenized again for it). Returns false where the method cannot.
    virtual bool answer_with(const Model& /*answer_model*/) { return false; }
    // The model whose tokens decode() returns: the answer model, else the method's own (null).
    virtual const Model* answering_model() const { return nullptr; }
};

// A registered method (method_registry.h) that needs no reading memory, by name. Throws
// std::invalid_argument for an unknown name, a method that answers from a reading memory (make
// those with make_method) or invalid settings.
std::unique_ptr<ContextMethod> make_context_method(const std::string& name, const Model& model, Backend& backend,
                                                   const MethodSettings& settings = {});

// A generation (prefill_s: until the first token's logits) with the method's selection.
struct AnswerResult : GenerationResult {
    SelectionTrace trace;
};

// Prefills the prompt with the method and generates the answer (greedy unless sampling says
// otherwise), streaming text through opt.on_text.
AnswerResult answer_question(ContextMethod& method, const Tokenizer& tok, const QaPrompt& prompt,
                             const GenerationOptions& opt, const PrefillProgress& progress = {});

// Q-LLM's extract_question: the question's tokens (without special tokens) found in ids, matching
// all but its first and last sub-tokens and widening the match by one token each side; the first
// occurrence. {-1, -1} when absent.
std::pair<int, int> locate_question(const std::vector<int32_t>& ids, const std::vector<int32_t>& question_ids);

// Factories of the method files (methods/*.cpp).
std::unique_ptr<ContextMethod> make_full_method(const Model&, Backend&, const MethodSettings&);
std::unique_ptr<ContextMethod> make_streaming_method(const Model&, Backend&, const MethodSettings&);
std::unique_ptr<ContextMethod> make_infllm_method(const Model&, Backend&, const MethodSettings&);
std::unique_ptr<ContextMethod> make_qllm_method(const Model&, Backend&, const MethodSettings&);
std::unique_ptr<ContextMethod> make_gemfilter_method(const Model&, Backend&, const MethodSettings&);

// The `gleaner` method: asks a question of a read document, GemFilter-style, over the persisted keys.
//  1. Probe: the model opens an answer to the question alone (greedy, probe_tokens tokens, e.g.
//     "The pass key is a ..."): the queries of such tokens look for the answer's content, where
//     the question's last token (GemFilter's query) barely attends to it in a small model.
//  2. The filter-layer queries of the question's last token and of the probe, with the question
//     continuing the reading memory of layers 0..r-1 as if it followed the book (query=tail), or
//     from the question prompt alone (query=question).
//  3. Every token of the book is scored: per query and head a softmax over all its keys, a token's
//     score its best probability (score=softmax_max; score=gemfilter sums raw logits over heads),
//     every key at one distance, InfLLM's n_local-1 (score_rope=fixed; absolute: the real
//     distances, untrained beyond the model's context). 5-wide average pooling, then the best
//     spans of `span` tokens (span=0: single tokens, as GemFilter) up to k tokens, in book order.
//  4. The full model answers from the question prompt with only those tokens as the document
//     (positions renumbered, as GemFilter's pass 2).
// What was compared (needle evaluation, SmolLM2): see the notes at the defaults in gleaner.cpp.
// Its settings, with their defaults and help: method_registry.cpp (selection_only: prefill selects
// and returns no logits, for evaluating the selection).
// The memory must be complete and outlive the method.
std::unique_ptr<ContextMethod> make_gleaner_method(const Model& model, Backend& backend, const ReadingMemory& memory,
                                                   const MethodSettings& settings = {});

}  // namespace gleaner
