#include "method_registry.h"

#include <map>
#include <stdexcept>

#include "methods/lazyllm.h"
#include "reading.h"

namespace gleaner {

namespace {

// Defaults written for 8k-context models shrink with a smaller context (infllm.cpp's scaled()).
const char* const kScaled = " (scaled down for contexts under 8k)";

// InfLLM's block memory: infllm and qllm answer with it, gemfilter's bounded pass 1 reads with
// it, and gleaner's reading memory is one. n_local and topk differ between the reference configs.
std::vector<MethodSetting> block_memory_settings(const std::string& n_local, const std::string& topk) {
    return {
        {"n_init", std::string("128") + kScaled, "tokens at the start of the book that are always attended"},
        {"n_local", n_local + kScaled, "the local window: the latest tokens, attended with exact positions"},
        {"topk", topk, "memory blocks recalled for each execution block"},
        {"block_size", std::string("128") + kScaled, "tokens per memory block"},
        {"repr_topk", "4", "representative keys per block (those that received the most local attention)"},
        {"max_cached_blocks", "the larger of 32 and topk", "blocks kept in fast memory (LRU cache)"},
        {"exc_block", std::string("the smaller of n_local and 512") + kScaled, "tokens processed together (execution block)"},
        {"chunk_size", std::string("8192") + kScaled, "tokens per forward call while the book is processed"},
        {"kv_type", "f16", "f16|f32: elements of the stored keys and values, in the memory and every KV cache "
                           "the method keeps (f16: half the memory)"},
    };
}

MethodSetting reference_mask_setting() {
    return {"reference_mask", "off", "repeat the reference code's duplicated remainder tokens", true};
}

std::vector<MethodSetting> infllm_settings() {
    auto s = block_memory_settings("4096", "16");
    s.push_back(reference_mask_setting());
    return s;
}

std::vector<MethodSetting> qllm_settings() {
    auto s = block_memory_settings("1024", "8");
    s.push_back({"question_weight", "4", "weight of the question's own queries in the block scores"});
    s.push_back(reference_mask_setting());
    return s;
}

std::vector<MethodSetting> gemfilter_settings() {
    std::vector<MethodSetting> s = {
        {"filter_layer", "13/32 of the model's depth", "the layer whose attention selects the tokens"},
        {"k", "1024", "tokens of the book the answer is given"},
        {"pass1", "auto", "auto|full|bounded: how pass 1 reads the book (auto: full when it fits the context)"},
        {"score_rope", "absolute", "absolute|fixed|none: key positions when scoring (see gemfilter.h)"},
    };
    for (MethodSetting& m : qllm_settings()) s.push_back(std::move(m));  // its bounded pass 1
    return s;
}

// The answer's settings, then the reading memory's (reading_settings() in reading.cpp).
std::vector<MethodSetting> gleaner_settings() {
    std::vector<MethodSetting> s = {
        {"k", "768", "tokens of the book the answer is given"},
        {"span", "64", "tokens per selected span (0: single tokens, as GemFilter)"},
        {"query", "tail", "tail|question|words: the queries that score the book"},
        {"probe_tokens", "8", "tokens of the model's opening answer used as extra queries (0..64)"},
        {"score", "softmax_max", "softmax_max|softmax_sum|gemfilter: how a token's score is combined over heads"},
        {"score_rope", "fixed", "fixed|absolute|none: key positions when scoring"},
        {"select", "fused", "fused|attention: attention with the question's words (BM25), or attention alone"},
        {"lexical_weight", "3", "weight of the question's words in fused selection (0..100)"},
        {"order", "book", "book|relevance: the passages shown to the model in book order, or least relevant first (the best next to the question)"},
        {"rerank", "auto", "none|question|auto: a second look at the best rerank_pool passages: ranked again by how likely the model finds the question after each, fused with their first rank (question_likelihood.h); auto: question when another model answers (--answer-model), none otherwise"},
        {"rerank_pool", "12", "rerank: the fused ranking's best passages the model looks at again"},
        {"rerank_keep", "5", "rerank: the passages kept for the answer after the second look"},
        {"widen", "auto", "tokens of context added on each side of a chosen passage, whole neighbouring passages (0: none); passages that then touch become one; auto: 64 when another model answers (--answer-model), 0 otherwise"},
        {"contrast", "0", "1: discount what a content-free question also finds"},
        {"answer_prefill", "full", "full|lazyllm: pass 2 over the passages in full, or with LazyLLM's token pruning"},
        {"lazy_keep", "0.5", "answer_prefill=lazyllm: share of the passages' tokens still computed at the last layer"},
        {"selection_only", "off", "select and do not answer (evaluating the selection)", true},
        {"filter_layer", "a quarter of the model's depth", "reading memory: the layer whose keys score the book"},
        {"checkpoint_tokens", "2048", "reading memory: tokens read between checkpoints (a multiple of exc_block)"},
    };
    for (MethodSetting& m : block_memory_settings("1024", "8")) {
        m.help = "reading memory: " + m.help;
        s.push_back(std::move(m));
    }
    return s;
}

std::unique_ptr<ContextMethod> gleaner_factory(const Model& model, Backend& backend, const ReadingMemory* memory,
                                               const MethodSettings& settings) {
    return make_gleaner_method(model, backend, *memory, settings);
}

// GemFilter's selection made from what Gleaner's reading stored, instead of its own pass 1 over
// the book: the k single tokens the question's last token scores highest (raw dot products
// summed over heads, absolute positions) at the filter layer, then the model on those alone. Not
// the paper's method: the layer is the reading's, and the book's keys were computed under the
// reading frame rather than the question prompt (keys depend on what precedes them). The
// settings given win over these.
const std::map<std::string, std::string>& gemfilter_from_reading_preset() {
    static const std::map<std::string, std::string> preset = {
        {"k", "1024"},         {"span", "0"},       {"query", "question"}, {"probe_tokens", "0"},
        {"score", "gemfilter"}, {"score_rope", "absolute"}, {"select", "attention"}, {"contrast", "0"},
    };
    return preset;
}

std::vector<MethodSetting> gemfilter_from_reading_settings() {
    std::vector<MethodSetting> s;
    for (MethodSetting m : gleaner_settings()) {
        const auto p = gemfilter_from_reading_preset().find(m.key);
        if (p != gemfilter_from_reading_preset().end()) m.default_value = p->second;
        s.push_back(std::move(m));
    }
    return s;
}

std::unique_ptr<ContextMethod> gemfilter_from_reading_factory(const Model& model, Backend& backend,
                                                              const ReadingMemory* memory, const MethodSettings& settings) {
    MethodSettings s = settings;
    for (const auto& [key, value] : gemfilter_from_reading_preset())
        if (!s.has(key)) s.set(key, value);
    return make_gleaner_method(model, backend, *memory, s);
}

// The methods that need no reading memory take none.
template <std::unique_ptr<ContextMethod> (*make)(const Model&, Backend&, const MethodSettings&)>
std::unique_ptr<ContextMethod> without_memory(const Model& model, Backend& backend, const ReadingMemory*,
                                              const MethodSettings& settings) {
    return make(model, backend, settings);
}

std::vector<MethodEntry> all_methods() {
    return {
        {"gleaner", "Gleaner",
         "reads the book once, then answers from the few thousand tokens that matter to the question",
         MethodCost::ReadsOnce, true, gleaner_settings(), gleaner_factory, /*desktop_only=*/false,
         /*another_model_may_answer=*/true},
        {"gemfilter-read", "GemFilter over the reading",
         "GemFilter's token selection made from Gleaner's reading of the book (its layer and keys) instead of a "
         "pass over the whole book for each question: answers in seconds once the book is read",
         MethodCost::ReadsOnce, true, gemfilter_from_reading_settings(), gemfilter_from_reading_factory},
        {"qllm", "Q-LLM", "query-aware block memory over the whole book (reads it for each question)",
         MethodCost::RereadsPerQuestion, false, qllm_settings(), without_memory<make_qllm_method>},
        {"gemfilter", "GemFilter", "early layers pick the tokens that matter, then the model answers from them",
         MethodCost::RereadsPerQuestion, false, gemfilter_settings(), without_memory<make_gemfilter_method>},
        {"lazyllm", "LazyLLM",
         "every layer drops the tokens the question's last token attends to least, so deeper layers compute fewer",
         MethodCost::RereadsPerQuestion, false,
         {{"start_layer", "an eighth of the model's depth", "layers up to this one see every token; pruning starts after it"},
          {"keep", "0.1", "share of the book still computed at the last layer (the pruned set grows with depth)"},
          {"rate", "from keep", "share of a layer's tokens pruned after every layer from start_layer on (0: no pruning)"}},
         without_memory<make_lazyllm_method>},
        {"infllm", "InfLLM", "block memory with the most relevant blocks recalled for each chunk",
         MethodCost::RereadsPerQuestion, false, infllm_settings(), without_memory<make_infllm_method>},
        {"streaming", "StreamingLLM", "attention sinks and a sliding window: the end of the book",
         MethodCost::RereadsPerQuestion, false,
         {{"sinks", "4", "tokens from the start of the book that are always kept (attention sinks)"},
          {"window", "the smaller of 2000 and the model's context", "the latest tokens kept"},
          {"chunk_size", "the smaller of 512 and window", "tokens per forward call while the book is processed"}},
         without_memory<make_streaming_method>},
        {"full", "Full attention", "the whole book in the context (short documents only)", MethodCost::RereadsPerQuestion,
         false, {{"max_len", "the model's context", "the longest prompt accepted (tokens)"},
                 {"kv_type", "f16", "f16|f32: elements of the KV cache's keys and values"}},
         without_memory<make_full_method>},
        // Its one knob, the excerpt's size, is the desktop program's "Book in the prompt" setting.
        {"excerpt", "Excerpt", "the best-matching part of the book that fits the context (quick)", MethodCost::QuickPart,
         false, {}, nullptr, /*desktop_only=*/true},
    };
}

}  // namespace

std::string_view describe_cost(MethodCost cost) {
    switch (cost) {
    case MethodCost::ReadsOnce: return "reads the book once, then answers in seconds";
    case MethodCost::RereadsPerQuestion: return "re-reads the whole book for every question";
    case MethodCost::QuickPart: return "quick, part of the book";
    }
    return "";
}

const std::vector<MethodEntry>& method_registry() {
    static const std::vector<MethodEntry> methods = all_methods();
    return methods;
}

const MethodEntry* find_method(std::string_view name) {
    for (const MethodEntry& m : method_registry())
        if (m.name == name) return &m;
    return nullptr;
}

const MethodEntry& reading_memory_method() {
    for (const MethodEntry& m : method_registry())
        if (m.keeps_reading_memory) return m;
    throw std::logic_error("no registered method keeps a reading memory");
}

std::string method_names_text() {
    std::string names;
    for (const MethodEntry& m : method_registry()) names += (names.empty() ? "" : ", ") + m.name;
    return names;
}

std::unique_ptr<ContextMethod> make_method(const MethodEntry& entry, const Model& model, Backend& backend,
                                           const ReadingMemory* memory, const MethodSettings& settings) {
    if (!entry.factory) throw std::invalid_argument("the " + entry.name + " method is only in the desktop program");
    // (a memory read in part is the method's to judge: Gleaner answers from what has been read)
    if (entry.keeps_reading_memory && !memory)
        throw std::invalid_argument("the " + entry.name + " method answers from a reading memory");
    return entry.factory(model, backend, memory, settings);
}

}  // namespace gleaner
