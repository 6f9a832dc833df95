#pragma once
// Whether a PDF page without extractable text shows anything at all.
//
// "No text" has two different causes a user acts on differently: a scan (the pages are images;
// OCR would help) and a blank document (nothing to read). poppler-cpp does not list a page's
// image XObjects, so the page is rendered at a very low resolution instead and any pixel that is
// not white counts as ink: a scan, a drawing or an image. Cheap (a few dozen pixels a side).
namespace poppler {
class page;
}

namespace gleaner {

enum class PageInk {
    Blank,    // renders entirely white
    Marked,   // something is drawn: an image, a scan, vector graphics
    Unknown,  // poppler was built without a renderer, or rendering failed
};

PageInk page_ink(const poppler::page& page);

}  // namespace gleaner
