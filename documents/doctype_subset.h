#pragma once
// A leading <!DOCTYPE ...> that carries an internal subset ("<!DOCTYPE html [ <!ENTITY x "y"> ]>").
//
// libxml2's HTML parser (like a browser) does not know internal subsets: it ends the DOCTYPE at
// the first '>' and reads the rest of the subset ("]>", entity values) as body text. The HTML
// paths remove the whole declaration before parsing; its entities are never expanded (a
// reference to one stays as written, as in a browser).
#include <cstddef>
#include <string>
#include <string_view>

namespace gleaner {

struct ByteSpan {
    size_t begin = 0;
    size_t end = 0;  // one past the closing '>'; begin == end when there is no such DOCTYPE
    bool empty() const { return end <= begin; }
};

// The span of the DOCTYPE declaration when it has an internal subset and is the first markup
// (after a BOM, whitespace, an XML declaration, comments). Quoted strings and comments inside
// the subset may contain ']' and '>'. An unterminated subset gives an empty span.
ByteSpan find_doctype_with_subset(std::string_view markup);

// `markup` without that declaration (unchanged when there is none).
std::string without_doctype_subset(std::string_view markup);

}  // namespace gleaner
