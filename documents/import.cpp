#include "import.h"

#include <memory>

#include "regular_file.h"

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

std::string read_file_head(const std::string& path) {
    return RegularFile(path).read(4096);
}

Document import_document(const std::string& path, const ImportOptions& options) {
    const std::string head = read_file_head(path);
    if (head.empty()) throw ImportError(ImportErrorKind::Empty, "the file is empty");
    for (const auto& importer : make_all_importers()) {
        if (!importer->can_import(path, head)) continue;
        Document doc = importer->import(path, options);
        // Importers promise this; keep the promise visible at the one entry point.
        if (doc.text.empty()) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        return doc;
    }
    throw ImportError(ImportErrorKind::Unsupported, "unsupported file type (expected PDF, EPUB, text, Markdown or HTML)");
}

}  // namespace gleaner
