#pragma once
// Minimal streaming JSON writer for the CLI's --json output (no DOM, no dependency).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gleaner::cli {

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(double d);
    JsonWriter& value(int64_t i);
    JsonWriter& value(int i) { return value(static_cast<int64_t>(i)); }
    JsonWriter& value(bool b);
    JsonWriter& null();
    template <typename T>
    JsonWriter& array(const std::vector<T>& xs) {
        begin_array();
        for (const T& x : xs) value(x);
        return end_array();
    }
    const std::string& str() const { return out_; }

private:
    void separate();
    std::string out_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool after_key_ = false;
};

// Escapes s as a JSON string literal (with quotes); invalid UTF-8 bytes become U+FFFD.
std::string json_quote(std::string_view s);

}  // namespace gleaner::cli
