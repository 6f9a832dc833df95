#pragma once
// What the desktop program needs from the engine: an answer to a question about a document,
// streamed as it is generated, with the passages the method selected (the evidence); and the
// reading of a document into Gleaner's reading memory, with progress, that later questions use.
//
// One interface so the front end does not depend on how answers are computed: the long-context
// methods of inference/ (Gleaner, Q-LLM, GemFilter, InfLLM, StreamingLLM, full attention) and a
// quick excerpt method. Plain C++: the InferenceWorker runs it on its own thread; no Qt here.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "text_range.h"

#include "conversation_turn.h"
#include "document.h"
#include "method_registry.h"  // the methods a request can name, kDefaultAnswerMethod

namespace gleaner {

// A span of the document that the answer drew on.
// A passage of an answer's evidence as the reader shows it: its span of Document::text
// (text_range.h) and where and why.
struct EvidencePassage : TextRange {
    float score = 0;   // in [0, 1]: how strongly the method selected it
    int page = -1;     // 0-based page for paginated formats, -1 otherwise
    float attention = -1;    // why it was selected, where the method says: attention and
    float lexical = -1;      // question-word (BM25) strength in [0, 1], -1 when not used
    float second_look = -1;  // the model's second look (rerank=question) in [0, 1], -1 when not used
    std::vector<int32_t> cites;  // the [n] the answer can cite it by
};

// What one layer selected, for methods that select per layer (GemFilter's filter layer, the
// block memories of InfLLM and Q-LLM): the layers x document map of the evidence panel.
struct LayerEvidence {
    int layer = 0;
    std::vector<EvidencePassage> passages;  // in document order
};

using MethodParameters = std::map<std::string, std::string>;

struct AnswerRequest {
    std::string question;
    std::vector<ConversationTurn> earlier;  // the turns this question follows up (oldest first)
    // What the question is about (a chapter, pages, a selected passage): evidence comes from
    // inside it. Empty: the whole document.
    TextRange scope;
    std::string method = kDefaultAnswerMethod;  // a name in method_registry()
    int max_tokens = 256;
    // Tokens of the book the excerpt method puts in front of the model.
    int context_tokens = 2048;
    MethodParameters settings;   // the method's parameters by name (n_local, topk, k, ...)
    // false: a book not read to the end is answered now from what has been read and the
    // question's words in the rest (Answer::read_fraction), instead of reading the rest first.
    bool wait_for_reading = true;
    std::string document_title;  // for the excerpt prompt
    int max_passages = 40;       // evidence passages kept (the strongest)
};

struct AnswerCallbacks {
    std::function<void(const std::string&)> on_text;  // streamed answer pieces
    // What the engine is doing ("reading": the book; "waiting": for another process reading the
    // same book, done being how far that one got; "prompt": the question's prompt) and how far
    // it is, in tokens; "checking": the answering model asked whether the passages state the
    // answer, after it streamed, claim_check.h); called a few times per second at most.
    std::function<void(const std::string& stage, int64_t done, int64_t total)> on_progress;
    const std::atomic<bool>* cancel = nullptr;  // polled between steps
};

struct Answer {
    std::string text;
    std::string method;  // the method that answered (a short scope of an unread book is read whole: "full")
    std::string answered_by;  // the answer model (file stem) when it answered; empty: the reading model
    std::vector<EvidencePassage> evidence;  // in document order
    std::vector<LayerEvidence> layers;      // empty for methods that do not select per layer
    int prompt_tokens = 0;
    int selected_tokens = 0;  // document tokens the method selected
    int generated_tokens = 0;
    double read_s = 0;    // reading the book first, when the method needed it
    double prompt_s = 0;  // until the first answer token could be sampled
    double decode_s = 0;
    bool cancelled = false;
    double read_fraction = 1.0;  // the share of the book read when the evidence was chosen
};

struct ReadingUpdate {
    int64_t done = 0;   // tokens read
    int64_t total = 0;
    double tokens_per_s = 0;
    double eta_s = 0;
    // Another process is reading this book: this one waits for it (done: how far it got).
    bool waiting = false;
};

struct ReadingOutcome {
    int64_t done = 0;
    int64_t total = 0;
    bool complete = false;
    bool cancelled = false;
};

class AnswerEngine {
public:
    virtual ~AnswerEngine() = default;
    // One line about the loaded model, for the status bar.
    virtual std::string model_description() const = 0;
    // Answers on the calling thread; throws std::exception with a message for the user.
    virtual Answer answer(const Document& doc, const AnswerRequest& request, const AnswerCallbacks& callbacks) = 0;
    // Reads the document into the reading memory (resuming a partial read) until it is complete
    // or `cancel` is set; a cancelled read keeps its last checkpoint. `settings` are the Gleaner
    // method's parameters (they decide which memory).
    virtual ReadingOutcome read(const Document& doc, const MethodParameters& settings,
                                const std::function<void(const ReadingUpdate&)>& on_progress,
                                const std::atomic<bool>* cancel) = 0;
};

// Loads the model (GGUF) and a CPU backend with `threads` threads (0: all cores); reading
// memories live under `cache_root`. Throws with a message naming the file and the problem.
// device: "cpu", "auto", "cuda", "cuda:N" (falls back to the CPU where there is no GPU).
// answer_model_path: a second GGUF that reads the selected passages and answers, where the
// method has passages another model can read (Gleaner's); empty or the same file: the model alone.
std::unique_ptr<AnswerEngine> make_answer_engine(const std::string& model_path, int threads, const std::string& cache_root,
                                                const std::string& device = "cpu",
                                                const std::string& answer_model_path = "");

}  // namespace gleaner
