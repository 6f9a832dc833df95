#pragma once
// SentencePiece BPE (GGUF tokenizer.ggml.model = "llama"), as used by Llama 2, Mistral and
// Gemma. The GGUF vocabulary is turned into a SentencePiece ModelProto and encoded by the
// sentencepiece library; special tokens and BOS/EOS are handled here, as llama.cpp does.
#include <memory>

#include "tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace gleaner {

class SpmTokenizer final : public Tokenizer {
public:
    // Throws VocabError when the vocabulary cannot form a valid SentencePiece model.
    explicit SpmTokenizer(Vocab vocab);
    ~SpmTokenizer() override;

    // Invalid UTF-8 bytes become U+FFFD (SentencePiece's normalizer does this); llama.cpp
    // instead emits them as byte tokens, so ids differ for such input.
    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string decode_token(int32_t id) const override;

    // The serialized sentencepiece.ModelProto built from `vocab` (protobuf wire format).
    static std::string model_proto(const Vocab& vocab);

private:
    std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
    std::vector<std::string> decoded_;  // token id -> raw bytes
};

}  // namespace gleaner
