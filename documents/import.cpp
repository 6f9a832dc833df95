#include "import.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "text_util.h"

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
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) throw ImportError(ImportErrorKind::NotFound, "file not found");
        throw ImportError(ImportErrorKind::Unreadable, std::string("cannot read file: ") + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) throw ImportError(ImportErrorKind::Unreadable, "is a directory, not a file");
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw ImportError(ImportErrorKind::Unreadable, std::string("cannot open file: ") + std::strerror(errno));
    std::string head(4096, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), f.get()));
    return head;
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
