#pragma once
// Tesseract's TSV output (`tesseract IMAGE stdout tsv`) -> OCR words on a PDF page.
//
// The TSV has one row per layout element: level (1 page, 2 block, 3 paragraph, 4 line, 5 word),
// page/block/paragraph/line/word numbers, the box in image pixels (left, top, width, height),
// the confidence (-1 for non-word rows) and the word's text. The rows come from another program
// reading an untrusted image, so every row is validated: a malformed row, a number out of range
// or a box with a negative size is dropped; a box reaching outside the image is clipped to it.
#include <string_view>
#include <vector>

#include "ocr_layer.h"

namespace gleaner {

// How the rendered image maps onto the PDF page.
struct OcrImageFrame {
    int page = 0;                 // the page index the words get
    int image_width = 0, image_height = 0;   // pixels
    double page_width = 0, page_height = 0;  // points
};

struct TsvParseResult {
    std::vector<OcrWord> words;  // in tesseract's reading order
    size_t rejected_rows = 0;    // malformed rows and boxes that could not be used
};

// Words with confidence below this are noise (specks, the edges of an illustration).
inline constexpr double kMinWordConfidence = 10;

TsvParseResult parse_tesseract_tsv(std::string_view tsv, const OcrImageFrame& frame);

}  // namespace gleaner
