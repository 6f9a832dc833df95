#include "import.h"

#include <algorithm>
#include <memory>

#include "document_limits.h"
#include "regular_file.h"
#include "sha256.h"

namespace gleaner {

std::vector<std::unique_ptr<Importer>> make_all_importers() {
    std::vector<std::unique_ptr<Importer>> all;
    all.push_back(make_pdf_importer());
    all.push_back(make_epub_importer());
    all.push_back(make_html_importer());
    all.push_back(make_markdown_importer());
    all.push_back(make_text_importer());
    return all;
}

namespace {
constexpr size_t kHeadBytes = 4096;
}  // namespace

std::string read_file_head(const std::string& path) {
    return RegularFile(path).read(kHeadBytes);
}

Document import_document(const std::string& path, const ImportOptions& options) {
    RegularFile file(path);
    const std::string head = file.read(kHeadBytes);
    if (head.empty()) throw ImportError(ImportErrorKind::Empty, "the file is empty");
    for (const auto& importer : make_all_importers()) {
        if (!importer->can_import(path, head)) continue;
        ImportOptions bounded = options;
        if (importer->reads_whole_file_as_text()) {
            if (file.size() > kMaxDocumentTextBytes) throw file_too_large_error(path, file.size());
            // A file that grows past the limit after the check above stops the read there.
            bounded.max_file_bytes = std::min(options.max_file_bytes, kMaxDocumentTextBytes);
        }
        Document doc = importer->import(path, bounded);
        // Importers promise this; keep the promise visible at the one entry point.
        if (doc.text.empty()) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        // The text a file yields can outgrow the file (Windows-1252 quotes take 3 bytes in UTF-8)
        // and a PDF's or EPUB's is only known now.
        if (doc.text.size() > kMaxDocumentTextBytes) throw text_too_large_error(path, doc.text.size());
        doc.id = sha256_file_hex(path);
        return doc;
    }
    throw ImportError(ImportErrorKind::Unsupported, "unsupported file type (expected PDF, EPUB, text, Markdown or HTML)");
}

}  // namespace gleaner
