#pragma once
// OCR of a scanned PDF's pages with the tesseract program (Debian: tesseract-ocr,
// tesseract-ocr-eng), an optional dependency found on PATH at run time: each page without a text
// layer is rendered by poppler at ~300 dpi to a grayscale image in a private temporary folder,
// tesseract reads it and writes TSV, and the words come back in PDF points (tesseract_tsv.h) as an
// OcrLayer the PDF importer lays out like a text PDF's words.
//
// Everything is bounded: the number of pages, the image size, the time per page and the TSV's
// size. Cancellation is polled between pages and while tesseract runs.
#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "ocr_layer.h"

namespace gleaner {

class OcrError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown when the user cancelled.
class OcrCancelled : public OcrError {
public:
    OcrCancelled() : OcrError("OCR cancelled") {}
};

struct OcrOptions {
    std::string password;       // for an encrypted PDF
    std::string path_env;       // where to look for tesseract; empty: this process's $PATH
    std::string language = "eng";
    double dpi = 300;
    int max_pages = 2000;
    std::chrono::milliseconds page_timeout{std::chrono::seconds(180)};
    const std::atomic<bool>* cancel = nullptr;
    // Called before each page is recognised: (1-based position among the pages to read, their count).
    std::function<void(int, int)> progress;
};

// The message shown when tesseract is not installed.
std::string tesseract_missing_message();

// Recognises the pages of `pdf_path` that have no text layer. Throws OcrError with a one-line
// reason (tesseract missing, the PDF unreadable, tesseract failing or timing out on a page),
// OcrCancelled when cancelled. A page tesseract finds no words on stays without text.
OcrLayer ocr_pdf(const std::string& pdf_path, const OcrOptions& options);

}  // namespace gleaner
