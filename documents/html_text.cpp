#include "html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <algorithm>
#include <climits>
#include <array>
#include <string_view>

#include "doctype_subset.h"
#include "text_util.h"
#include "xml_limit_watch.h"

namespace gleaner {
namespace {

// libxml2 itself stops at 256 levels without XML_PARSE_HUGE; this guards the recursion anyway.
constexpr int kMaxDepth = 400;

bool in_list(std::string_view name, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

bool is_block_element(std::string_view n) {
    return in_list(n, {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
                       "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                       "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
                       "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr",
                       "ul", "legend", "option", "title"});
}

bool is_skipped_element(std::string_view n) {
    return in_list(n, {"head", "script", "style", "template", "noscript", "rt", "rp", "svg", "object", "iframe",
                       "audio", "video", "canvas", "button", "select", "textarea", "input", "map", "annotation"});
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

namespace {

void note_limit(const XmlLimitWatch& watch, std::string* limit_hit) {
    if (limit_hit && !watch.reason().empty()) *limit_hit = watch.reason();
}

}  // namespace

XmlDocPtr parse_xml_safely(std::string_view data, bool recover, std::string* limit_hit) {
    if (data.size() > INT_MAX) return nullptr;
    xmlInitParser();
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    if (recover) opts |= XML_PARSE_RECOVER;
    const XmlLimitWatch watch;
    XmlDocPtr doc(xmlReadMemory(data.data(), static_cast<int>(data.size()), nullptr, nullptr, opts));
    note_limit(watch, limit_hit);
    return doc;
}

XmlDocPtr parse_html_safely(std::string_view data, const char* encoding, std::string* limit_hit) {
    const std::string markup = without_doctype_subset(data);
    if (markup.size() > INT_MAX) return nullptr;
    xmlInitParser();
    const int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER;
    const XmlLimitWatch watch;
    XmlDocPtr doc(htmlReadMemory(markup.data(), static_cast<int>(markup.size()), nullptr, encoding, opts));
    note_limit(watch, limit_hit);
    return doc;
}

std::string html_element_name(const xmlNode* node) {
    if (!node || node->type != XML_ELEMENT_NODE || !node->name) return {};
    return to_lower_ascii(reinterpret_cast<const char*>(node->name));
}

std::string html_attribute(const xmlNode* node, const char* local_name) {
    if (!node || node->type != XML_ELEMENT_NODE) return {};
    for (const xmlAttr* a = node->properties; a; a = a->next) {
        if (!a->name || to_lower_ascii(reinterpret_cast<const char*>(a->name)) != local_name) continue;
        xmlChar* v = xmlNodeGetContent(reinterpret_cast<const xmlNode*>(a));
        std::string value = v ? reinterpret_cast<const char*>(v) : "";
        xmlFree(v);
        return value;
    }
    return {};
}

bool html_has_attribute(const xmlNode* node, const char* local_name) {
    if (!node || node->type != XML_ELEMENT_NODE) return false;
    for (const xmlAttr* a = node->properties; a; a = a->next)
        if (a->name && to_lower_ascii(reinterpret_cast<const char*>(a->name)) == local_name) return true;
    return false;
}

std::string html_node_text(const xmlNode* node) {
    xmlChar* v = xmlNodeGetContent(node);
    std::string s = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return collapse_whitespace(s);
}

void HtmlTextExtractor::extract(xmlNode* root) {
    if (!root) return;
    // Read <body> when there is one, so <title> and <head> never enter the text.
    xmlNode* body = nullptr;
    for (xmlNode* n = root->type == XML_ELEMENT_NODE ? root->children : nullptr; n; n = n->next)
        if (html_element_name(n) == "body") body = n;
    walk(body ? body : root, 0);
    close_block();
    // Ids with no text after them point at the end.
    for (const std::string& id : pending_ids_) ids_.emplace(id, builder_.size());
    pending_ids_.clear();
}

void HtmlTextExtractor::close_block() {
    const TextRange r = builder_.end_block();
    if (heading_level_ > 0 && !r.empty())
        headings_.push_back(HtmlHeading{std::string(builder_.doc().slice(r)), heading_level_, r.begin});
    heading_level_ = 0;
    pending_space_ = false;
}

void HtmlTextExtractor::open_block(BlockKind kind, int level) {
    close_block();
    builder_.begin_block(kind, level);
    if (kind == BlockKind::Heading) heading_level_ = level;
}

void HtmlTextExtractor::emit(std::string_view s) {
    if (s.empty()) return;
    if (!builder_.block_open()) builder_.begin_block(BlockKind::Paragraph);
    if (pending_space_ && builder_.block_has_text()) {
        const char last = builder_.doc().text.back();
        if (last != ' ' && last != '\n') builder_.append(" ");
    }
    pending_space_ = false;
    for (const std::string& id : pending_ids_) ids_.emplace(id, builder_.next_offset());
    pending_ids_.clear();
    builder_.append(s);
}

void HtmlTextExtractor::text(const xmlChar* content) {
    if (!content) return;
    std::string_view s(reinterpret_cast<const char*>(content));
    std::string cleaned;
    if (!is_valid_utf8(s)) {
        cleaned = to_clean_utf8(s);
        s = cleaned;
    }
    if (pre_depth_ > 0) {
        // Keep lines, but no blank line inside a block (the canonical text's block separator).
        std::string out;
        for (char c : s) {
            if (c == '\r') continue;
            if (c == '\n' && (out.empty() ? (builder_.block_has_text() && builder_.doc().text.back() == '\n') : out.back() == '\n'))
                continue;
            out += c;
        }
        if (!builder_.block_has_text()) out.erase(0, out.find_first_not_of('\n'));
        if (!out.empty()) {
            pending_space_ = false;
            emit(out);
        }
        return;
    }
    size_t i = 0;
    while (i < s.size()) {
        if (is_ascii_space(s[i])) {
            pending_space_ = true;
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && !is_ascii_space(s[j])) ++j;
        emit(s.substr(i, j - i));
        i = j;
    }
}

void HtmlTextExtractor::walk(xmlNode* node, int depth) {
    if (depth > kMaxDepth) return;
    for (xmlNode* n = node->type == XML_ELEMENT_NODE || node->type == XML_DOCUMENT_NODE ||
                              node->type == XML_HTML_DOCUMENT_NODE
                          ? node->children
                          : nullptr;
         n; n = n->next) {
        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            text(n->content);
            continue;
        case XML_ELEMENT_NODE:
            break;
        default:
            // Comments, processing instructions; entity references are never expanded (no
            // XML_PARSE_NOENT), so a declared entity contributes nothing.
            continue;
        }
        const std::string name = html_element_name(n);
        std::string id = html_attribute(n, "id");
        if (id.empty() && name == "a") id = html_attribute(n, "name");
        if (!id.empty()) pending_ids_.push_back(id);

        if (is_skipped_element(name) || html_has_attribute(n, "hidden")) continue;
        // Print page numbers (EPUB 3 epub:type="pagebreak", DPUB-ARIA role="doc-pagebreak").
        if (html_attribute(n, "type").find("pagebreak") != std::string::npos ||
            html_attribute(n, "role") == "doc-pagebreak")
            continue;

        if (name == "br") {
            if (builder_.block_has_text()) builder_.append("\n");
            pending_space_ = false;
            continue;
        }
        if (name == "img") {
            // A drop cap drawn as an image reads as its alt text, glued to the word it starts.
            const std::string alt(trim(html_attribute(n, "alt")));
            if (!alt.empty() && utf8_length(alt) <= 2) emit(alt);
            continue;
        }
        if (name == "td" || name == "th") {
            if (builder_.block_has_text()) pending_space_ = true;
            walk(n, depth + 1);
            pending_space_ = true;
            continue;
        }
        if (is_block_element(name)) {
            if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
                open_block(BlockKind::Heading, name[1] - '0');
                walk(n, depth + 1);
                close_block();
            } else if (name == "pre") {
                open_block(BlockKind::Preformatted, 0);
                ++pre_depth_;
                walk(n, depth + 1);
                --pre_depth_;
                close_block();
            } else if (heading_level_ > 0) {
                walk(n, depth + 1);  // a <div> inside a heading stays part of it
            } else {
                close_block();
                walk(n, depth + 1);
                close_block();
            }
            continue;
        }
        walk(n, depth + 1);
    }
}

}  // namespace gleaner
