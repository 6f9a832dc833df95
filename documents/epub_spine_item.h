#pragma once
// Which EPUB spine items are chapters. A spine lists content documents (XHTML, or SVG in
// EPUB 3) in reading order, but real files also list their own package document, the NCX or
// an image there; reading those as chapters put the book's metadata or TOC labels into its text.
#include <string>
#include <string_view>

namespace gleaner {

// Empty when the item is a content document to read; else why not, for the warning ("the
// package document itself", "media type 'image/jpeg' is not a content document").
// `opf_path` and `ncx_path` are archive paths (`ncx_path` empty when the book has no NCX).
// Generic XML media types (application/xml, text/xml) are read: sloppy EPUBs label chapters
// with them, and skipping those would lose whole chapters.
std::string spine_item_problem(std::string_view path, std::string_view media_type, std::string_view opf_path,
                               std::string_view ncx_path);

}  // namespace gleaner
