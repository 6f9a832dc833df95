#include "cli/engine_args.h"

#include "cli/args.h"
#include "cli/commands.h"
#include "backend_factory.h"
#include "cpu/thread_pool.h"
#include "model_paths.h"

namespace gleaner::cli {

const std::set<std::string>& sampling_option_names() {
    static const std::set<std::string> names = {"temperature", "top-k", "top-p", "min-p", "repeat-penalty", "seed"};
    return names;
}

std::unique_ptr<Model> load_model_from_args(const Args& args) { return Model::load(resolve_model_path(args)); }

std::unique_ptr<Backend> backend_from_args(const Args& args) {
    const int threads = static_cast<int>(args.get_int_or("threads", ThreadPool::default_threads(), 1, 256));
    // --device cpu|cuda|cuda:N|auto (commands that do not take --device run on the CPU). A
    // device that is not there falls back to the CPU with one line on stderr.
    try {
        return make_backend(args.get_or("device", "cpu"), threads);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

AnswerModel answer_model_from_args(const Args& args, const std::string& reading_model_path, bool wanted) {
    AnswerModel out;
    const std::string choice = args.get_or("answer-model", "");
    out.named = !choice.empty();
    out.path = answer_model_path(choice, reading_model_path);
    if (out.path.empty() || !(out.named || wanted)) return out;
    try {
        out.model = Model::load(out.path);
    } catch (const std::exception& e) {
        throw std::runtime_error("--answer-model " + out.path + ": " + e.what());
    }
    return out;
}

DType kv_type_from_args(const Args& args) {
    try {
        return parse_kv_type(args.get_or("kv-type", kDefaultKvType == DType::F16 ? "f16" : "f32"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

SamplingParams sampling_from_args(const Args& args) {
    SamplingParams p;
    p.temperature = static_cast<float>(args.get_double_or("temperature", 0.0, 0.0, 100.0));
    p.top_k = static_cast<int>(args.get_int_or("top-k", p.top_k, 0, 1 << 20));
    p.top_p = static_cast<float>(args.get_double_or("top-p", p.top_p, 0.0, 1.0));
    p.min_p = static_cast<float>(args.get_double_or("min-p", p.min_p, 0.0, 1.0));
    p.repeat_penalty = static_cast<float>(args.get_double_or("repeat-penalty", p.repeat_penalty, 0.1, 10.0));
    p.seed = static_cast<uint64_t>(args.get_int_or("seed", 0, 0, INT64_MAX));
    return p;
}

}  // namespace gleaner::cli
