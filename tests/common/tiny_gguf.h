#pragma once
// Builds a small but complete GGUF model for tests: a llama with one layer, zero weights and a
// byte-level BPE vocabulary, which Model::load accepts. A test then changes one metadata key
// (a NaN epsilon, zero layers, an empty vocabulary) so that exactly that value is what is wrong.
#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gleaner::test {

class TinyGguf {
public:
    using Value = std::variant<uint32_t, uint64_t, float, double, std::string, std::vector<std::string>>;

    TinyGguf() {
        set("general.architecture", std::string("llama"));
        set("llama.block_count", uint32_t{kLayers});
        set("llama.embedding_length", uint32_t{kEmbd});
        set("llama.feed_forward_length", uint32_t{kFf});
        set("llama.attention.head_count", uint32_t{4});
        set("llama.attention.head_count_kv", uint32_t{2});
        set("llama.context_length", uint32_t{128});
        set("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        set("tokenizer.ggml.model", std::string("gpt2"));
        set("tokenizer.ggml.pre", std::string("gpt2"));
        std::vector<std::string> tokens;
        for (uint32_t b = 0; b < 256; ++b) tokens.push_back(utf8(b));  // byte-level BPE alphabet
        tokens.push_back("he");
        while (tokens.size() < kVocab) tokens.push_back(std::string(1, 'x').append(std::to_string(tokens.size())));
        set("tokenizer.ggml.tokens", tokens);
        set("tokenizer.ggml.merges", std::vector<std::string>{"h e"});
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
        uint64_t offset = 0;
        for (const auto& [name, ne] : tensors) {
            str(out, name);
            put<uint32_t>(out, static_cast<uint32_t>(ne.size()));
            for (int64_t d : ne) put<int64_t>(out, d);
            put<uint32_t>(out, 0);  // F32
            put<uint64_t>(out, offset);
            offset += aligned(4 * elements(ne));
        }
        out.resize(aligned(out.size()), '\0');
        out.append(offset, '\0');  // zero weights: enough for loading, nothing is evaluated
        return out;
    }

    void write(const std::string& path) const {
        const std::string b = bytes();
        std::ofstream(path, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
    }

private:
    static constexpr uint32_t kLayers = 1, kEmbd = 32, kFf = 64, kVocab = 300;

    static std::string utf8(uint32_t cp) {
        if (cp < 0x80) return std::string(1, static_cast<char>(cp));
        return {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
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
        else {
            const auto& list = std::get<std::vector<std::string>>(value);
            put<uint32_t>(out, 9);
            put<uint32_t>(out, 8);
            put<uint64_t>(out, list.size());
            for (const std::string& s : list) str(out, s);
        }
    }
    std::vector<std::pair<std::string, std::vector<int64_t>>> tensor_shapes() const {
        const int64_t E = kEmbd, F = kFf, kv = E / 2;
        std::vector<std::pair<std::string, std::vector<int64_t>>> t{{"token_embd.weight", {E, kVocab}},
                                                                     {"output_norm.weight", {E}}};
        for (uint32_t l = 0; l < kLayers; ++l) {
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

    std::vector<std::pair<std::string, Value>> kv_;
};

}  // namespace gleaner::test
