// libFuzzer target: the GGUF reader and everything that reads its metadata (model config,
// weight table, vocabulary, tokenizer) must refuse any byte string with an exception, never
// crash, hang or allocate without bound.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "gguf.h"
#include "model_config.h"
#include "model_weights.h"
#include "tokenizer.h"
#include "vocab.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/dev/shm/gleaner-fuzz-gguf-" + std::to_string(getpid());
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
        const gleaner::GgufFile g = gleaner::GgufFile::open(path);
        try {
            const auto cfg = gleaner::ModelConfig::from_gguf(g);
            const auto w = gleaner::ModelWeights::from_gguf(g, cfg);
        } catch (const std::exception&) {
        }
        try {
            auto tok = gleaner::make_tokenizer(gleaner::Vocab::from_gguf(g));
            const auto ids = tok->encode("Hello world <|im_start|> 123", true, true);
            (void)tok->decode(ids);
        } catch (const std::exception&) {
        }
    } catch (const std::exception&) {
    }
    return 0;
}
