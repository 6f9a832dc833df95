// gleaner-cli info: what a GGUF file is (architecture, size, tensors), and whether Gleaner can
// run it: the same validation as loading for generation (weights are mapped, not read), with a
// non-zero exit and the reason when it cannot.
#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_writer.h"
#include "gguf.h"
#include "model.h"
#include "model_paths.h"

namespace gleaner::cli {

std::string resolve_model_path(const Args& args) {
    std::string path = args.get_or("model", default_model_path());
    if (!std::filesystem::exists(path)) throw std::runtime_error(missing_model_hint(path));
    return path;
}

namespace {

// The checks `generate` makes when it loads the model (architecture, every hyperparameter, the
// weights' shapes, the tokenizer), so that info never calls a file fine that generate refuses.
// Empty when the model is usable.
std::string load_problem(const std::string& path) {
    try {
        (void)Model::load(path);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

int cmd_info(const CommandArgs& argv) {
    Args args(argv, {"model"}, {"json"});
    const std::string path = resolve_model_path(args);
    const GgufFile f = GgufFile::open(path);
    const std::string arch = f.get_string_or("general.architecture", "unknown");

    const int64_t params = f.parameter_count();
    std::map<std::string, int> type_counts;
    for (const GgufTensor& t : f.tensors()) type_counts[std::string(dtype_traits(t.type).name)]++;
    const int64_t ctx = f.get_int_or(arch + ".context_length", 0);
    const int64_t layers = f.get_int_or(arch + ".block_count", 0);
    const std::string problem = load_problem(path);

    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object()
            .key("path").value(path)
            .key("gguf_version").value(static_cast<int64_t>(f.version()))
            .key("architecture").value(arch)
            .key("name").value(f.get_string_or("general.name", ""))
            .key("parameters").value(params)
            .key("tensors").value(static_cast<int64_t>(f.tensors().size()))
            .key("layers").value(layers)
            .key("context_length").value(ctx)
            .key("file_type").value(f.get_int_or("general.file_type", -1))
            .key("tokenizer").value(f.get_string_or("tokenizer.ggml.model", ""))
            .key("supported").value(problem.empty());
        if (!problem.empty()) j.key("problem").value(problem);
        j.key("tensor_types").begin_object();
        for (const auto& [name, n] : type_counts) j.key(name).value(n);
        j.end_object().end_object();
        std::printf("%s\n", j.str().c_str());
        // What could be read is printed either way; the exit status and stderr say it cannot run.
        if (!problem.empty()) throw std::runtime_error(problem);
        return 0;
    }
    std::printf("model:        %s\n", path.c_str());
    std::printf("name:         %s\n", f.get_string_or("general.name", "?").c_str());
    std::printf("architecture: %s, %lld layers, context %lld\n", arch.c_str(), (long long)layers, (long long)ctx);
    std::printf("parameters:   %.1f M in %zu tensors (GGUF v%u)\n", params / 1e6, f.tensors().size(), f.version());
    std::printf("tensor types:");
    for (const auto& [name, n] : type_counts) std::printf(" %s x%d", name.c_str(), n);
    std::printf("\ntokenizer:    %s\n", f.get_string_or("tokenizer.ggml.model", "?").c_str());
    if (!problem.empty()) throw std::runtime_error(problem);
    return 0;
}

}  // namespace gleaner::cli
