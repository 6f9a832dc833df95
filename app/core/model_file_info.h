#pragma once
// What a GGUF file is, read from its header without loading the weights: for the settings
// dialog's model picker, which refuses files the engine cannot run and says why.
#include <cstdint>
#include <string>

namespace gleaner {

struct ModelFileInfo {
    bool supported = false;
    std::string problem;        // why not, one line (empty when supported)
    std::string name;           // general.name
    std::string architecture;   // general.architecture
    int64_t parameters = 0;
    // As llama.cpp names the file's mix (general.file_type: "Q4_K_M" mixes Q4_K, Q5_0, Q6_K...);
    // without that key, the weight type holding most of the bytes ("Q4_1").
    std::string quantization;
    int64_t context_length = 0;
    int layers = 0;
    uint64_t file_size = 0;
    std::string tokenizer;      // "gpt2" (byte-level BPE), "llama" (SentencePiece), ...
};

// Never throws: an unreadable or unsupported file comes back with supported == false.
ModelFileInfo inspect_model_file(const std::string& path);

}  // namespace gleaner
