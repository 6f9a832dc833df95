#include "model_file_info.h"

#include <filesystem>
#include <map>

#include "gguf.h"
#include "model_config.h"
#include "model_weights.h"

namespace gleaner {

ModelFileInfo inspect_model_file(const std::string& path) {
    ModelFileInfo info;
    if (!std::filesystem::exists(path)) {
        info.problem = "the file does not exist";
        return info;
    }
    try {
        const GgufFile f = GgufFile::open(path);
        info.file_size = f.file_size();
        info.architecture = f.get_string_or("general.architecture", "");
        info.name = f.get_string_or("general.name", "");
        info.tokenizer = f.get_string_or("tokenizer.ggml.model", "");
        info.context_length = f.get_int_or(info.architecture + ".context_length", 0);
        info.layers = static_cast<int>(f.get_int_or(info.architecture + ".block_count", 0));
        std::map<std::string, uint64_t> bytes_by_type;
        for (const GgufTensor& t : f.tensors()) {
            info.parameters += t.n_elements();
            if (t.ne.size() >= 2) bytes_by_type[std::string(dtype_traits(t.type).name)] += t.nbytes;
        }
        uint64_t most = 0;
        for (const auto& [type, bytes] : bytes_by_type)
            if (bytes > most) most = bytes, info.quantization = type;
        // The same checks the engine makes when it loads: architecture, hyperparameters, and
        // every weight's presence, shape and type.
        const ModelConfig config = ModelConfig::from_gguf(f);
        (void)ModelWeights::from_gguf(f, config);
        if (info.tokenizer != "gpt2" && info.tokenizer != "llama")
            throw GgufError("unsupported tokenizer '" + info.tokenizer + "'");
        info.supported = true;
    } catch (const std::exception& e) {
        info.problem = e.what();
    }
    return info;
}

}  // namespace gleaner
