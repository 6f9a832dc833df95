// HTML importer: libxml2's HTML parser (tag soup tolerant, no network) + HtmlTextExtractor.
// Damaged UTF-8 is repaired rather than read as Latin-1 (markup_encoding.h); a parse cut short
// by libxml2's depth or entity limits says so.
// The TOC comes from the h1-h4 headings; metadata from <title>, <meta name="author"> and
// <html lang>.
#include <libxml/HTMLparser.h>

#include "document_builder.h"
#include "html_text.h"
#include "importer.h"
#include "markup_encoding.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

template <typename Pred>
xmlNode* find_first(xmlNode* node, Pred pred, int depth = 0) {
    for (xmlNode* n = node; n && depth < 200; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (pred(n)) return n;
        if (xmlNode* f = find_first(n->children, pred, depth + 1)) return f;
    }
    return nullptr;
}

class HtmlImporter final : public Importer {
public:
    std::string_view format() const override { return "html"; }
    bool reads_whole_file_as_text() const override { return true; }

    bool can_import(const std::string& path, std::string_view head) const override {
        if (ends_with_ci(path, ".html") || ends_with_ci(path, ".htm") || ends_with_ci(path, ".xhtml")) return true;
        // A text file whose first markup is an HTML document.
        std::string_view h = trim(head.substr(0, 1024));
        if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
        if (starts_with_ci(h, "<?xml")) {
            const size_t end = h.find("?>");
            h = end == std::string_view::npos ? std::string_view() : trim(h.substr(end + 2));
        }
        return starts_with_ci(h, "<!doctype html") || starts_with_ci(h, "<html");
    }

    Document import(const std::string& path, const ImportOptions& options) const override {
        const std::string bytes = read_file_bytes(path, options.max_file_bytes);
        Document doc;
        doc.format = "html";
        doc.source_path = path;
        const MarkupBytes markup = choose_markup_encoding(bytes);
        if (!markup.warning.empty()) doc.warnings.push_back(markup.warning);
        std::string limit;
        XmlDocPtr html = parse_html_safely(markup.bytes(), markup.encoding, &limit);
        if (!html || !xmlDocGetRootElement(html.get())) {
            if (!limit.empty()) throw ImportError(ImportErrorKind::TooLarge, "the HTML cannot be read: " + limit);
            throw ImportError(ImportErrorKind::Damaged, "damaged HTML (cannot be parsed)");
        }
        xmlNode* root = xmlDocGetRootElement(html.get());
        if (xmlNode* t = find_first(root, [](xmlNode* n) { return html_element_name(n) == "title"; }))
            doc.metadata.title = html_node_text(t);
        if (xmlNode* m = find_first(root, [](xmlNode* n) {
                return html_element_name(n) == "meta" && to_lower_ascii(html_attribute(n, "name")) == "author";
            }))
            doc.metadata.author = collapse_whitespace(html_attribute(m, "content"));
        doc.metadata.language = html_attribute(root, "lang");
        doc.metadata.right_to_left = to_lower_ascii(html_attribute(root, "dir")) == "rtl";

        DocumentBuilder builder(doc);
        HtmlTextExtractor extractor(builder);
        extractor.extract(root);
        // libxml2 keeps what it read before a limit stopped it; say that the rest is missing.
        if (!limit.empty()) {
            if (doc.text.empty()) throw ImportError(ImportErrorKind::TooLarge, "the HTML cannot be read: " + limit);
            doc.warnings.push_back("the text is cut short where the HTML hit a parser limit: " + limit);
        }
        if (doc.text.empty()) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        for (const HtmlHeading& h : extractor.headings())
            if (h.level <= 4) doc.toc.push_back(TocEntry{h.title, h.level, -1, h.offset});
        if (doc.metadata.title.empty() && !extractor.headings().empty()) doc.metadata.title = extractor.headings().front().title;
        doc.sections.push_back(Section{doc.metadata.title, {}, TextRange{0, doc.text.size()}});
        return doc;
    }
};

}  // namespace

std::unique_ptr<Importer> make_html_importer() { return std::make_unique<HtmlImporter>(); }

}  // namespace gleaner
