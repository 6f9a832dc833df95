#pragma once
// How much text Gleaner opens. The model reads a document whole and the desktop reader lays it
// out whole, so its text has a ceiling, enforced once, by import_document(), for every front end
// (gleaner-cli, the desktop program):
//  - Reading time: English runs about 4 bytes a token, so 32 MiB is about 8 million tokens, ten
//    times War and Peace. The reading memory reads 140-550 tokens/s on two CPU threads
//    (docs/long-context.md): a document at the limit already takes hours, 200 MB would take days.
//  - Memory: the desktop program keeps the text several times over (the UTF-8 text, its UTF-16
//    copy with the byte map, the laid-out QTextDocument). With a document at the limit it stays
//    under 1.5 GB resident (measured on a generated 32 MiB text, one line and many paragraphs;
//    the reading model's own memory comes on top). A 200 MB text used to reach 4.5 GB and crash.
// A plain text, Markdown or HTML file larger than the limit is refused by its size before a byte
// of it is read; other formats (PDF, EPUB: the text is a fraction of the file) by the size of the
// text they yield.
#include <cstddef>
#include <cstdint>
#include <string>

#include "importer.h"

namespace gleaner {

inline constexpr size_t kMaxDocumentTextBytes = size_t{32} << 20;

// "'big.txt' is 190.7 MiB, over Gleaner's limit of 32 MiB of text (...)": a text or markup file
// refused by its size.
ImportError file_too_large_error(const std::string& path, uint64_t file_bytes);
// "'big.pdf' holds 40.0 MiB of text, over ...": a document refused by the text it yields.
ImportError text_too_large_error(const std::string& path, uint64_t text_bytes);

}  // namespace gleaner
