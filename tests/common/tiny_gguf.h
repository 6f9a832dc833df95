#pragma once
// Builds a small but complete GGUF model for tests, so that unit suites need no downloaded model.
//
// By default: a llama with one layer, zero F32 weights and a byte-level BPE vocabulary (the GPT-2
// byte alphabet, a few merges, <|endoftext|>/<|im_start|>/<|im_end|>), which Model::load accepts.
// A test then changes one metadata key (a NaN epsilon, zero layers, an empty vocabulary) so that
// exactly that value is what is wrong.
//
// For tests that evaluate the model: layers(n) and randomWeights(seed, type) give a model whose
// forward pass is real arithmetic on seeded pseudo-random weights (F32, F16 or Q8_0 matrices);
// the same seed writes the same bytes on every machine. sentencePieceVocab() swaps the vocabulary
// for a SentencePiece one with byte fallback. None of this is trained: tests assert what the
// engine must do for any weights (determinism, caching, streaming, limits), not what it answers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gleaner::test {

class TinyGguf {
public:
    using Value = std::variant<uint32_t, uint64_t, float, double, std::string, std::vector<std::string>,
                               std::vector<float>, std::vector<int32_t>>;
    // ggml type ids of the matrix weights the writer can produce.
    enum class WeightType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8 };

    static constexpr uint32_t kEmbd = 32, kFf = 64, kVocab = 300, kContext = 256;

    TinyGguf() {
        set("general.architecture", std::string("llama"));
        set("llama.block_count", uint32_t{layers_});
        set("llama.embedding_length", uint32_t{kEmbd});
        set("llama.feed_forward_length", uint32_t{kFf});
        set("llama.attention.head_count", uint32_t{4});
        set("llama.attention.head_count_kv", uint32_t{2});
        set("llama.context_length", uint32_t{kContext});
        set("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        bpeVocab();
    }

    // Replaces the key's value (keeping its place) or appends it.
    TinyGguf& set(const std::string& key, Value value) {
        for (auto& kv : kv_)
            if (kv.first == key) {
                kv.second = std::move(value);
                return *this;
            }
        kv_.emplace_back(key, std::move(value));
        return *this;
    }

    // n transformer blocks (metadata and tensors together).
    TinyGguf& layers(uint32_t n) {
        layers_ = n;
        return set("llama.block_count", uint32_t{n});
    }

    // Pseudo-random weights from `seed` (a fixed generator, not std::*_distribution, so that the
    // bytes do not depend on the standard library): matrices and the embedding uniform with unit
    // output variance, norms near 1. Matrices and the embedding are stored as `type`.
    TinyGguf& randomWeights(uint64_t seed, WeightType type = WeightType::F32) {
        seed_ = seed;
        random_ = true;
        type_ = type;
        return *this;
    }

    // Token ids of the vocabulary's special tokens (both vocabularies).
    static constexpr int32_t kBpeEndOfText = 256 + 7, kBpeImStart = 256 + 8, kBpeImEnd = 256 + 9;
    static constexpr int32_t kSpmHello = 259 + 12, kSpmWorld = 259 + 17, kSpmStartOfTurn = 259 + 18,
                             kSpmEndOfTurn = 259 + 19;

    // A SentencePiece vocabulary: <unk> <s> </s>, the 256 byte pieces (ids 3..258), scored pieces
    // for " hello" and " world" (kSpmHello, kSpmWorld) and the Gemma turn markers, padded to kVocab.
    TinyGguf& sentencePieceVocab() {
        std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
        std::vector<int32_t> types = {2, 3, 3};  // UNKNOWN, CONTROL, CONTROL
        const char* hex = "0123456789ABCDEF";
        for (int b = 0; b < 256; ++b) {
            tokens.push_back(std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">");
            types.push_back(6);  // BYTE
        }
        std::vector<float> scores(tokens.size(), 0.0f);
        // SentencePiece's BPE merges the adjacent pair of highest score first, so the scores chain
        // the characters to the whole words: ll, llo, _h, _he, _hello; _w, or, _wor, ld, _world.
        const std::pair<const char*, float> pieces[] = {
            {"\xE2\x96\x81", -5}, {"h", -5}, {"e", -5}, {"l", -5}, {"o", -5}, {"w", -5}, {"r", -5}, {"d", -5},
            {"ll", -1.0f}, {"llo", -1.1f}, {"\xE2\x96\x81h", -1.2f}, {"\xE2\x96\x81he", -1.3f},
            {"\xE2\x96\x81hello", -1.4f}, {"\xE2\x96\x81w", -1.5f}, {"or", -1.6f}, {"\xE2\x96\x81wor", -1.7f},
            {"ld", -1.8f}, {"\xE2\x96\x81world", -1.9f}, {"<start_of_turn>", 0}, {"<end_of_turn>", 0}};
        for (const auto& [text, score] : pieces) {
            tokens.push_back(text);
            scores.push_back(score);
            types.push_back(text[0] == '<' ? 3 : 1);
        }
        while (tokens.size() < kVocab) {
            tokens.push_back("\xE2\x96\x81x" + std::to_string(tokens.size()));
            scores.push_back(-10);
            types.push_back(1);
        }
        erase("tokenizer.ggml.merges");
        erase("tokenizer.ggml.pre");
        erase("tokenizer.ggml.eos_token_id");
        set("tokenizer.ggml.model", std::string("llama"));
        set("tokenizer.ggml.tokens", tokens);
        set("tokenizer.ggml.scores", scores);
        set("tokenizer.ggml.token_type", types);
        return *this;
    }

    std::string bytes() const {
        std::string out("GGUF", 4);
        put<uint32_t>(out, 3);
        const auto tensors = tensor_shapes();
        put<uint64_t>(out, tensors.size());
        put<uint64_t>(out, kv_.size());
        for (const auto& [key, value] : kv_) {
            str(out, key);
            put_value(out, value);
        }
        std::string data;
        uint64_t state = seed_;
        for (const Tensor& t : tensors) {
            str(out, t.name);
            put<uint32_t>(out, static_cast<uint32_t>(t.ne.size()));
            for (int64_t d : t.ne) put<int64_t>(out, d);
            const bool matrix = t.ne.size() == 2;
            const WeightType type = matrix ? type_ : WeightType::F32;  // norms stay F32, as in ggml files
            put<uint32_t>(out, static_cast<uint32_t>(type));
            put<uint64_t>(out, data.size());
            std::vector<float> values(elements(t.ne), 0.0f);
            if (random_) {
                // Unit output variance for a matrix: uniform in +-sqrt(3 / inputs).
                const float scale = matrix ? std::sqrt(3.0f / static_cast<float>(t.ne[0])) : 0.1f;
                for (float& v : values) v = (matrix ? 0.0f : 1.0f) + scale * (2.0f * uniform(state) - 1.0f);
            }
            encode(data, values, type);
            data.resize(aligned(data.size()), '\0');
        }
        out.resize(aligned(out.size()), '\0');
        out += data;
        return out;
    }

    void write(const std::string& path) const {
        const std::string b = bytes();
        std::ofstream(path, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
    }

private:
    struct Tensor {
        std::string name;
        std::vector<int64_t> ne;
    };

    uint32_t layers_ = 1;
    uint64_t seed_ = 0;
    bool random_ = false;
    WeightType type_ = WeightType::F32;
    std::vector<std::pair<std::string, Value>> kv_;

    void erase(const std::string& key) {
        for (auto it = kv_.begin(); it != kv_.end(); ++it)
            if (it->first == key) {
                kv_.erase(it);
                return;
            }
    }

    // GPT-2's byte-to-character table: printable bytes stand for themselves, the others move to
    // U+0100 and up (so the space is 'Ġ' U+0120 and the newline 'Ċ' U+010A).
    static std::string byte_char(uint32_t b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        uint32_t cp = b;
        if (!printable) {
            uint32_t n = 0;
            for (uint32_t x = 0; x < b; ++x)
                if (!((x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || x >= 0xAE)) ++n;
            cp = 256 + n;
        }
        if (cp < 0x80) return std::string(1, static_cast<char>(cp));
        return {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    }

    void bpeVocab() {
        std::vector<std::string> tokens;
        for (uint32_t b = 0; b < 256; ++b) tokens.push_back(byte_char(b));
        const std::string sp = byte_char(' ');
        // ids 256.. : merged pieces, then the special tokens (kBpeEndOfText, kBpeImStart, kBpeImEnd)
        for (const std::string& t : {std::string("he"), std::string("ll"), std::string("llo"), std::string("hello"),
                                     sp + "w", sp + "wo", sp + "wor"})
            tokens.push_back(t);
        tokens.push_back("<|endoftext|>");
        tokens.push_back("<|im_start|>");
        tokens.push_back("<|im_end|>");
        while (tokens.size() < kVocab) {  // (appended, not "x" + ...: GCC 12 warns falsely on that)
            std::string filler(1, 'x');
            filler.append(std::to_string(tokens.size()));
            tokens.push_back(std::move(filler));
        }
        std::vector<int32_t> types(tokens.size(), 1);
        types[kBpeEndOfText] = types[kBpeImStart] = types[kBpeImEnd] = 3;  // CONTROL
        set("tokenizer.ggml.model", std::string("gpt2"));
        set("tokenizer.ggml.pre", std::string("gpt2"));
        set("tokenizer.ggml.tokens", tokens);
        set("tokenizer.ggml.token_type", types);
        set("tokenizer.ggml.merges", std::vector<std::string>{"h e", "l l", "ll o", "he llo", sp + " w", sp + "w o",
                                                              sp + "wo r"});
        set("tokenizer.ggml.eos_token_id", uint32_t{kBpeEndOfText});
    }

    static float uniform(uint64_t& state) {  // splitmix64, top 24 bits: [0, 1)
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return static_cast<float>(z >> 40) / 16777216.0f;
    }

    // Round to nearest even; the weights written here are normal half floats or zero.
    static uint16_t f32_to_f16(float f) {
        uint32_t x;
        std::memcpy(&x, &f, 4);
        const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
        const int32_t exp = static_cast<int32_t>((x >> 23) & 0xFF) - 127 + 15;
        uint32_t mant = x & 0x7FFFFF;
        if (exp <= 0) return sign;                 // below the normal range: zero
        if (exp >= 31) return sign | 0x7C00;       // overflow: infinity
        uint32_t h = (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
        const uint32_t rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;  // may carry into the exponent: still right
        return static_cast<uint16_t>(sign | h);
    }

    static void encode(std::string& out, const std::vector<float>& v, WeightType type) {
        if (type == WeightType::F32) {
            out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
        } else if (type == WeightType::F16) {
            for (float x : v) put<uint16_t>(out, f32_to_f16(x));
        } else {
            // Q8_0: blocks of 32 values, a half-float scale then 32 signed bytes (rows are whole blocks).
            for (size_t b = 0; b < v.size(); b += 32) {
                float amax = 0;
                for (size_t i = 0; i < 32; ++i) amax = std::max(amax, std::abs(v[b + i]));
                const float d = amax / 127.0f;
                put<uint16_t>(out, f32_to_f16(d));
                for (size_t i = 0; i < 32; ++i)
                    put<int8_t>(out, static_cast<int8_t>(d == 0 ? 0 : std::lround(v[b + i] / d)));
            }
        }
    }

    static uint64_t aligned(uint64_t n) { return (n + 31) / 32 * 32; }
    static uint64_t elements(const std::vector<int64_t>& ne) {
        uint64_t n = 1;
        for (int64_t d : ne) n *= static_cast<uint64_t>(d);
        return n;
    }
    template <typename T>
    static void put(std::string& out, T v) {
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    static void str(std::string& out, const std::string& s) {
        put<uint64_t>(out, s.size());
        out += s;
    }
    static void put_value(std::string& out, const Value& value) {
        if (auto* u = std::get_if<uint32_t>(&value)) { put<uint32_t>(out, 4); put(out, *u); }
        else if (auto* u64 = std::get_if<uint64_t>(&value)) { put<uint32_t>(out, 10); put(out, *u64); }
        else if (auto* f = std::get_if<float>(&value)) { put<uint32_t>(out, 6); put(out, *f); }
        else if (auto* d = std::get_if<double>(&value)) { put<uint32_t>(out, 12); put(out, *d); }
        else if (auto* s = std::get_if<std::string>(&value)) { put<uint32_t>(out, 8); str(out, *s); }
        else if (auto* fs = std::get_if<std::vector<float>>(&value)) {
            put<uint32_t>(out, 9);
            put<uint32_t>(out, 6);
            put<uint64_t>(out, fs->size());
            for (float x : *fs) put(out, x);
        } else if (auto* is = std::get_if<std::vector<int32_t>>(&value)) {
            put<uint32_t>(out, 9);
            put<uint32_t>(out, 5);
            put<uint64_t>(out, is->size());
            for (int32_t x : *is) put(out, x);
        } else {
            const auto& list = std::get<std::vector<std::string>>(value);
            put<uint32_t>(out, 9);
            put<uint32_t>(out, 8);
            put<uint64_t>(out, list.size());
            for (const std::string& s : list) str(out, s);
        }
    }
    std::vector<Tensor> tensor_shapes() const {
        const int64_t E = kEmbd, F = kFf, kv = E / 2;
        std::vector<Tensor> t{{"token_embd.weight", {E, kVocab}}, {"output_norm.weight", {E}}};
        for (uint32_t l = 0; l < layers_; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            t.push_back({p + "attn_norm.weight", {E}});
            t.push_back({p + "attn_q.weight", {E, E}});
            t.push_back({p + "attn_k.weight", {E, kv}});
            t.push_back({p + "attn_v.weight", {E, kv}});
            t.push_back({p + "attn_output.weight", {E, E}});
            t.push_back({p + "ffn_norm.weight", {E}});
            t.push_back({p + "ffn_gate.weight", {E, F}});
            t.push_back({p + "ffn_up.weight", {E, F}});
            t.push_back({p + "ffn_down.weight", {F, E}});
        }
        return t;
    }
};

}  // namespace gleaner::test
