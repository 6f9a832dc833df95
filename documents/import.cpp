#include "import.h"

#include <algorithm>
#include <memory>

#include "document_limits.h"
#include "ocr_layer.h"
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
        // A scanned PDF's OCR text layer is kept under the file's identity (ocr_layer.h).
        std::string id;
        if (!options.ocr_layer_dir.empty() && importer->format() == "pdf") {
            id = sha256_file_hex(path);
            bounded.ocr_layer_file = ocr_layer_path(options.ocr_layer_dir, id);
        }
        Document doc = importer->import(path, bounded);
        // Importers promise this (but for a scan waiting for OCR, which has its pages to show);
        // keep the promise visible at the one entry point.
        if (doc.text.empty() && !doc.needs_ocr) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        // The text a file yields can outgrow the file (Windows-1252 quotes take 3 bytes in UTF-8)
        // and a PDF's or EPUB's is only known now.
        if (doc.text.size() > kMaxDocumentTextBytes) throw text_too_large_error(path, doc.text.size());
        doc.id = id.empty() ? sha256_file_hex(path) : id;
        return doc;
    }
    throw ImportError(ImportErrorKind::Unsupported, "unsupported file type (expected PDF, EPUB, text, Markdown or HTML)");
}

}  // namespace gleaner
