// EPUB 2/3 importer (libzip + libxml2): META-INF/container.xml -> OPF package -> spine order;
// TOC from the EPUB 3 nav document (nested <ol>) or the EPUB 2 NCX; each spine XHTML document
// becomes one Section of the canonical text.
//
// An EPUB is an untrusted ZIP archive of untrusted XML, so:
//  - zip bombs: the uncompressed bytes actually read are capped in total
//    (ImportOptions::max_uncompressed_bytes) and per entry, and an entry whose declared size is
//    large and far out of proportion to its compressed size is refused before reading;
//  - path traversal: hrefs are resolved inside the archive only ("../../etc/passwd" and
//    absolute URLs resolve to nothing), and nothing is ever written to disk;
//  - XML external entities / billion laughs: parse_xml_safely (no network, no DTD loading, no
//    entity substitution, libxml2's amplification limits); a document cut short by such a
//    limit is reported with that reason, not as a book without text or spine;
//  - spine items that are not content documents (the OPF itself, the NCX, images) are skipped
//    with a warning instead of being read as chapters.
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "document_builder.h"
#include "epub_spine_item.h"
#include "html_text.h"
#include "importer.h"
#include "markup_encoding.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

constexpr size_t kMaxEntryBytes = size_t{128} << 20;   // no XHTML/OPF file is 128 MB
constexpr size_t kMaxEntries = 100000;
constexpr double kMaxRatio = 200;                      // deflate tops out near 1000:1 on zeros
constexpr size_t kRatioCheckFloor = size_t{8} << 20;   // small entries may compress as they like

class ZipArchive {
public:
    ZipArchive(const std::string& path, size_t budget) : budget_(budget) {
        int err = 0;
        za_ = zip_open(path.c_str(), ZIP_RDONLY, &err);
        if (!za_) {
            if (err == ZIP_ER_NOENT) throw ImportError(ImportErrorKind::NotFound, "file not found");
            if (err == ZIP_ER_OPEN || err == ZIP_ER_READ) throw ImportError(ImportErrorKind::Unreadable, "cannot read file");
            throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (not a readable ZIP archive)");
        }
        const zip_int64_t n = zip_get_num_entries(za_, 0);
        if (n < 0 || static_cast<size_t>(n) > kMaxEntries)
            throw ImportError(ImportErrorKind::TooLarge, "EPUB has too many files");
        for (zip_int64_t i = 0; i < n; ++i) {
            const char* name = zip_get_name(za_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
            if (name) lower_names_.emplace(to_lower_ascii(name), static_cast<zip_uint64_t>(i));
        }
    }
    ~ZipArchive() {
        if (za_) zip_discard(za_);
    }
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    std::optional<zip_uint64_t> locate(const std::string& name) const {
        const zip_int64_t i = zip_name_locate(za_, name.c_str(), ZIP_FL_ENC_GUESS);
        if (i >= 0) return static_cast<zip_uint64_t>(i);
        // Case mismatches between OPF and archive are a common authoring slip.
        auto it = lower_names_.find(to_lower_ascii(name));
        if (it != lower_names_.end()) return it->second;
        return std::nullopt;
    }

    bool contains(const std::string& name) const { return locate(name).has_value(); }

    // Reads an entry, enforcing the caps. Throws ImportError.
    std::string read(const std::string& name) {
        const auto index = locate(name);
        if (!index) throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (" + name + " is missing)");
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za_, *index, 0, &st) != 0)
            throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (cannot read " + name + ")");
        if ((st.valid & ZIP_STAT_SIZE) && st.size > kMaxEntryBytes)
            throw ImportError(ImportErrorKind::TooLarge, "EPUB file entry too large (" + name + ")");
        if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > kRatioCheckFloor &&
            static_cast<double>(st.size) > kMaxRatio * static_cast<double>(std::max<zip_uint64_t>(st.comp_size, 1)))
            throw ImportError(ImportErrorKind::TooLarge, "EPUB refused: suspicious compression ratio (zip bomb?)");
        std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen_index(za_, *index, 0), &zip_fclose);
        if (!f) throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (cannot open " + name + ")");
        std::string data;
        char buf[1 << 16];
        for (;;) {
            const zip_int64_t got = zip_fread(f.get(), buf, sizeof buf);
            if (got < 0) throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (cannot decompress " + name + ")");
            if (got == 0) break;
            const auto g = static_cast<size_t>(got);
            // Count real bytes, not declared sizes: a lying header cannot get past the cap.
            if (data.size() + g > kMaxEntryBytes)
                throw ImportError(ImportErrorKind::TooLarge, "EPUB file entry too large (" + name + ")");
            if (g > budget_)
                throw ImportError(ImportErrorKind::TooLarge, "EPUB refused: uncompressed content exceeds the size limit (zip bomb?)");
            budget_ -= g;
            data.append(buf, g);
        }
        return data;
    }

private:
    zip_t* za_ = nullptr;
    size_t budget_;
    std::unordered_map<std::string, zip_uint64_t> lower_names_;
};

std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            const char c = static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            if (c != '\0') out += c;
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct Href {
    std::string path;      // archive path, normalised
    std::string fragment;  // without '#'
};

// Resolves `href` against the directory `base_dir` ("OEBPS/" or "") inside the archive.
// External URLs, and paths climbing above the archive root, resolve to nothing.
std::optional<Href> resolve_href(const std::string& base_dir, std::string_view href) {
    href = trim(href);
    Href out;
    const size_t hash = href.find('#');
    if (hash != std::string_view::npos) {
        out.fragment = percent_decode(href.substr(hash + 1));
        href = href.substr(0, hash);
    }
    const size_t colon = href.find(':'), slash = href.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) return std::nullopt;  // scheme
    if (href.find('?') != std::string_view::npos) href = href.substr(0, href.find('?'));
    std::string path = percent_decode(href);
    std::replace(path.begin(), path.end(), '\\', '/');
    if (path.empty()) {
        out.path = "";  // same document
        return out;
    }
    const std::string full = path[0] == '/' ? path.substr(1) : base_dir + path;
    std::vector<std::string> parts;
    size_t pos = 0;
    while (pos <= full.size()) {
        size_t next = full.find('/', pos);
        if (next == std::string::npos) next = full.size();
        const std::string seg = full.substr(pos, next - pos);
        if (seg == "..") {
            if (parts.empty()) return std::nullopt;  // above the archive root
            parts.pop_back();
        } else if (!seg.empty() && seg != ".") {
            parts.push_back(seg);
        }
        pos = next + 1;
    }
    for (size_t i = 0; i < parts.size(); ++i) out.path += (i ? "/" : "") + parts[i];
    if (out.path.empty()) return std::nullopt;
    return out;
}

std::string dir_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::vector<xmlNode*> children_named(xmlNode* parent, std::string_view name) {
    std::vector<xmlNode*> out;
    for (xmlNode* n = parent ? parent->children : nullptr; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && html_element_name(n) == name) out.push_back(n);
    return out;
}

xmlNode* child_named(xmlNode* parent, std::string_view name) {
    auto all = children_named(parent, name);
    return all.empty() ? nullptr : all.front();
}

// Depth-first search for the first element satisfying `pred`.
template <typename Pred>
xmlNode* find_element(xmlNode* node, Pred pred, int depth = 0) {
    if (!node || depth > 200) return nullptr;
    for (xmlNode* n = node; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (pred(n)) return n;
        if (xmlNode* found = find_element(n->children, pred, depth + 1)) return found;
    }
    return nullptr;
}

struct ManifestItem {
    std::string path;
    std::string media_type;
    std::string properties;
};

struct RawTocEntry {
    std::string title;
    int level = 1;
    std::optional<Href> target;
};

class EpubImporter final : public Importer {
public:
    std::string_view format() const override { return "epub"; }

    bool can_import(const std::string& path, std::string_view head) const override {
        const bool zip = head.substr(0, 4) == std::string_view("PK\x03\x04", 4);
        if (zip && head.size() >= 58 && head.substr(30, 28) == "mimetypeapplication/epub+zip") return true;
        return ends_with_ci(path, ".epub");
    }

    Document import(const std::string& path, const ImportOptions& options) const override {
        read_file_head_checked(path, options);
        ZipArchive zip(path, options.max_uncompressed_bytes);
        Document doc;
        doc.format = "epub";
        doc.source_path = path;

        if (!zip.contains("META-INF/container.xml"))
            throw ImportError(ImportErrorKind::Damaged, "not an EPUB (META-INF/container.xml is missing)");
        check_drm(zip);
        const std::string opf_path = rootfile_path(zip.read("META-INF/container.xml"));
        std::string opf_limit;
        XmlDocPtr opf = parse_xml_safely(zip.read(opf_path), true, &opf_limit);
        // A package document stopped by a parser limit lost what follows that point; when the
        // spine is among it, that limit is the reason the book cannot be read.
        auto refuse_for_limit = [&] {
            if (!opf_limit.empty())
                throw ImportError(ImportErrorKind::TooLarge, "EPUB package document cannot be read: " + opf_limit);
        };
        if (!opf || !xmlDocGetRootElement(opf.get())) {
            refuse_for_limit();
            throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (package document is not valid XML)");
        }
        const std::string opf_dir = dir_of(opf_path);
        xmlNode* package = xmlDocGetRootElement(opf.get());

        read_metadata(child_named(package, "metadata"), doc);
        std::map<std::string, ManifestItem> manifest;
        size_t outside = 0;
        for (xmlNode* item : children_named(child_named(package, "manifest"), "item")) {
            auto href = resolve_href(opf_dir, html_attribute(item, "href"));
            if (!href || href->path.empty()) {
                ++outside;
                continue;
            }
            manifest[html_attribute(item, "id")] =
                ManifestItem{href->path, html_attribute(item, "media-type"), html_attribute(item, "properties")};
        }
        if (outside > 0)
            doc.warnings.push_back(std::to_string(outside) + " manifest entries point outside the archive and were ignored");
        xmlNode* spine = child_named(package, "spine");
        if (!spine) {
            refuse_for_limit();
            throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (package has no spine)");
        }
        if (!opf_limit.empty()) doc.warnings.push_back("the package document is cut short: " + opf_limit);
        if (html_attribute(spine, "page-progression-direction") == "rtl") doc.metadata.right_to_left = true;
        const auto ncx = find_ncx(manifest, spine);
        const std::string ncx_path = ncx == manifest.end() ? std::string() : ncx->second.path;

        // Spine documents -> sections.
        DocumentBuilder builder(doc);
        std::map<std::string, std::unordered_map<std::string, size_t>> ids_by_file;
        std::map<std::string, size_t> section_of_file;
        std::vector<HtmlHeading> headings;
        std::set<std::string> seen;
        size_t failed = 0;
        std::vector<std::string> not_content;  // "path (why)"
        std::vector<std::string> cut_short;    // "path: limit"
        for (xmlNode* ref : children_named(spine, "itemref")) {
            auto it = manifest.find(html_attribute(ref, "idref"));
            if (it == manifest.end()) continue;
            const ManifestItem& item = it->second;
            if (!seen.insert(item.path).second) continue;  // a spine listing a file twice
            if (std::string why = spine_item_problem(item.path, item.media_type, opf_path, ncx_path); !why.empty()) {
                not_content.push_back(item.path + " (" + why + ")");
                continue;
            }
            std::string bytes;
            try {
                bytes = zip.read(item.path);
            } catch (const ImportError& e) {
                if (e.kind() == ImportErrorKind::TooLarge) throw;
                ++failed;
                continue;
            }
            const MarkupBytes markup = choose_markup_encoding(bytes);
            if (!markup.warning.empty()) doc.warnings.push_back(item.path + ": " + markup.warning);
            std::string limit;
            XmlDocPtr page = parse_content_document(markup.bytes(), limit);
            if (!limit.empty()) cut_short.push_back(item.path + ": " + limit);
            if (!page || !xmlDocGetRootElement(page.get())) {
                if (limit.empty()) ++failed;
                continue;
            }
            builder.end_block();
            const size_t start = builder.next_offset();
            HtmlTextExtractor extractor(builder);
            extractor.extract(xmlDocGetRootElement(page.get()));
            builder.end_block();
            const size_t begin = std::min(start, doc.text.size());
            section_of_file[item.path] = doc.sections.size();
            doc.sections.push_back(Section{{}, item.path, TextRange{begin, doc.text.size()}});
            ids_by_file[item.path] = extractor.id_offsets();
            headings.insert(headings.end(), extractor.headings().begin(), extractor.headings().end());
        }
        if (failed > 0) doc.warnings.push_back(std::to_string(failed) + " content documents could not be read and were skipped");
        if (!not_content.empty()) doc.warnings.push_back(skipped_spine_warning(not_content));
        if (doc.text.empty()) {
            if (!cut_short.empty())
                throw ImportError(ImportErrorKind::TooLarge, "the EPUB's text cannot be read (" + cut_short.front() + ")");
            if (failed > 0) throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (no content document could be read)");
            throw ImportError(ImportErrorKind::Empty, "the EPUB contains no text");
        }
        for (const std::string& c : cut_short) doc.warnings.push_back(c + "; the text after that point is missing");

        // TOC: nav document, else NCX, else the headings.
        std::vector<RawTocEntry> raw;
        for (const auto& [id, item] : manifest)
            if (has_token(item.properties, "nav")) {
                try { raw = read_nav(zip.read(item.path), dir_of(item.path)); } catch (const ImportError&) {}
                break;
            }
        if (raw.empty()) {
            if (ncx != manifest.end()) {
                try { raw = read_ncx(zip.read(ncx->second.path), dir_of(ncx->second.path)); } catch (const ImportError&) {}
            }
        }
        // Entries resolve to an offset; a label without a link (a grouping <span>, e.g. an
        // author above their stories) takes the offset of the next entry that has one.
        std::vector<std::optional<size_t>> offsets(raw.size());
        for (size_t i = 0; i < raw.size(); ++i) {
            const RawTocEntry& e = raw[i];
            if (!e.target) continue;
            auto sec = section_of_file.find(e.target->path);
            if (sec == section_of_file.end()) continue;  // points outside the spine
            size_t offset = doc.sections[sec->second].range.begin;
            if (!e.target->fragment.empty()) {
                const auto& ids = ids_by_file[e.target->path];
                auto id = ids.find(e.target->fragment);
                if (id != ids.end()) offset = id->second;
            }
            offsets[i] = std::min(offset, doc.text.size());
            Section& s = doc.sections[sec->second];
            if (s.title.empty()) s.title = e.title;
        }
        std::optional<size_t> next;
        for (size_t i = raw.size(); i-- > 0;) {
            if (offsets[i]) next = offsets[i];
            else if (!raw[i].target) offsets[i] = next;
        }
        for (size_t i = 0; i < raw.size(); ++i)
            if (offsets[i]) doc.toc.push_back(TocEntry{raw[i].title, raw[i].level, -1, *offsets[i]});
        if (doc.toc.empty())
            for (const HtmlHeading& h : headings)
                if (h.level <= 3) doc.toc.push_back(TocEntry{h.title, h.level, -1, h.offset});
        if (!std::is_sorted(doc.toc.begin(), doc.toc.end(), [](const TocEntry& a, const TocEntry& b) { return a.offset < b.offset; }))
            doc.warnings.push_back("table of contents is not in reading order");
        return doc;
    }

private:
    using Manifest = std::map<std::string, ManifestItem>;

    // The NCX: the item the spine's toc attribute names, else one with the NCX media type.
    static Manifest::const_iterator find_ncx(const Manifest& manifest, xmlNode* spine) {
        auto ncx = manifest.find(html_attribute(spine, "toc"));
        if (ncx == manifest.end())
            for (auto it = manifest.begin(); it != manifest.end(); ++it)
                if (it->second.media_type == "application/x-dtbncx+xml") ncx = it;
        return ncx;
    }

    // Not well-formed XML: usually HTML entities (&nbsp;) or tag soup, which the HTML parser
    // reads well. But a document declaring its own entities that failed (a billion laughs hits
    // libxml2's amplification limit) gets the recovering XML parser, which keeps the text and
    // drops the entities, instead of HTML's reading of the DTD as text. `limit` receives the
    // reason when a parser limit cut the document short.
    static XmlDocPtr parse_content_document(std::string_view bytes, std::string& limit) {
        XmlDocPtr page = parse_xml_safely(bytes, false, &limit);
        if (page) return page;
        if (bytes.find("<!ENTITY") != std::string_view::npos) return parse_xml_safely(bytes, true, &limit);
        return parse_html_safely(bytes, "UTF-8", &limit);
    }

    static std::string skipped_spine_warning(const std::vector<std::string>& items) {
        constexpr size_t kNamed = 3;
        std::string w = "skipped " + std::to_string(items.size()) +
                        (items.size() == 1 ? " spine item that is not a content document: "
                                           : " spine items that are not content documents: ");
        for (size_t i = 0; i < items.size() && i < kNamed; ++i) w += (i ? ", " : "") + items[i];
        if (items.size() > kNamed) w += " and " + std::to_string(items.size() - kNamed) + " more";
        return w;
    }

    // A clear error for missing or oversized files before libzip's generic ones.
    static void read_file_head_checked(const std::string& path, const ImportOptions& options) {
        require_regular_file(path);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) throw ImportError(ImportErrorKind::NotFound, "file not found");
        if (static_cast<unsigned long long>(st.st_size) > options.max_file_bytes)
            throw ImportError(ImportErrorKind::TooLarge, "file too large to import");
    }

    static bool has_token(const std::string& list, std::string_view token) {
        size_t pos = 0;
        while (pos < list.size()) {
            size_t end = list.find(' ', pos);
            if (end == std::string::npos) end = list.size();
            if (std::string_view(list).substr(pos, end - pos) == token) return true;
            pos = end + 1;
        }
        return false;
    }

    // EPUB font obfuscation is fine; encrypted content documents mean DRM.
    static void check_drm(ZipArchive& zip) {
        if (!zip.contains("META-INF/encryption.xml")) return;
        XmlDocPtr enc = parse_xml_safely(zip.read("META-INF/encryption.xml"), true);
        if (!enc) return;
        bool drm = false;
        find_element(xmlDocGetRootElement(enc.get()), [&](xmlNode* n) {
            if (html_element_name(n) == "cipherreference") {
                const std::string uri = to_lower_ascii(html_attribute(n, "URI"));
                if (uri.find(".htm") != std::string::npos || uri.find(".xhtml") != std::string::npos) drm = true;
            }
            return drm;
        });
        if (drm) throw ImportError(ImportErrorKind::Unsupported, "DRM-protected EPUB (content is encrypted)");
    }

    static std::string rootfile_path(const std::string& container_xml) {
        XmlDocPtr c = parse_xml_safely(container_xml, true);
        if (!c) throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (container.xml is not valid XML)");
        std::string path;
        find_element(xmlDocGetRootElement(c.get()), [&](xmlNode* n) {
            if (html_element_name(n) != "rootfile") return false;
            const std::string type = html_attribute(n, "media-type");
            if (!type.empty() && type != "application/oebps-package+xml") return false;
            path = html_attribute(n, "full-path");
            return true;
        });
        auto resolved = resolve_href("", path);
        if (!resolved || resolved->path.empty())
            throw ImportError(ImportErrorKind::Damaged, "damaged EPUB (no package document in container.xml)");
        return resolved->path;
    }

    static void read_metadata(xmlNode* metadata, Document& doc) {
        std::vector<std::string> creators;
        for (xmlNode* n = metadata ? metadata->children : nullptr; n; n = n->next) {
            const std::string name = html_element_name(n);
            if (name == "title" && doc.metadata.title.empty()) doc.metadata.title = html_node_text(n);
            else if (name == "creator") creators.push_back(html_node_text(n));
            else if (name == "language" && doc.metadata.language.empty()) doc.metadata.language = html_node_text(n);
        }
        for (size_t i = 0; i < creators.size(); ++i) doc.metadata.author += (i ? ", " : "") + creators[i];
        const std::string lang = to_lower_ascii(doc.metadata.language.substr(0, 2));
        if (lang == "ar" || lang == "he" || lang == "fa" || lang == "ur" || lang == "yi") doc.metadata.right_to_left = true;
    }

    // EPUB 3 navigation document: <nav epub:type="toc"><ol><li><a href>title</a><ol>...</ol></li>.
    static std::vector<RawTocEntry> read_nav(const std::string& bytes, const std::string& dir) {
        XmlDocPtr nav = parse_xml_safely(bytes);
        if (!nav) nav = parse_html_safely(bytes, "UTF-8");
        if (!nav) return {};
        xmlNode* root = xmlDocGetRootElement(nav.get());
        xmlNode* toc = find_element(root, [](xmlNode* n) {
            return html_element_name(n) == "nav" && html_attribute(n, "type").find("toc") != std::string::npos;
        });
        if (!toc) toc = find_element(root, [](xmlNode* n) { return html_element_name(n) == "nav"; });
        std::vector<RawTocEntry> out;
        if (toc) walk_nav_list(child_named(toc, "ol"), 1, dir, out);
        return out;
    }

    static void walk_nav_list(xmlNode* ol, int level, const std::string& dir, std::vector<RawTocEntry>& out) {
        if (!ol || level > 32) return;
        for (xmlNode* li : children_named(ol, "li")) {
            xmlNode* label = child_named(li, "a");
            if (!label) label = child_named(li, "span");
            // A heading-only <li> (a <span> grouping label) still counts as a level.
            if (label) {
                RawTocEntry e;
                e.title = html_node_text(label);
                e.level = level;
                const std::string href = html_attribute(label, "href");
                if (!href.empty()) e.target = resolve_href(dir, href);
                if (!e.title.empty()) out.push_back(std::move(e));
            }
            walk_nav_list(child_named(li, "ol"), level + 1, dir, out);
        }
    }

    // EPUB 2 NCX: <navMap><navPoint><navLabel><text/></navLabel><content src/><navPoint>...
    static std::vector<RawTocEntry> read_ncx(const std::string& bytes, const std::string& dir) {
        XmlDocPtr ncx = parse_xml_safely(bytes, true);
        if (!ncx) return {};
        xmlNode* map = find_element(xmlDocGetRootElement(ncx.get()), [](xmlNode* n) { return html_element_name(n) == "navmap"; });
        std::vector<RawTocEntry> out;
        walk_ncx(map, 1, dir, out);
        return out;
    }

    static void walk_ncx(xmlNode* parent, int level, const std::string& dir, std::vector<RawTocEntry>& out) {
        if (!parent || level > 32) return;
        for (xmlNode* point : children_named(parent, "navpoint")) {
            RawTocEntry e;
            e.level = level;
            e.title = html_node_text(child_named(child_named(point, "navlabel"), "text"));
            if (xmlNode* content = child_named(point, "content")) e.target = resolve_href(dir, html_attribute(content, "src"));
            if (!e.title.empty()) out.push_back(std::move(e));
            walk_ncx(point, level + 1, dir, out);
        }
    }
};

}  // namespace

std::unique_ptr<Importer> make_epub_importer() { return std::make_unique<EpubImporter>(); }

}  // namespace gleaner
