// gleaner-cli ocr FILE: recognises the text of a scanned PDF's pages with tesseract and stores it
// under the document's id (ocr_layer_root()), where `ask`, `read`, `text` and the desktop program
// find it. Progress on stderr; Ctrl+C stops (nothing is stored then).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/method_args.h"
#include "import.h"
#include "model_paths.h"
#include "ocr_layer.h"
#include "pdf_ocr.h"

namespace gleaner::cli {

namespace {
std::atomic<bool> g_stop{false};
void on_stop(int) { g_stop = true; }
}  // namespace

int cmd_ocr(const CommandArgs& argv) {
    Args args(argv, {"password", "language"}, {"force", "quiet"});
    if (args.positionals().size() != 1) throw UsageError("expected one FILE");
    const std::string path = args.positionals()[0];
    const Document doc = load_document(path, args, true);
    if (doc.format != "pdf") throw std::runtime_error(path + ": OCR reads the scanned pages of PDFs; this is " + doc.format);
    const std::string layer_path = ocr_layer_path(ocr_layer_root(), doc.id);
    if (!doc.needs_ocr && std::filesystem::exists(layer_path) && !args.flag("force")) {
        std::printf("%s: already recognised (%s); --force reads it again\n", path.c_str(), layer_path.c_str());
        return 0;
    }
    std::signal(SIGINT, on_stop);
    std::signal(SIGTERM, on_stop);
    OcrOptions options;
    options.password = args.get_or("password", "");
    options.language = args.get_or("language", "eng");
    options.cancel = &g_stop;
    const bool quiet = args.flag("quiet");
    options.progress = [quiet](int page, int total) {
        if (!quiet) std::fprintf(stderr, "OCR page %d of %d\n", page, total);
    };
    OcrLayer layer;
    try {
        layer = ocr_pdf(path, options);
    } catch (const OcrCancelled&) {
        std::fprintf(stderr, "gleaner-cli ocr: stopped; nothing was stored\n");
        return 130;
    } catch (const OcrError& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    if (layer.pages_done.empty()) {
        std::printf("%s: every page has a text layer; nothing to recognise\n", path.c_str());
        return 0;
    }
    save_ocr_layer(layer, layer_path);
    const Document recognised = load_document(path, args, true);
    std::printf("%s: recognised %zu words on %zu scanned pages (%zu characters of text); stored in %s\n", path.c_str(),
                layer.words.size(), layer.pages_done.size(), recognised.text.size(), layer_path.c_str());
    if (recognised.needs_ocr) {
        std::fprintf(stderr, "gleaner-cli ocr: %s: no words were found on its pages\n", path.c_str());
        return 1;
    }
    return 0;
}

}  // namespace gleaner::cli
