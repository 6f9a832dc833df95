#pragma once
// Text <-> token ids for a GGUF model, bit-identical to llama.cpp's tokenizer for the supported
// kinds (SentencePiece "llama" and byte-level BPE "gpt2"). Implementations are immutable after
// construction, so one instance may be used from several threads at once.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vocab.h"

namespace gleaner {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // add_bos: add the special tokens the model wants around a sequence (BOS when
    // vocab().add_bos, EOS when vocab().add_eos), like llama.cpp's `add_special`; a model with
    // add_bos = false gets no BOS even when this is true.
    // parse_special: match CONTROL token texts (e.g. "<|im_start|>") in `text` and emit their
    // ids. USER_DEFINED tokens are always matched, as in llama.cpp.
    // Invalid UTF-8 never throws; see the implementations for how it is mapped.
    virtual std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const = 0;

    // The raw bytes of one token. A byte-fallback token yields a single byte, which may be part
    // of a multi-byte UTF-8 character: streaming callers must buffer until a character is
    // complete. Special tokens render as their text; unused/undefined ones as nothing.
    // Throws std::out_of_range for an id outside the vocabulary.
    virtual std::string decode_token(int32_t id) const = 0;

    // Concatenated pieces. For SentencePiece models with a space prefix, the space the encoder
    // added in front of the first token is removed again (llama.cpp's detokenize), so
    // decode(encode(t, false, false)) == t for valid UTF-8 text.
    std::string decode(const std::vector<int32_t>& ids) const;

    const Vocab& vocab() const { return vocab_; }

protected:
    explicit Tokenizer(Vocab vocab);

    // A piece of the input: either raw text still to be tokenized, or a special token matched
    // verbatim.
    struct Fragment {
        std::string_view text;
        int32_t token = -1;  // >= 0 for a matched special token
    };
    // Splits `text` on special-token texts: USER_DEFINED always, CONTROL and UNKNOWN only when
    // parse_special. Reproduces llama.cpp's order of matching exactly (longest token first, each
    // token's leftmost non-overlapping occurrences in the still-unmatched text).
    std::vector<Fragment> split_special(std::string_view text, bool parse_special) const;

    Vocab vocab_;

private:
    struct TrieNode {
        std::vector<std::pair<unsigned char, int32_t>> next;  // sorted by byte
        int32_t token = -1;
    };
    std::vector<TrieNode> trie_;  // over the texts of vocab_.special_tokens(); node 0 is the root
    std::array<int32_t, 256> root_{};  // root's children by first byte (0 = none): the hot path
    std::vector<int32_t> special_rank_;  // token id -> position in special_tokens(), or -1
};

// Picks the implementation for vocab.kind. Throws VocabError for an unusable vocabulary.
std::unique_ptr<Tokenizer> make_tokenizer(Vocab vocab);

}  // namespace gleaner
