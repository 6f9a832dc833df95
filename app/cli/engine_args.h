#pragma once
// Options shared by the commands that run the model: --model, --threads, --ctx and sampling.
#include <memory>
#include <set>
#include <string>

#include "backend.h"
#include "kv_cache.h"
#include "model.h"
#include "sampler.h"

namespace gleaner::cli {

class Args;

// Option names (take a value) that sampling_from_args reads.
const std::set<std::string>& sampling_option_names();

std::unique_ptr<Model> load_model_from_args(const Args& args);
// --threads N (default: all cores), --device cpu|cuda|cuda:N|auto (default cpu)
std::unique_ptr<Backend> backend_from_args(const Args& args);
SamplingParams sampling_from_args(const Args& args);
// --answer-model FILE|none: the model that reads the passages a method selects and answers; when
// not given, the default pair's (model_paths.h default_answer_model_path). Loaded only when named,
// or when `wanted` (a method that can use one runs). `named`: given on the command line, so a
// method that cannot use it is an error rather than a fallback.
struct AnswerModel {
    std::unique_ptr<Model> model;  // null: the reading model answers
    std::string path;
    bool named = false;
    // What reports say answered: the model's name, else its file.
    std::string label() const { return !model ? std::string() : model->config().name.empty() ? path : model->config().name; }
};
AnswerModel answer_model_from_args(const Args& args, const std::string& reading_model_path, bool wanted);

// --kv-type f16|f32: the KV cache's elements (default F16, half the memory of F32)
DType kv_type_from_args(const Args& args);

}  // namespace gleaner::cli
