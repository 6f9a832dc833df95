#pragma once
// Byte-level BPE (GGUF tokenizer.ggml.model = "gpt2"), as used by GPT-2, Llama 3, Qwen2 and
// SmolLM2. Text is cut into pre-tokens by the model's regexes, every byte is mapped to a
// printable code point, and merges are applied lowest rank first within each pre-token.
#include <array>
#include <memory>

#include "tokenizer.h"

namespace gleaner {

class BpeTokenizer final : public Tokenizer {
public:
    // Throws VocabError for a pre-tokenizer name it does not know.
    explicit BpeTokenizer(Vocab vocab);
    ~BpeTokenizer() override;

    // Invalid UTF-8 bytes are replaced by U+FFFD before splitting, like llama.cpp.
    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string decode_token(int32_t id) const override;

private:
    class Regex;
    struct Span {
        size_t offset;
        size_t length;
    };
    struct MergeRule {
        int32_t rank;
        int32_t result;  // piece id of the concatenation
    };

    // Pre-tokenization: cuts valid UTF-8 `text` into spans with the regex list.
    void pre_tokenize(std::string_view text, std::vector<Span>& spans) const;
    // BPE over one pre-token (raw bytes); appends its token ids.
    void encode_word(std::string_view word, std::vector<int32_t>& out) const;

    std::vector<std::unique_ptr<Regex>> regexes_;

    // "Pieces" are the strings the merge loop works on: ids below vocab_.size() are tokens, the
    // rest are merge operands/results that are not tokens (rare, but llama.cpp allows them).
    StringMap<int32_t> piece_ids_;
    std::vector<std::string> extra_pieces_;  // text of piece vocab_.size() + i
    std::array<int32_t, 256> byte_piece_{};  // raw byte -> piece of its mapped code point, or -1
    std::array<std::string, 256> byte_text_;  // raw byte -> UTF-8 of its mapped code point
    std::unordered_map<uint64_t, MergeRule> merges_;  // (left piece << 32 | right piece) -> rule

    std::vector<std::string> decoded_;  // token id -> raw bytes
};

}  // namespace gleaner
