#pragma once
// What asking with a method will cost on this machine, before it is asked: the tokens the model
// must process before it writes the first word, and at the machine's measured prefill speed, about
// how long that takes. The method selector shows it ("about 6 s per question", "re-reads the book:
// about 4 min per question"). Rough on purpose: attention slows down as a prompt grows, and that is
// left out; the numbers are for choosing a method, not for a progress bar.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "method_registry.h"

namespace gleaner {

// The question, the prompt's template and (for a follow-up) the earlier turns: tokens every
// method processes besides the book's.
inline constexpr int64_t kQuestionPromptTokens = 300;

struct CostQuery {
    int64_t book_tokens = 0;         // the whole book (tokens_from_text_bytes when not tokenized yet)
    double read_fraction = 1.0;      // how much of the book's reading memory is built (ReadsOnce)
    int64_t excerpt_tokens = 2048;   // the excerpt's size: the desktop program's "Book in the prompt"
    double prefill_tokens_per_s = 0; // this machine's speed for the model; 0: not measured
    std::map<std::string, std::string> settings;  // the method's settings (gleaner's k), defaults otherwise
};

struct CostEstimate {
    MethodCost cost = MethodCost::RereadsPerQuestion;
    int64_t prompt_tokens = 0;      // processed before the first word of the answer
    std::optional<double> seconds;  // to the first word; empty when the speed is not measured
    // ReadsOnce before the reading is complete: the answer rests on what is read so far (and the
    // question's words in the rest); it costs the same, the reading goes on in the background.
    bool partial_memory = false;
};

CostEstimate estimate_method_cost(const MethodEntry& method, const CostQuery& query);

// A book's tokens from its text size, before the model's tokenizer has seen it (about 4 bytes
// per token in English prose).
int64_t tokens_from_text_bytes(uint64_t bytes);

// "under a second", "about 6 s", "about 4 min", "about 2 h".
std::string describe_duration(double seconds);

}  // namespace gleaner
