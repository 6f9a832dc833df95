#pragma once
// A text layer recognised by OCR for a scanned PDF: words with their boxes on the page, in PDF
// points with the origin at the page's top-left corner (poppler's text coordinates), so that the
// PDF importer lays them out exactly as it lays out a text PDF's words (pdf_importer.cpp).
//
// It is stored as a sidecar file beside the library, keyed by the document's id (the file's
// SHA-256), not inside the PDF or the library database: the user's file is never rewritten, the
// layer follows the book's identity wherever the file moves, and OCR (minutes for a book) runs
// once. The file is plain UTF-8 lines and is read back as untrusted input (bounded, validated).
#include <cstddef>
#include <string>
#include <vector>

namespace gleaner {

struct OcrWord {
    int page = 0;                           // 0-based page index
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // PDF points, y grows downwards
    double font_size = 0;                   // the printed line's height in points
    std::string text;                       // UTF-8, no blanks
};

struct OcrLayer {
    int page_count = 0;           // pages of the PDF when it was recognised
    std::vector<int> pages_done;  // the pages OCR read (pages with their own text are not)
    std::vector<OcrWord> words;   // in reading order per page
    bool empty() const { return words.empty(); }
};

// Caps on what a layer file may hold.
inline constexpr size_t kMaxOcrLayerBytes = size_t{64} << 20;
inline constexpr size_t kMaxOcrWordBytes = 256;

// <root>/<id>.ocr, or empty when either is empty or the id is not a lowercase hex digest (an id
// never names a path outside the root).
std::string ocr_layer_path(const std::string& root, const std::string& document_id);

// Writes the layer atomically (a temporary file renamed over the old one), creating the folder.
// Throws std::runtime_error with a one-line reason.
void save_ocr_layer(const OcrLayer& layer, const std::string& path);

// Reads a layer written by save_ocr_layer. Returns false with `error` set when the file is
// missing, too large or malformed (then nothing of it is used).
bool load_ocr_layer(const std::string& path, OcrLayer& layer, std::string& error);

}  // namespace gleaner
