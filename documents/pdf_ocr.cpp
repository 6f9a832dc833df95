#include "pdf_ocr.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "bounded_process.h"
#include "regular_file.h"
#include "tesseract_tsv.h"

namespace gleaner {
namespace {

// An image side and area tesseract handles in seconds and that fits in memory (gray, 1 byte a pixel).
constexpr double kMaxSidePixels = 10000;
constexpr double kMaxPixels = 60e6;
constexpr size_t kMaxTsvBytes = size_t{16} << 20;

void silence_poppler(const std::string&, void*) {}

// A folder only this user can read (mkdtemp makes it 0700), removed with everything in it.
class PrivateTempDir {
public:
    PrivateTempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/gleaner-ocr-XXXXXX";
        if (!::mkdtemp(pattern.data())) throw OcrError("cannot create a temporary folder for OCR in " + pattern);
        path_ = pattern;
    }
    ~PrivateTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    PrivateTempDir(const PrivateTempDir&) = delete;
    PrivateTempDir& operator=(const PrivateTempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct PageSize {
    double width = 0, height = 0;  // points, as displayed
};

PageSize displayed_size(const poppler::page& page) {
    const poppler::rectf r = page.page_rect();
    const auto o = page.orientation();
    const bool swap = o == poppler::page::landscape || o == poppler::page::seascape;
    return swap ? PageSize{r.height(), r.width()} : PageSize{r.width(), r.height()};
}

bool has_text_layer(poppler::page& page) {
    for (const poppler::text_box& tb : page.text_list()) {
        const poppler::byte_array utf8 = tb.text().to_utf8();
        if (std::any_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) > 0x20; })) return true;
    }
    return false;
}

// The resolution to render at: `dpi`, lowered for a huge page so the image stays bounded.
double bounded_dpi(const PageSize& size, double dpi) {
    const double side = std::max(size.width, size.height) / 72.0;
    const double area = size.width * size.height / (72.0 * 72.0);
    if (side * dpi > kMaxSidePixels) dpi = kMaxSidePixels / side;
    if (area * dpi * dpi > kMaxPixels) dpi = std::sqrt(kMaxPixels / area);
    return std::max(dpi, 1.0);
}

// Binary PGM (P5): the simplest format tesseract (leptonica) reads, nothing to link.
void write_pgm(const poppler::image& image, const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "P5\n" << image.width() << ' ' << image.height() << "\n255\n";
    const char* data = image.const_data();
    for (int y = 0; y < image.height(); ++y) out.write(data + static_cast<long>(y) * image.bytes_per_row(), image.width());
    out.flush();
    if (!out) throw OcrError("cannot write the page image to " + path + " (disk full?)");
}

std::string first_line(const std::string& s) {
    std::string line = s.substr(0, s.find('\n'));
    if (line.size() > 200) line.resize(200);
    return line;
}

std::string tesseract_failure(const ProcessResult& r, int page, const std::string& language, std::chrono::milliseconds timeout) {
    const std::string where = "OCR of page " + std::to_string(page + 1) + " failed: ";
    using O = ProcessResult::Outcome;
    switch (r.outcome) {
        case O::TimedOut: return where + "tesseract took longer than " + std::to_string(timeout.count() / 1000) + " s";
        case O::OutputTooLarge: return where + "tesseract's output was too large";
        case O::StartFailed: return where + "tesseract could not be started (" + r.start_error + ")";
        case O::Signalled: return where + "tesseract crashed";
        default: break;
    }
    if (r.err.find("Failed loading language") != std::string::npos)
        return where + "tesseract has no data for language '" + language + "' (install tesseract-ocr-" + language + ")";
    return where + "tesseract exited with " + std::to_string(r.exit_code) + (r.err.empty() ? "" : ": " + first_line(r.err));
}

}  // namespace

std::string tesseract_missing_message() {
    return "OCR needs the tesseract program, which is not installed: install it with "
           "'sudo apt install tesseract-ocr tesseract-ocr-eng' (or run installer/setup.sh)";
}

OcrLayer ocr_pdf(const std::string& pdf_path, const OcrOptions& options) {
    const bool plain_language = !options.language.empty() && options.language.size() <= 64 &&
                                std::all_of(options.language.begin(), options.language.end(), [](char c) {
                                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '+';
                                });
    if (!plain_language) throw OcrError("not an OCR language name: '" + options.language.substr(0, 64) + "'");
    const char* env_path = std::getenv("PATH");
    const std::string tesseract = find_program("tesseract", options.path_env.empty() ? (env_path ? env_path : "") : options.path_env);
    if (tesseract.empty()) throw OcrError(tesseract_missing_message());
    try {
        require_regular_file(pdf_path);
    } catch (const std::exception& e) {
        throw OcrError(e.what());
    }
    poppler::set_debug_error_function(&silence_poppler, nullptr);
    std::unique_ptr<poppler::document> pdf(poppler::document::load_from_file(pdf_path, options.password, options.password));
    if (!pdf) throw OcrError("the PDF cannot be opened (damaged or not a PDF)");
    if (pdf->is_locked()) throw OcrError("the PDF is encrypted and the password is missing or wrong");
    if (!poppler::page_renderer::can_render()) throw OcrError("this poppler cannot render pages (no OCR possible)");
    const int count = pdf->pages();
    if (count <= 0) throw OcrError("the PDF has no pages");

    OcrLayer layer;
    layer.page_count = count;
    std::vector<int> todo;
    for (int i = 0; i < count; ++i) {
        std::unique_ptr<poppler::page> page(pdf->create_page(i));
        if (page && !has_text_layer(*page)) todo.push_back(i);
    }
    if (static_cast<int>(todo.size()) > options.max_pages)
        throw OcrError("the PDF has " + std::to_string(todo.size()) + " scanned pages; OCR reads at most " +
                       std::to_string(options.max_pages));

    PrivateTempDir tmp;
    const std::string image_path = tmp.path() + "/page.pgm";
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_gray8);
    renderer.set_paper_color(0xFFFFFFFF);
    renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
    ProcessLimits limits;
    limits.timeout = options.page_timeout;
    limits.max_output_bytes = kMaxTsvBytes;
    limits.cancel = options.cancel;
    limits.extra_env = {"OMP_THREAD_LIMIT=1"};  // one core: the window (and other work) stays responsive
    for (size_t k = 0; k < todo.size(); ++k) {
        if (options.cancel && options.cancel->load()) throw OcrCancelled();
        if (options.progress) options.progress(static_cast<int>(k) + 1, static_cast<int>(todo.size()));
        const int index = todo[k];
        std::unique_ptr<poppler::page> page(pdf->create_page(index));
        if (!page) continue;
        const PageSize size = displayed_size(*page);
        if (!(size.width > 0) || !(size.height > 0)) continue;
        const double dpi = bounded_dpi(size, options.dpi);
        const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
        if (!image.is_valid() || image.format() != poppler::image::format_gray8 || image.width() <= 0 || image.height() <= 0)
            throw OcrError("page " + std::to_string(index + 1) + " could not be rendered for OCR");
        write_pgm(image, image_path);
        const ProcessResult r = run_bounded({tesseract, image_path, "stdout", "-l", options.language, "--dpi",
                                             std::to_string(static_cast<int>(std::lround(dpi))), "tsv"},
                                            limits);
        if (r.outcome == ProcessResult::Outcome::Cancelled) throw OcrCancelled();
        if (!r.ok()) throw OcrError(tesseract_failure(r, index, options.language, options.page_timeout));
        OcrImageFrame frame{index, image.width(), image.height(), size.width, size.height};
        TsvParseResult parsed = parse_tesseract_tsv(r.out, frame);
        for (OcrWord& w : parsed.words) layer.words.push_back(std::move(w));
        layer.pages_done.push_back(index);
    }
    return layer;
}

}  // namespace gleaner
