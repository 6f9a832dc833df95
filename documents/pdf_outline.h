#pragma once
// The PDF outline (bookmarks) with each entry's target page.
//
// poppler-cpp's toc_item has titles only, no destinations, so when poppler's core headers are
// installed (Debian: libpoppler-private-dev) the outline is read through the core API
// (Outline/LinkGoTo/Catalog::findDest); without them the titles come from poppler-cpp and every
// page is -1. The core API is not stable across poppler releases, hence the optional build.
#include <string>
#include <vector>

namespace gleaner {

struct PdfOutlineItem {
    std::string title;
    int level = 1;       // 1 = top level
    int page = -1;       // 0-based, -1 when the entry has no usable destination
    double top = -1;     // target y from the page top (points, y down), or -1 when not given
};

struct PdfOutline {
    std::vector<PdfOutlineItem> items;  // in document (depth-first) order
    bool has_pages = false;             // false when built without poppler's core API
};

// Must be called while a poppler::document for the same file is alive (it keeps poppler's
// global state initialised). Never throws; a broken outline yields fewer items.
PdfOutline read_pdf_outline(const std::string& path, const std::string& password);

}  // namespace gleaner
