#include "vocab.h"

#include <algorithm>
#include <array>

#include "gguf.h"

namespace gleaner {

namespace {

// Token texts llama.cpp recognizes by name (llama_vocab::impl::load). Converters sometimes leave
// them typed NORMAL or USER_DEFINED; llama.cpp then forces them to CONTROL, which decides whether
// plain text may produce them, so we do the same. `eot`: a candidate for the EOT id when the
// file names none (first listed wins). `eog`: ends generation.
struct NamedToken {
    std::string_view text;
    bool eot;
    bool eog;
};
constexpr std::array<NamedToken, 22> kNamedTokens = {{
    {"<|eot_id|>", true, true},
    {"<|im_end|>", true, true},
    {"<|end|>", true, true},
    {"<end_of_turn>", true, true},
    {"<|endoftext|>", true, true},
    {"<|end_of_text|>", true, true},
    {"<EOT>", true, true},
    {"_<EOT>", true, true},
    {"<end_of_utterance>", true, true},
    {"<|eom_id|>", false, true},
    // Also on llama.cpp's list, so Gemma 3's USER_DEFINED "</s>" (an HTML tag there) becomes
    // CONTROL and end-of-generation; reproduced because token ids must match llama.cpp.
    {"</s>", false, true},
    {"<eos>", false, true},
    // Fill-in-the-middle markers (Qwen2.5-Coder, CodeLlama, ...): control tokens; the
    // padding/repository/file separators also end generation.
    {"<|fim_prefix|>", false, false},
    {"<|fim_suffix|>", false, false},
    {"<|fim_middle|>", false, false},
    {"<|fim_pad|>", false, true},
    {"<|repo_name|>", false, true},
    {"<|file_sep|>", false, true},
    {"<PRE>", false, false},
    {"<SUF>", false, false},
    {"<MID>", false, false},
    {"<|fim_repo|>", false, true},
}};

// Pre-tokenizer names that llama.cpp gives Llama-3 behaviour: BOS by default, and whole
// pre-tokens that are vocabulary entries skip the merge loop (ignore_merges).
bool is_llama3_family(std::string_view pre) {
    return pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe" || pre == "falcon3" ||
           pre == "tekken";
}

[[noreturn]] void fail(const std::string& message) { throw VocabError("tokenizer metadata: " + message); }

// Reads an optional special-token id. Absent or negative (some converters write -1 for "none")
// leaves the default; an id past the vocabulary is an error, since it would later index out of
// bounds or silently pick the wrong token.
void read_special_id(const GgufFile& file, std::string_view key, int32_t n_tokens, int32_t& id) {
    if (id >= n_tokens) id = -1;  // default that does not exist in this vocabulary
    if (!file.has(key)) return;
    const int64_t v = file.get_int(key);
    if (v < 0) return;
    if (v >= n_tokens) {
        fail("'" + std::string(key) + "' = " + std::to_string(v) + " is outside the vocabulary of " +
             std::to_string(n_tokens) + " tokens");
    }
    id = static_cast<int32_t>(v);
}

}  // namespace

Vocab Vocab::from_gguf(const GgufFile& file) {
    Vocab v;
    if (!file.has("tokenizer.ggml.model")) fail("the model has no tokenizer ('tokenizer.ggml.model' is missing)");
    v.model = file.get_string("tokenizer.ggml.model");
    if (v.model == "llama") {
        v.kind = TokenizerKind::SentencePiece;
    } else if (v.model == "gpt2") {
        v.kind = TokenizerKind::ByteLevelBpe;
    } else {
        throw VocabError("unsupported tokenizer '" + v.model +
                         "' (supported: 'llama' = SentencePiece, 'gpt2' = byte-level BPE)");
    }
    v.pre = file.get_string_or("tokenizer.ggml.pre", "");

    // ---- token texts ------------------------------------------------------------------------
    v.tokens = file.get_string_array("tokenizer.ggml.tokens");
    if (v.tokens.empty()) fail("'tokenizer.ggml.tokens' is missing or empty");
    if (v.tokens.size() > static_cast<size_t>(INT32_MAX)) fail("'tokenizer.ggml.tokens' has too many entries");
    const auto n = v.tokens.size();
    const auto n_tokens = static_cast<int32_t>(n);
    for (size_t i = 0; i < n; ++i) {
        // An empty text can never be matched and breaks SentencePiece; llama.cpp renames it too.
        if (v.tokens[i].empty()) v.tokens[i] = "[EMPTY_" + std::to_string(i) + "]";
    }

    // ---- scores: f32 normally, i32 in a few old conversions ---------------------------------
    v.scores.assign(n, 0.0f);
    if (const GgufValue* s = file.find("tokenizer.ggml.scores")) {
        if (const auto* f = std::get_if<std::vector<double>>(&s->value)) {
            if (f->size() < n) fail("'tokenizer.ggml.scores' has " + std::to_string(f->size()) + " entries for " + std::to_string(n) + " tokens");
            for (size_t i = 0; i < n; ++i) v.scores[i] = static_cast<float>((*f)[i]);
        } else if (const auto* iv = std::get_if<std::vector<int64_t>>(&s->value)) {
            if (iv->size() < n) fail("'tokenizer.ggml.scores' has " + std::to_string(iv->size()) + " entries for " + std::to_string(n) + " tokens");
            for (size_t i = 0; i < n; ++i) v.scores[i] = static_cast<float>((*iv)[i]);
        } else {
            fail("'tokenizer.ggml.scores' must be an array of numbers");
        }
    }

    // ---- token types ------------------------------------------------------------------------
    v.types.assign(n, TokenType::Normal);
    if (file.has("tokenizer.ggml.token_type")) {
        const auto t = file.get_int_array("tokenizer.ggml.token_type");
        if (t.size() < n) fail("'tokenizer.ggml.token_type' has " + std::to_string(t.size()) + " entries for " + std::to_string(n) + " tokens");
        for (size_t i = 0; i < n; ++i) {
            // Unknown codes become Undefined, as in llama.cpp: such tokens decode to nothing.
            v.types[i] = (t[i] >= 0 && t[i] <= 6) ? static_cast<TokenType>(t[i]) : TokenType::Undefined;
        }
    }

    // ---- BPE merges -------------------------------------------------------------------------
    if (v.kind == TokenizerKind::ByteLevelBpe) {
        if (!file.has("tokenizer.ggml.merges")) fail("byte-level BPE model without 'tokenizer.ggml.merges'");
        v.merges = file.get_string_array("tokenizer.ggml.merges");
    }

    // ---- defaults per kind (llama.cpp llama_vocab::impl::load), then the file's overrides ----
    if (v.kind == TokenizerKind::SentencePiece) {
        v.bos = 1;
        v.eos = 2;
        v.unk = 0;
        v.add_bos = true;
        v.add_space_prefix = true;
    } else {
        // Only the Llama-3 family adds BOS by default; BPE never adds a space prefix.
        const bool llama3 = is_llama3_family(v.pre);
        v.add_bos = llama3;
        v.ignore_merges = llama3;
        v.add_space_prefix = false;
    }
    read_special_id(file, "tokenizer.ggml.bos_token_id", n_tokens, v.bos);
    read_special_id(file, "tokenizer.ggml.eos_token_id", n_tokens, v.eos);
    read_special_id(file, "tokenizer.ggml.eot_token_id", n_tokens, v.eot);
    read_special_id(file, "tokenizer.ggml.unknown_token_id", n_tokens, v.unk);
    read_special_id(file, "tokenizer.ggml.padding_token_id", n_tokens, v.pad);
    v.add_bos = file.get_bool_or("tokenizer.ggml.add_bos_token", v.add_bos);
    v.add_eos = file.get_bool_or("tokenizer.ggml.add_eos_token", v.add_eos);
    if (v.kind == TokenizerKind::SentencePiece) {
        // Byte-level BPE encodes spaces itself. llama.cpp reads the key for BPE too, but only
        // uses it there to drop a leading space when detokenizing, which breaks round trips.
        v.add_space_prefix = file.get_bool_or("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
    }
    if (v.add_bos && v.bos < 0) fail("the model asks for a BOS token but defines none ('tokenizer.ggml.bos_token_id')");
    if (v.add_eos && v.eos < 0) fail("the model asks for an EOS token but defines none ('tokenizer.ggml.eos_token_id')");

    v.finalize();
    return v;
}

void Vocab::finalize() {
    if (types.size() != tokens.size()) types.resize(tokens.size(), TokenType::Normal);
    if (scores.size() != tokens.size()) scores.resize(tokens.size(), 0.0f);

    index_.clear();
    index_.reserve(tokens.size() * 2);
    for (int32_t i = 0; i < size(); ++i) {
        auto [it, inserted] = index_.emplace(tokens[static_cast<size_t>(i)], i);
        if (!inserted) {
            throw VocabError("tokenizer metadata: token " + std::to_string(i) + " has the same text as token " +
                             std::to_string(it->second) + " ('" + tokens[static_cast<size_t>(i)] + "')");
        }
    }

    // End-of-generation set: explicit EOS/EOT plus the well-known terminator texts.
    eog_.clear();
    for (const NamedToken& named : kNamedTokens) {
        const int32_t id = find(named.text);
        if (id < 0) continue;
        auto& ty = types[static_cast<size_t>(id)];
        ty = TokenType::Control;
        if (named.eot && eot < 0) eot = id;
        if (named.eog) eog_.push_back(id);
    }
    for (int32_t id : {eos, eot}) {
        if (id >= 0) eog_.push_back(id);
    }
    std::sort(eog_.begin(), eog_.end());
    eog_.erase(std::unique(eog_.begin(), eog_.end()), eog_.end());

    special_.clear();
    for (int32_t i = 0; i < size(); ++i) {
        const TokenType t = types[static_cast<size_t>(i)];
        if (t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown) special_.push_back(i);
    }
    // Longest first so that e.g. "<|im_start|>" wins over a shorter token inside it; ties by id
    // to keep the order deterministic.
    std::stable_sort(special_.begin(), special_.end(), [this](int32_t a, int32_t b) {
        return tokens[static_cast<size_t>(a)].size() > tokens[static_cast<size_t>(b)].size();
    });
}

int32_t Vocab::find(std::string_view text) const {
    auto it = index_.find(text);
    return it == index_.end() ? -1 : it->second;
}

bool Vocab::is_eog(int32_t id) const { return std::binary_search(eog_.begin(), eog_.end(), id); }

}  // namespace gleaner
