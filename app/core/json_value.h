#pragma once
// A small JSON reader for the package index's answers (PEP 691): enough to walk objects and
// arrays and read strings and numbers. Bounded nesting, so a hostile answer cannot exhaust the
// stack.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gleaner {

class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class JsonValue {
public:
    using Array = std::vector<JsonValue>;
    using Object = std::map<std::string, JsonValue, std::less<>>;

    // Throws JsonError (with the byte offset) on malformed input or nesting deeper than 64.
    static JsonValue parse(std::string_view text);

    bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
    bool is_object() const { return std::holds_alternative<Object>(v_); }
    bool is_array() const { return std::holds_alternative<Array>(v_); }
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_number() const { return std::holds_alternative<double>(v_); }

    // The member `key` of an object; a null value when this is not an object or has no such key.
    const JsonValue& operator[](std::string_view key) const;
    // The elements of an array (empty for anything else).
    const Array& items() const;
    // The string, or `fallback` for anything else.
    std::string string_or(const std::string& fallback = {}) const;
    double number_or(double fallback) const;
    bool bool_or(bool fallback) const;

private:
    friend class JsonParser;
    std::variant<std::monostate, bool, double, std::string, Array, Object> v_;
};

}  // namespace gleaner
