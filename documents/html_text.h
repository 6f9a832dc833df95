#pragma once
// (X)HTML DOM -> canonical text blocks. Shared by the EPUB and HTML importers.
//
// Follows the CSS notion of blocks: block elements (p, div, h1-h6, li, ...) become blocks of the
// canonical text, inline elements are concatenated exactly as written, so a drop cap
// (<span class="dropcap">T</span>he) or inline markup (<i>wor</i>d) never gains a stray space.
// Whitespace collapses as a browser would; <pre> keeps its lines. Scripts, styles, ruby
// annotations and EPUB print-page markers (epub:type="pagebreak") are left out. Text direction
// is untouched: the canonical text is in logical order, RTL included.
#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "document_builder.h"

namespace gleaner {

struct HtmlHeading {
    std::string title;
    int level = 1;
    size_t offset = 0;
};

class HtmlTextExtractor {
public:
    explicit HtmlTextExtractor(DocumentBuilder& builder) : builder_(builder) {}

    // Appends the text under `root` (normally the <html> element; only <body> is read when
    // present). May be called once per spine document; ids accumulate.
    void extract(xmlNode* root);

    // Element id -> offset of its first text in the canonical text (for TOC fragments).
    const std::unordered_map<std::string, size_t>& id_offsets() const { return ids_; }
    const std::vector<HtmlHeading>& headings() const { return headings_; }

private:
    void walk(xmlNode* node, int depth);
    void text(const xmlChar* content);
    void open_block(BlockKind kind, int level);
    void close_block();
    void emit(std::string_view s);

    DocumentBuilder& builder_;
    std::unordered_map<std::string, size_t> ids_;
    std::vector<std::string> pending_ids_;  // ids waiting for the next text to land
    std::vector<HtmlHeading> headings_;
    bool pending_space_ = false;
    int pre_depth_ = 0;
    int heading_level_ = 0;
    size_t heading_start_ = 0;
};

struct XmlDocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

// Parsers with the safe settings every untrusted file gets: no network (XML_PARSE_NONET), no
// external DTD or entity loading (no XML_PARSE_DTDLOAD/NOENT, so entities are never
// substituted), libxml2's default depth and amplification limits (no XML_PARSE_HUGE), and no
// error output on stderr. nullptr when the input is not well-formed XML / not parseable HTML.
// When one of those limits stopped the parser, `limit_hit` (if given) receives the reason
// ("nesting deeper than 256 levels"); it is left alone otherwise. The HTML parser is given the
// markup without a DOCTYPE internal subset, which it would read as text (doctype_subset.h).
XmlDocPtr parse_xml_safely(std::string_view data, bool recover = false, std::string* limit_hit = nullptr);
XmlDocPtr parse_html_safely(std::string_view data, const char* encoding = nullptr, std::string* limit_hit = nullptr);

// Local element name, lowercased ("h1", "p"); empty for non-elements.
std::string html_element_name(const xmlNode* node);
// Attribute by local name, whatever its namespace ("type" finds epub:type). Empty if absent.
std::string html_attribute(const xmlNode* node, const char* local_name);
bool html_has_attribute(const xmlNode* node, const char* local_name);
// All text under a node, whitespace collapsed.
std::string html_node_text(const xmlNode* node);

}  // namespace gleaner
