#pragma once
// The importer interface: one implementation per file format, each turning a file into the one
// Document model (like Okular's generators). import_document() in import.h picks the importer.
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "document.h"

namespace gleaner {

struct ImportOptions {
    std::string password;  // PDF user (or owner) password; empty when none was given
    // Inputs larger than this are refused before parsing (a 2 GB "book" is not a book).
    size_t max_file_bytes = size_t{1} << 30;
    // EPUB: cap on the sum of uncompressed entry sizes actually read (zip-bomb guard).
    size_t max_uncompressed_bytes = size_t{512} << 20;
    // PDF: reorder each page's text blocks into reading order (columns); off keeps poppler's.
    bool pdf_reading_order = true;
    // PDF: join a word broken by a line-end hyphen ("Maece-" / "nas" -> "Maecenas").
    bool pdf_join_hyphenation = true;
    // PDF: the folder of OCR text layers (ocr_layer.h), looked up by the document's id; empty:
    // none. import_document() turns it into `ocr_layer_file` for the PDF importer.
    std::string ocr_layer_dir;
    // PDF: the OCR text layer for this file; its words fill pages that have no text layer.
    std::string ocr_layer_file;
};

// Why an import failed. Each has a fixed one-line reason the UI can show as is.
enum class ImportErrorKind {
    NotFound,          // the path does not exist
    Unreadable,        // exists but cannot be read (permissions, a directory, I/O error)
    Unsupported,       // not a format any importer handles
    TooLarge,          // over a size cap (file, archive entry, total uncompressed size)
    PasswordRequired,  // encrypted PDF and no password given
    WrongPassword,     // encrypted PDF and the password given does not open it
    NoTextLayer,       // a PDF with pages but no extractable text (a scan)
    Damaged,           // broken or truncated file
    Empty,             // the file parsed but holds no text at all
};

class ImportError : public std::runtime_error {
public:
    ImportError(ImportErrorKind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    ImportErrorKind kind() const { return kind_; }

private:
    ImportErrorKind kind_;
};

class Importer {
public:
    virtual ~Importer() = default;
    // Short format name, also stored in Document::format ("pdf", "epub", ...).
    virtual std::string_view format() const = 0;
    // True when this importer recognises the file. `first_bytes` is the start of the file
    // (up to 4 KiB; shorter for small files). Content wins over the extension where the format
    // has a signature (PDF, EPUB); text formats go by extension.
    virtual bool can_import(const std::string& path, std::string_view first_bytes) const = 0;
    // True when import() reads the whole file into memory as text (plain text, Markdown, HTML),
    // whose text is about as long as the file: import_document() then refuses a file over the
    // text limit (document_limits.h) by its size, before reading it.
    virtual bool reads_whole_file_as_text() const { return false; }
    // Throws ImportError; never returns a Document without text, except a scanned PDF not yet
    // recognised by OCR (Document::needs_ocr): its pages without text.
    virtual Document import(const std::string& path, const ImportOptions& options) const = 0;
};

std::unique_ptr<Importer> make_text_importer();
std::unique_ptr<Importer> make_pdf_importer();
std::unique_ptr<Importer> make_epub_importer();
std::unique_ptr<Importer> make_markdown_importer();
std::unique_ptr<Importer> make_html_importer();

}  // namespace gleaner
