#include "json_value.h"

#include <cctype>
#include <cstdlib>

namespace gleaner {

namespace {
constexpr int kMaxDepth = 64;
}

class JsonParser {
public:
    explicit JsonParser(std::string_view s) : s_(s) {}

    JsonValue document() {
        JsonValue v = value(0);
        skip_space();
        if (i_ != s_.size()) fail("text after the value");
        return v;
    }

private:
    std::string_view s_;
    size_t i_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw JsonError("malformed JSON at byte " + std::to_string(i_) + ": " + what);
    }
    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool consume(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }
    void expect(char c) {
        skip_space();
        if (i_ >= s_.size() || s_[i_] != c) fail(std::string("expected '") + c + "'");
        ++i_;
    }

    JsonValue value(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply");
        skip_space();
        if (i_ >= s_.size()) fail("unexpected end");
        JsonValue v;
        const char c = s_[i_];
        if (c == '{') v.v_ = object(depth);
        else if (c == '[') v.v_ = array(depth);
        else if (c == '"') v.v_ = string();
        else if (consume("true")) v.v_ = true;
        else if (consume("false")) v.v_ = false;
        else if (consume("null")) v.v_ = std::monostate{};
        else v.v_ = number();
        return v;
    }

    JsonValue::Object object(int depth) {
        JsonValue::Object o;
        ++i_;  // '{'
        skip_space();
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, o;
        for (;;) {
            skip_space();
            if (i_ >= s_.size() || s_[i_] != '"') fail("expected a key");
            std::string key = string();
            expect(':');
            o.insert_or_assign(std::move(key), value(depth + 1));
            skip_space();
            if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
            expect('}');
            return o;
        }
    }

    JsonValue::Array array(int depth) {
        JsonValue::Array a;
        ++i_;  // '['
        skip_space();
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, a;
        for (;;) {
            a.push_back(value(depth + 1));
            skip_space();
            if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
            expect(']');
            return a;
        }
    }

    double number() {
        const size_t start = i_;
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '+' ||
                                  s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
            ++i_;
        if (i_ == start) fail("unexpected character");
        const std::string text(s_.substr(start, i_ - start));
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) fail("bad number '" + text + "'");
        return d;
    }

    unsigned hex4() {
        if (i_ + 4 > s_.size()) fail("short \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
            else fail("bad \\u escape");
        }
        return v;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) out += char(0xC0 | (cp >> 6)), out += char(0x80 | (cp & 0x3F));
        else if (cp < 0x10000)
            out += char(0xE0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
        else
            out += char(0xF0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3F)),
                out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
    }

    std::string string() {
        ++i_;  // '"'
        std::string out;
        for (;;) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            switch (s_[i_++]) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && consume("\\u")) {  // a surrogate pair
                        const unsigned low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF) fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: fail("unknown escape");
            }
        }
    }
};

JsonValue JsonValue::parse(std::string_view text) { return JsonParser(text).document(); }

const JsonValue& JsonValue::operator[](std::string_view key) const {
    static const JsonValue null_value;
    const auto* o = std::get_if<Object>(&v_);
    if (!o) return null_value;
    const auto it = o->find(key);
    return it == o->end() ? null_value : it->second;
}

const JsonValue::Array& JsonValue::items() const {
    static const Array empty;
    const auto* a = std::get_if<Array>(&v_);
    return a ? *a : empty;
}

std::string JsonValue::string_or(const std::string& fallback) const {
    const auto* s = std::get_if<std::string>(&v_);
    return s ? *s : fallback;
}

double JsonValue::number_or(double fallback) const {
    const auto* d = std::get_if<double>(&v_);
    return d ? *d : fallback;
}

bool JsonValue::bool_or(bool fallback) const {
    const auto* b = std::get_if<bool>(&v_);
    return b ? *b : fallback;
}

}  // namespace gleaner
