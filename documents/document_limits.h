#pragma once
// How much text Gleaner opens. The model reads a document whole and the desktop reader lays it
// out whole, so its text has a ceiling, enforced once, by import_document(), for every front end
// (gleaner-cli, the desktop program):
//  - Reading time: English runs about 4 bytes a token, so 32 MiB is about 8 million tokens, ten
//    times War and Peace. The reading memory reads 140-550 tokens/s on two CPU threads
//    (docs/long-context.md): a document at the limit already takes hours, 200 MB would take days.
//  - Memory: the desktop program keeps the text several times over (the UTF-8 text, its UTF-16
//    copy with the byte map, the laid-out QTextDocument). Its budget for a document at the limit
//    is 1.5 GB resident, checked by gui.large_text: a generated 32 MiB text opened, read to its
//    end and searched (10,000 hits highlighted) peaks at about 420 MB on one line and 470 MB in
//    many paragraphs, 750 MB when one replaces the other (both are held for a moment); with the
//    default model starting to read it, about 1 GB. A 200 MB text used to take 4.5 GB in 20 s and
//    crash the window.
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
