#include "model_file_info.h"

#include <filesystem>
#include <map>

#include "gguf.h"
#include "model_config.h"
#include "model_weights.h"

namespace gleaner {

namespace {

// llama.cpp's llama_ftype values (llama.h), which quantize writes to general.file_type: the name
// a model is published under, where the tensor types alone would say "mostly Q5_0".
const char* file_type_name(int64_t file_type) {
    switch (file_type & ~int64_t{1024}) {  // 1024: "guessed" by an old converter
        case 0: return "F32";
        case 1: return "F16";
        case 2: return "Q4_0";
        case 3: return "Q4_1";
        case 7: return "Q8_0";
        case 8: return "Q5_0";
        case 9: return "Q5_1";
        case 10: return "Q2_K";
        case 11: return "Q3_K_S";
        case 12: return "Q3_K_M";
        case 13: return "Q3_K_L";
        case 14: return "Q4_K_S";
        case 15: return "Q4_K_M";
        case 16: return "Q5_K_S";
        case 17: return "Q5_K_M";
        case 18: return "Q6_K";
        case 32: return "BF16";
        default: return nullptr;
    }
}

}  // namespace

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
        info.parameters = f.parameter_count();
        for (const GgufTensor& t : f.tensors()) {
            if (t.ne.size() >= 2) bytes_by_type[std::string(dtype_traits(t.type).name)] += t.nbytes;
        }
        uint64_t most = 0;
        for (const auto& [type, bytes] : bytes_by_type)
            if (bytes > most) most = bytes, info.quantization = type;
        if (const char* named = file_type_name(f.get_int_or("general.file_type", -1))) info.quantization = named;
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
