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
// --kv-type f16|f32: the KV cache's elements (default F16, half the memory of F32)
DType kv_type_from_args(const Args& args);

}  // namespace gleaner::cli
