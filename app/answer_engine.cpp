#include "answer_engine.h"

#include <filesystem>
#include <stdexcept>

#include "backend_factory.h"
#include "model_answer_engine.h"
#include "model_paths.h"

namespace gleaner {

const std::vector<AnswerMethod>& answer_methods() {
    static const std::vector<AnswerMethod> methods = {
        {"gleaner", "Gleaner", true,
         "reads the book once, then answers from the few thousand tokens that matter to the question"},
        {"qllm", "Q-LLM", true, "query-aware block memory over the whole book (reads it for each question)"},
        {"gemfilter", "GemFilter", true, "early layers pick the tokens that matter, then the model answers from them"},
        {"infllm", "InfLLM", true, "block memory with the most relevant blocks recalled for each chunk"},
        {"streaming", "StreamingLLM", true, "attention sinks and a sliding window: the end of the book"},
        {"full", "Full attention", true, "the whole book in the context (short documents only)"},
        {"excerpt", "Excerpt", true, "the best-matching part of the book that fits the context (quick)"},
    };
    return methods;
}

const AnswerMethod* find_answer_method(const std::string& id) {
    for (const AnswerMethod& m : answer_methods())
        if (m.id == id) return &m;
    return nullptr;
}

std::unique_ptr<AnswerEngine> make_answer_engine(const std::string& model_path, int threads, const std::string& cache_root,
                                                const std::string& device) {
    if (!std::filesystem::exists(model_path)) throw std::runtime_error(missing_model_hint(model_path));
    auto model = Model::load(model_path);
    return std::make_unique<ModelAnswerEngine>(model_path, std::move(model), make_backend(device, threads), cache_root);
}

}  // namespace gleaner
