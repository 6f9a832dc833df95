#include "tokenizer_bpe.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace gleaner {

namespace {

// ---- pre-tokenizer patterns ------------------------------------------------------------------
// Written as in the models' tokenizer.json (llama.cpp's adapted forms). `\s` and `\S` are
// expanded below into an explicit class: PCRE2's \s under PCRE2_UCP differs from Unicode's
// White_Space set (which llama.cpp uses) in a couple of code points, e.g. U+180E.
constexpr const char* kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
constexpr const char* kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kSingleDigit = R"(\p{N})";

// Unicode White_Space, the set llama.cpp's unicode tables use for \s.
constexpr const char* kWhiteSpace =
    R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

std::string expand_whitespace_classes(std::string_view pattern) {
    std::string out;
    bool in_class = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[i + 1];
            ++i;
            if (e == 's') {
                out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
            } else if (e == 'S') {
                if (in_class) throw std::logic_error("\\S inside a character class is not supported");
                out += "[^" + std::string(kWhiteSpace) + "]";
            } else {
                out += c;
                out += e;
            }
            continue;
        }
        if (c == '[' && !in_class) in_class = true;
        else if (c == ']' && in_class) in_class = false;
        out += c;
    }
    return out;
}

std::vector<const char*> patterns_for(const std::string& pre) {
    if (pre == "gpt2" || pre == "gpt-2") return {kGpt2};
    if (pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe" || pre == "falcon3") return {kLlama3};
    if (pre == "qwen2" || pre == "deepseek-r1-qwen") return {kQwen2};
    // Digits are first isolated one by one, then the GPT-2 rules cut the rest.
    if (pre == "smollm" || pre == "starcoder" || pre == "refact") return {kSingleDigit, kGpt2};
    throw VocabError("unsupported pre-tokenizer '" + pre +
                     "' for byte-level BPE (supported: gpt2, llama3/llama-v3/llama-bpe, qwen2, "
                     "smollm/starcoder/refact)");
}

// GPT-2's reversible byte -> code point map: printable Latin-1 bytes map to themselves, the 68
// others (controls, space, NBSP, soft hyphen) to U+0100.. in byte order, so that every byte
// becomes a visible character (space -> 'Ġ' U+0120, '\n' -> 'Ċ' U+010A).
std::array<uint32_t, 256> byte_to_code_point() {
    std::array<uint32_t, 256> map{};
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
        map[b] = printable ? b : next++;
    }
    return map;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 if the bytes there are not one
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t valid_utf8_length(std::string_view s, size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return 0;
    for (size_t k = 2; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    }
    return n;
}

// PCRE2 requires valid UTF-8 in UTF mode. llama.cpp replaces each undecodable byte with U+FFFD,
// which we mirror. Returns false (and leaves `out` alone) when the text is already valid.
bool sanitize_utf8(std::string_view text, std::string& out) {
    size_t i = 0;
    while (i < text.size()) {
        const size_t n = valid_utf8_length(text, i);
        if (n == 0) break;
        i += n;
    }
    if (i == text.size()) return false;
    out.assign(text.substr(0, i));
    while (i < text.size()) {
        const size_t n = valid_utf8_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return true;
}

}  // namespace

// ---- compiled regex (PCRE2, JIT when available) -------------------------------------------
class BpeTokenizer::Regex {
public:
    explicit Regex(const std::string& pattern) {
        int err = 0;
        PCRE2_SIZE err_offset = 0;
        code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                              PCRE2_UTF | PCRE2_UCP, &err, &err_offset, nullptr);
        if (!code_) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            throw std::runtime_error("pre-tokenizer regex failed to compile at offset " + std::to_string(err_offset) +
                                     ": " + reinterpret_cast<const char*>(msg));
        }
        // JIT makes splitting a book several times faster; without it PCRE2 interprets.
        pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
    }
    ~Regex() { pcre2_code_free(code_); }
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Finds the first match in subject[start, size); false when there is none.
    bool find(const char* subject, size_t size, size_t start, pcre2_match_data* md, size_t& begin, size_t& end) const {
        const auto* s = reinterpret_cast<PCRE2_SPTR>(subject);
        // The caller validated the UTF-8 once; letting PCRE2 re-check the whole subject on every
        // call would make splitting quadratic.
        int rc = pcre2_match(code_, s, size, start, PCRE2_NO_UTF_CHECK, md, nullptr);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
            rc = pcre2_match(code_, s, size, start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, nullptr);
        }
        if (rc == PCRE2_ERROR_NOMATCH) return false;
        if (rc < 0) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(rc, msg, sizeof msg);
            throw std::runtime_error(std::string("pre-tokenizer regex failed: ") + reinterpret_cast<const char*>(msg));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        begin = ov[0];
        end = ov[1];
        return true;
    }

private:
    pcre2_code* code_ = nullptr;
};

// ---- construction ---------------------------------------------------------------------------
BpeTokenizer::BpeTokenizer(Vocab vocab) : Tokenizer(std::move(vocab)) {
    for (const char* p : patterns_for(vocab_.pre)) regexes_.push_back(std::make_unique<Regex>(expand_whitespace_classes(p)));

    const auto cp_of_byte = byte_to_code_point();
    std::array<int, 324> byte_of_cp;  // inverse map; code points of the map are all < 324
    byte_of_cp.fill(-1);
    for (int b = 0; b < 256; ++b) {
        append_utf8(byte_text_[static_cast<size_t>(b)], cp_of_byte[static_cast<size_t>(b)]);
        byte_of_cp[cp_of_byte[static_cast<size_t>(b)]] = b;
    }

    // Pieces: every token, then merge operands/results that are not tokens.
    const int32_t n_tokens = vocab_.size();
    piece_ids_.reserve(static_cast<size_t>(n_tokens) + 1024);
    for (int32_t id = 0; id < n_tokens; ++id) piece_ids_.emplace(vocab_.text(id), id);
    auto intern = [&](std::string_view text) -> int32_t {
        if (auto it = piece_ids_.find(text); it != piece_ids_.end()) return it->second;
        const auto id = static_cast<int32_t>(n_tokens + extra_pieces_.size());
        extra_pieces_.emplace_back(text);
        piece_ids_.emplace(std::string(text), id);
        return id;
    };
    for (size_t b = 0; b < 256; ++b) {
        auto it = piece_ids_.find(byte_text_[b]);
        byte_piece_[b] = it == piece_ids_.end() ? -1 : it->second;
    }

    if (vocab_.merges.size() > static_cast<size_t>(INT32_MAX)) throw VocabError("tokenizer metadata: too many BPE merges");
    merges_.reserve(vocab_.merges.size() * 2);
    for (size_t rank = 0; rank < vocab_.merges.size(); ++rank) {
        const std::string& line = vocab_.merges[rank];
        // The separator is the first space after position 0: a left operand may itself be " ".
        const size_t sep = line.find(' ', 1);
        if (sep == std::string::npos) continue;  // malformed; llama.cpp's entry for it can never match either
        const std::string_view left(line.data(), sep);
        const std::string_view right(line.data() + sep + 1, line.size() - sep - 1);
        const int32_t l = intern(left);
        const int32_t r = intern(right);
        const int32_t result = intern(std::string(left) + std::string(right));
        const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(l)) << 32) | static_cast<uint32_t>(r);
        merges_.emplace(key, MergeRule{static_cast<int32_t>(rank), result});  // first rank wins
    }

    // Token id -> raw bytes, computed once so decoding is a lookup.
    decoded_.resize(static_cast<size_t>(n_tokens));
    for (int32_t id = 0; id < n_tokens; ++id) {
        const std::string& text = vocab_.text(id);
        std::string& out = decoded_[static_cast<size_t>(id)];
        switch (vocab_.type(id)) {
        case TokenType::Control:
        case TokenType::UserDefined:
        case TokenType::Unknown:
            out = text;  // added tokens are stored verbatim, not byte-mapped
            break;
        case TokenType::Normal:
        case TokenType::Byte:
            for (size_t i = 0; i < text.size();) {
                const size_t n = valid_utf8_length(text, i);
                if (n == 0) {  // malformed token text: pass the byte through
                    out += text[i++];
                    continue;
                }
                uint32_t cp = static_cast<unsigned char>(text[i]);
                if (n > 1) {
                    cp &= (0x7F >> n);
                    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
                }
                if (cp < byte_of_cp.size() && byte_of_cp[cp] >= 0) out += static_cast<char>(byte_of_cp[cp]);
                else out.append(text, i, n);  // not from the byte map: keep the character as is
                i += n;
            }
            break;
        case TokenType::Unused:
        case TokenType::Undefined:
            break;  // renders as nothing, as in llama.cpp
        }
    }
}

BpeTokenizer::~BpeTokenizer() = default;

// ---- pre-tokenization ---------------------------------------------------------------------
void BpeTokenizer::pre_tokenize(std::string_view text, std::vector<Span>& spans) const {
    spans.assign(1, Span{0, text.size()});
    std::vector<Span> next;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> md(pcre2_match_data_create(1, nullptr),
                                                                            &pcre2_match_data_free);
    if (!md) throw std::bad_alloc();
    // Each regex splits every current span into its matches and the gaps between them. Spans are
    // matched as separate subjects, so a lookahead never sees past its span (llama.cpp does the
    // same).
    for (const auto& re : regexes_) {
        next.clear();
        next.reserve(spans.size() * 2);
        for (const Span& s : spans) {
            const char* subject = text.data() + s.offset;
            size_t pos = 0;
            size_t begin = 0, end = 0;
            while (pos < s.length && re->find(subject, s.length, pos, md.get(), begin, end) && end > begin) {
                if (begin > pos) next.push_back({s.offset + pos, begin - pos});
                next.push_back({s.offset + begin, end - begin});
                pos = end;
            }
            if (pos < s.length) next.push_back({s.offset + pos, s.length - pos});
        }
        spans.swap(next);
    }
}

// ---- BPE merge loop -----------------------------------------------------------------------
void BpeTokenizer::encode_word(std::string_view word, std::vector<int32_t>& out) const {
    const int32_t n_tokens = vocab_.size();

    if (vocab_.ignore_merges) {
        std::string mapped;
        for (unsigned char b : word) mapped += byte_text_[b];
        if (int32_t id = vocab_.find(mapped); id >= 0) {
            out.push_back(id);
            return;
        }
    }

    // One symbol per byte (= per mapped code point), kept as a doubly linked list so a merge is
    // O(1); candidate pairs live in a min-heap keyed by (rank, position). A popped pair is stale
    // when either side has changed since it was pushed, which the combined length detects: a
    // symbol only ever grows, or dies (length 0).
    struct Symbol {
        int32_t prev, next;
        int32_t piece;  // -1 when the character is not a piece at all
        uint32_t start, length;  // in bytes of `word`
    };
    struct Pair {
        int32_t rank, left, right;
        uint32_t length;
        int32_t result;
        bool operator>(const Pair& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::vector<Symbol> sym(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
        sym[i] = {static_cast<int32_t>(i) - 1, i + 1 < word.size() ? static_cast<int32_t>(i) + 1 : -1,
                  byte_piece_[static_cast<unsigned char>(word[i])], static_cast<uint32_t>(i), 1};
    }
    std::priority_queue<Pair, std::vector<Pair>, std::greater<Pair>> heap;
    auto try_pair = [&](int32_t l, int32_t r) {
        if (l < 0 || r < 0) return;
        const Symbol& a = sym[static_cast<size_t>(l)];
        const Symbol& b = sym[static_cast<size_t>(r)];
        if (a.piece < 0 || b.piece < 0) return;
        const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(a.piece)) << 32) | static_cast<uint32_t>(b.piece);
        auto it = merges_.find(key);
        if (it == merges_.end()) return;
        heap.push({it->second.rank, l, r, a.length + b.length, it->second.result});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(word.size()); ++i) try_pair(i, i + 1);

    while (!heap.empty()) {
        const Pair p = heap.top();
        heap.pop();
        Symbol& a = sym[static_cast<size_t>(p.left)];
        Symbol& b = sym[static_cast<size_t>(p.right)];
        if (a.length == 0 || b.length == 0 || a.length + b.length != p.length) continue;
        a.length += b.length;
        a.piece = p.result;
        b.length = 0;
        a.next = b.next;
        if (b.next >= 0) sym[static_cast<size_t>(b.next)].prev = p.left;
        try_pair(a.prev, p.left);
        try_pair(p.left, a.next);
    }

    for (int32_t i = word.empty() ? -1 : 0; i >= 0; i = sym[static_cast<size_t>(i)].next) {
        const Symbol& s = sym[static_cast<size_t>(i)];
        if (s.piece >= 0 && s.piece < n_tokens) {
            out.push_back(s.piece);
            continue;
        }
        // Not a token (a merge result missing from the vocabulary, or an unmapped character):
        // like llama.cpp, emit whichever single bytes of its mapped text are tokens.
        std::string mapped;
        for (uint32_t k = 0; k < s.length; ++k) mapped += byte_text_[static_cast<unsigned char>(word[s.start + k])];
        for (char c : mapped) {
            if (int32_t id = vocab_.find(std::string_view(&c, 1)); id >= 0) out.push_back(id);
        }
    }
}

// ---- public API -----------------------------------------------------------------------------
std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (add_bos && vocab_.add_bos) out.push_back(vocab_.bos);

    // Words repeat a lot in prose; remembering each distinct pre-token's ids makes a book
    // several times faster to encode. The cache lives for one call, so there is no locking.
    StringMap<std::vector<int32_t>> cache;
    std::vector<Span> spans;
    std::string clean;
    for (const Fragment& f : split_special(text, parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            continue;
        }
        const std::string_view body = sanitize_utf8(f.text, clean) ? std::string_view(clean) : f.text;
        pre_tokenize(body, spans);
        for (const Span& s : spans) {
            const std::string_view word = body.substr(s.offset, s.length);
            auto it = cache.find(word);
            if (it == cache.end()) {
                std::vector<int32_t> ids;
                encode_word(word, ids);
                it = cache.emplace(std::string(word), std::move(ids)).first;
            }
            out.insert(out.end(), it->second.begin(), it->second.end());
        }
    }

    if (add_bos && vocab_.add_eos) out.push_back(vocab_.eos);
    return out;
}

std::string BpeTokenizer::decode_token(int32_t id) const {
    if (!vocab_.valid_id(id)) throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary");
    return decoded_[static_cast<size_t>(id)];
}

}  // namespace gleaner
