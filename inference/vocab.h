#pragma once
// The tokenizer vocabulary of a GGUF model: token texts, scores, types, BPE merges, special ids
// and the flags that steer encoding. Read once from the (untrusted) file metadata and validated,
// so the tokenizers can index these arrays without further checks.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gleaner {

class GgufFile;

// Transparent string hash so maps keyed by std::string can be probed with a string_view
// without allocating (C++20 heterogeneous unordered lookup).
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class VocabError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Same numbering as `tokenizer.ggml.token_type` and SentencePiece's piece types.
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

enum class TokenizerKind {
    SentencePiece,  // tokenizer.ggml.model = "llama"
    ByteLevelBpe,   // tokenizer.ggml.model = "gpt2"
};

struct Vocab {
    TokenizerKind kind = TokenizerKind::SentencePiece;
    std::string model;  // tokenizer.ggml.model, verbatim
    std::string pre;    // tokenizer.ggml.pre ("" when absent)

    std::vector<std::string> tokens;  // id -> text (empty texts renamed "[EMPTY_<id>]")
    std::vector<float> scores;        // id -> score (0 when the file has none)
    // id -> type (Normal when the file has none). Well-known end-of-turn and fill-in-the-middle
    // texts are forced to Control, as llama.cpp does.
    std::vector<TokenType> types;
    std::vector<std::string> merges;  // BPE merge lines "left right"; the rank is the index

    // -1 when absent.
    int32_t bos = -1;
    int32_t eos = -1;
    int32_t eot = -1;
    int32_t unk = -1;
    int32_t pad = -1;

    bool add_bos = false;
    bool add_eos = false;
    bool add_space_prefix = false;
    // llama3-style BPE: a pre-token that is already a whole vocabulary entry is emitted as is.
    bool ignore_merges = false;

    // Reads and validates the `tokenizer.ggml.*` metadata. Throws VocabError (or GgufError for
    // keys of the wrong type) with a message naming the offending key.
    static Vocab from_gguf(const GgufFile& file);

    int32_t size() const { return static_cast<int32_t>(tokens.size()); }
    bool valid_id(int32_t id) const { return id >= 0 && id < size(); }
    // Exact text lookup; -1 when no token has this text.
    int32_t find(std::string_view text) const;
    TokenType type(int32_t id) const { return types[static_cast<size_t>(id)]; }
    const std::string& text(int32_t id) const { return tokens[static_cast<size_t>(id)]; }

    // End of generation: EOS, EOT and the turn/text terminators models use in chat
    // (<|im_end|>, <end_of_turn>, <|eot_id|>, ...).
    bool is_eog(int32_t id) const;
    const std::vector<int32_t>& eog_ids() const { return eog_; }

    // Tokens that are split out of raw text before the model's own algorithm runs: CONTROL,
    // USER_DEFINED and UNKNOWN tokens, longest text first (as llama.cpp does; the special-token
    // splitter relies on this order).
    const std::vector<int32_t>& special_tokens() const { return special_; }

    // Builds the lookup tables from `tokens`/`types`; from_gguf calls it. Public so tests can
    // assemble small vocabularies by hand. Throws VocabError on duplicate token texts.
    void finalize();

private:
    StringMap<int32_t> index_;
    std::vector<int32_t> eog_;
    std::vector<int32_t> special_;
};

}  // namespace gleaner
