#pragma once
// Entry point: import any supported file into a Document.
#include <memory>
#include <string>
#include <vector>

#include "importer.h"

namespace gleaner {

// All importers in the order they are asked: formats with a signature first (PDF, EPUB), then
// HTML, Markdown and plain text (the catch-all for text files).
std::vector<std::unique_ptr<Importer>> make_all_importers();

// Picks the importer by sniffing the first bytes and the extension, then imports.
// Throws ImportError with a one-line reason (see ImportErrorKind); TooLarge for a document over
// the text limit (document_limits.h).
Document import_document(const std::string& path, const ImportOptions& options = {});

// The first bytes used for sniffing (at most 4 KiB). Throws ImportError NotFound/Unreadable.
std::string read_file_head(const std::string& path);

}  // namespace gleaner
