#include "pdf_ink.h"

#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

namespace gleaner {
namespace {

// 12 dpi: a Letter page is about 100 x 130 pixels, enough to see any scanned text block.
constexpr double kDpi = 12;
// Anti-aliasing can leave near-white pixels around faint marks; only darker ones count.
constexpr unsigned char kWhiteEnough = 250;

}  // namespace

PageInk page_ink(const poppler::page& page) {
    if (!poppler::page_renderer::can_render()) return PageInk::Unknown;
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_gray8);
    renderer.set_paper_color(0xFFFFFFFF);
    const poppler::image image = renderer.render_page(&page, kDpi, kDpi);
    if (!image.is_valid() || image.format() != poppler::image::format_gray8) return PageInk::Unknown;
    const char* data = image.const_data();
    for (int y = 0; y < image.height(); ++y) {
        const auto* row = reinterpret_cast<const unsigned char*>(data + static_cast<long>(y) * image.bytes_per_row());
        for (int x = 0; x < image.width(); ++x)
            if (row[x] < kWhiteEnough) return PageInk::Marked;
    }
    return PageInk::Blank;
}

}  // namespace gleaner
