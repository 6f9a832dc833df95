#include "pdf_outline.h"

#include <memory>
#include <optional>

#include "text_util.h"

#ifdef GLEANER_HAVE_POPPLER_CORE
#include <Catalog.h>
#include <goo/GooString.h>
#include <Link.h>
#include <Outline.h>
#include <PDFDoc.h>
#include <Page.h>
#else
#include <poppler-document.h>
#include <poppler-toc.h>
#endif

namespace gleaner {
namespace {

// Hostile files can nest or chain outlines without end; real books have a few hundred entries.
constexpr int kMaxDepth = 16;
constexpr size_t kMaxItems = 20000;

}  // namespace

#ifdef GLEANER_HAVE_POPPLER_CORE

namespace {

struct OutlineReader {
    PDFDoc& doc;
    PdfOutline out;

    void resolve(const LinkAction* action, PdfOutlineItem& item) {
        if (!action || action->getKind() != actionGoTo) return;
        const auto* go = static_cast<const LinkGoTo*>(action);
        std::unique_ptr<LinkDest> named;
        const LinkDest* dest = go->getDest();
        if (!dest && go->getNamedDest()) {
            named = doc.findDest(go->getNamedDest());
            dest = named.get();
        }
        if (!dest || !dest->isOk()) return;
        const int page_num = dest->isPageRef() ? doc.findPage(dest->getPageRef()) : dest->getPageNum();
        if (page_num < 1 || page_num > doc.getNumPages()) return;
        item.page = page_num - 1;
        const LinkDestKind kind = dest->getKind();
        const bool has_top = (kind == destXYZ && dest->getChangeTop()) || kind == destFitH || kind == destFitBH ||
                             kind == destFitR;
        // Only unrotated pages: the destination is in PDF user space (y up from the bottom).
        if (has_top && doc.getPageRotate(page_num) == 0) {
            Page* page = doc.getPage(page_num);
            if (page && page->getCropBox()) {
                const double top = page->getCropBox()->y2 - dest->getTop();
                if (top >= 0 && top <= page->getCropBox()->y2 - page->getCropBox()->y1) item.top = top;
            }
        }
    }

    void walk(const std::vector<OutlineItem*>* items, int level) {
        if (!items || level > kMaxDepth) return;
        for (OutlineItem* it : *items) {
            if (out.items.size() >= kMaxItems) return;
            PdfOutlineItem item;
            item.level = level;
            for (int i = 0; i < it->getTitleLength(); ++i) append_utf8(item.title, it->getTitle()[i]);
            item.title = collapse_whitespace(item.title);
            resolve(it->getAction(), item);
            out.items.push_back(std::move(item));
            it->open();
            walk(it->getKids(), level + 1);
        }
    }
};

}  // namespace

PdfOutline read_pdf_outline(const std::string& path, const std::string& password) {
    std::optional<GooString> pw;
    if (!password.empty()) pw.emplace(password);
    PDFDoc doc(std::make_unique<GooString>(path), pw, pw);
    if (!doc.isOk()) return {};
    Outline* outline = doc.getOutline();
    OutlineReader reader{doc, {}};
    reader.out.has_pages = true;
    if (outline) reader.walk(outline->getItems(), 1);
    return std::move(reader.out);
}

#else  // titles only, from poppler-cpp

namespace {
void walk(const poppler::toc_item* item, int level, PdfOutline& out) {
    if (!item || level > kMaxDepth) return;
    for (const poppler::toc_item* child : item->children()) {
        if (out.items.size() >= kMaxItems) return;
        const auto utf8 = child->title().to_utf8();
        PdfOutlineItem entry;
        entry.title = collapse_whitespace(std::string(utf8.begin(), utf8.end()));
        entry.level = level;
        out.items.push_back(std::move(entry));
        walk(child, level + 1, out);
    }
}
}  // namespace

PdfOutline read_pdf_outline(const std::string& path, const std::string& password) {
    PdfOutline out;
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path, password, password));
    if (!doc || doc->is_locked()) return out;
    std::unique_ptr<poppler::toc> toc(doc->create_toc());
    if (toc) walk(toc->root(), 1, out);
    return out;
}

#endif

}  // namespace gleaner
