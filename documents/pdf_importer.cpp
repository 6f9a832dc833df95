// PDF importer (poppler-cpp). Per page: poppler's word boxes -> reading order (pdf_layout) ->
// paragraphs in the canonical text, with a WordBox per word so any text range maps back to
// rectangles on the page. Running headers, footers and page numbers are left out of the text:
// they would interrupt sentences that continue across pages and teach the model nothing.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "document_builder.h"
#include "importer.h"
#include "ocr_layer.h"
#include "pdf_glyph_mapping.h"
#include "pdf_ink.h"
#include "pdf_layout.h"
#include "pdf_outline.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

namespace L = pdf_layout;

void silence_poppler(const std::string&, void*) {}

std::string to_utf8(const poppler::ustring& s) {
    const poppler::byte_array bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

// Valid UTF-8 without control characters, with typographic ligatures spelled out (so that
// "find" typed by a user matches a PDF's "ﬁnd").
std::string clean_word(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    size_t i = 0;
    while (i < raw.size()) {
        const char32_t cp = next_code_point(raw, i);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF) continue;
        switch (cp) {
        case 0xFB00: out += "ff"; break;
        case 0xFB01: out += "fi"; break;
        case 0xFB02: out += "fl"; break;
        case 0xFB03: out += "ffi"; break;
        case 0xFB04: out += "ffl"; break;
        case 0xFB05: case 0xFB06: out += "st"; break;
        case 0xA0: out += ' '; break;
        default: append_utf8(out, cp);
        }
    }
    // A word never contains blanks in the canonical text (they would break word boxes).
    std::string collapsed = collapse_whitespace(out);
    return collapsed;
}

bool is_cjk(char32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

char32_t first_cp(std::string_view s) {
    size_t i = 0;
    return s.empty() ? 0 : next_code_point(s, i);
}

char32_t last_cp(std::string_view s) {
    if (s.empty()) return 0;
    size_t i = s.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return next_code_point(s, i);
}

// Does the text end a sentence (or a line that should stand alone)?
bool ends_sentence(std::string_view text) {
    const char32_t last = last_cp(text.substr(text.size() - std::min<size_t>(4, text.size())));
    return last == 0 || last == '.' || last == '!' || last == '?' || last == ':' || last == '"' || last == '\'' ||
           last == ')' || last == 0x201D || last == 0x2019 || last == 0x3002 || last == 0xFF01 || last == 0xFF1F;
}

// Running headers/footers: a block in the top or bottom band of the page whose text, with
// numbers blanked out, repeats on several pages; and bare page numbers there.
std::string furniture_key(const std::string& text) {
    std::string key;
    bool in_digits = false;
    for (char c : to_lower_ascii(text)) {
        const bool digit = c >= '0' && c <= '9';
        if (digit && !in_digits) key += '#';
        if (!digit) key += c;
        in_digits = digit;
    }
    return key;
}

bool is_page_number(const std::string& text) {
    const std::string t(trim(text));
    if (t.empty() || t.size() > 8) return false;
    std::string core = t;
    // "- 12 -", "[12]", "12."
    core.erase(std::remove_if(core.begin(), core.end(), [](char c) { return c == '-' || c == '[' || c == ']' || c == '.' || c == ' '; }),
               core.end());
    if (core.empty()) return false;
    const bool digits = std::all_of(core.begin(), core.end(), [](char c) { return c >= '0' && c <= '9'; });
    const bool roman = std::all_of(core.begin(), core.end(), [](char c) { return std::string_view("ivxlcdm").find(c) != std::string_view::npos; });
    return digits || roman;
}

struct PageData {
    std::vector<L::Word> words;
    L::Page layout;
    double width = 0, height = 0;
    std::string label;
    bool ok = false;
    std::vector<bool> furniture;  // per layout block: header/footer/page number, left out
};

std::string block_text(const L::Block& b, const std::vector<L::Word>& words) {
    std::string s;
    for (const L::Line& l : b.lines)
        for (size_t w : l.words) {
            if (!s.empty()) s += ' ';
            s += words[w].text;
        }
    return s;
}

void mark_furniture(std::vector<PageData>& pages) {
    constexpr double kBand = 0.09;
    std::map<std::string, std::set<size_t>> pages_of_key;
    // In the top/bottom band of the page, or the top-most/bottom-most block (a page number
    // under a LaTeX text block sits well above the bottom 9%).
    auto in_band = [&](const PageData& p, const L::Block& b) {
        if (b.aside || b.lines.size() > 2) return false;
        if (b.page_box.y1 <= p.height * kBand || b.page_box.y0 >= p.height * (1 - kBand)) return true;
        bool topmost = true, bottommost = true;
        for (const L::Block& o : p.layout.blocks) {
            if (&o == &b || o.aside) continue;
            if (o.page_box.y0 < b.page_box.y0) topmost = false;
            if (o.page_box.y1 > b.page_box.y1) bottommost = false;
        }
        return topmost || bottommost;
    };
    for (size_t i = 0; i < pages.size(); ++i) {
        PageData& p = pages[i];
        p.furniture.assign(p.layout.blocks.size(), false);
        for (const L::Block& b : p.layout.blocks)
            if (in_band(p, b)) pages_of_key[furniture_key(block_text(b, p.words))].insert(i);
    }
    for (size_t i = 0; i < pages.size(); ++i) {
        PageData& p = pages[i];
        for (size_t k = 0; k < p.layout.blocks.size(); ++k) {
            const L::Block& b = p.layout.blocks[k];
            if (!in_band(p, b)) continue;
            const std::string text = block_text(b, p.words);
            const bool repeats = pages.size() >= 4 && pages_of_key[furniture_key(text)].size() >= 3;
            p.furniture[k] = repeats || is_page_number(text);
        }
    }
}

// Body font size: the size most characters are set in.
double body_font_size(const std::vector<PageData>& pages) {
    std::map<long, double> chars_at_size;
    for (const PageData& p : pages)
        for (const L::Word& w : p.words)
            if (w.font_size > 0) chars_at_size[std::lround(w.font_size * 2)] += static_cast<double>(utf8_length(w.text));
    long best = 0;
    double most = 0;
    for (const auto& [size, n] : chars_at_size)
        if (n > most) { most = n; best = size; }
    return best / 2.0;
}

class PdfImporter final : public Importer {
public:
    std::string_view format() const override { return "pdf"; }

    bool can_import(const std::string& path, std::string_view head) const override {
        // The header may follow some junk (the spec allows it within the first 1024 bytes).
        return head.substr(0, 1024).find("%PDF-") != std::string_view::npos || ends_with_ci(path, ".pdf");
    }

    Document import(const std::string& path, const ImportOptions& options) const override {
        require_regular_file(path);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) throw ImportError(ImportErrorKind::NotFound, "file not found");
        if (static_cast<unsigned long long>(st.st_size) > options.max_file_bytes)
            throw ImportError(ImportErrorKind::TooLarge, "file too large to import");

        poppler::set_debug_error_function(&silence_poppler, nullptr);
        std::unique_ptr<poppler::document> pdf(
            poppler::document::load_from_file(path, options.password, options.password));
        if (!pdf) {
            throw ImportError(ImportErrorKind::Damaged, "damaged or truncated PDF (cannot be opened)");
        }
        if (pdf->is_locked()) {
            if (options.password.empty())
                throw ImportError(ImportErrorKind::PasswordRequired, "password required (encrypted PDF)");
            throw ImportError(ImportErrorKind::WrongPassword, "wrong password for this PDF");
        }
        const int page_count = pdf->pages();
        if (page_count <= 0) throw ImportError(ImportErrorKind::Damaged, "damaged PDF (no pages)");

        Document doc;
        doc.format = "pdf";
        doc.source_path = path;
        doc.metadata.title = collapse_whitespace(clean_word(to_utf8(pdf->get_title())));
        doc.metadata.author = collapse_whitespace(clean_word(to_utf8(pdf->get_author())));
        doc.metadata.language = xmp_language(to_utf8(pdf->metadata()));

        const std::vector<std::vector<L::Word>> ocr_words = load_ocr_words(doc, options, page_count);
        std::vector<PageData> pages(static_cast<size_t>(page_count));
        size_t broken_pages = 0, empty_pages = 0, total_words = 0, ocr_pages = 0;
        std::vector<size_t> unmapped_pages;  // text from fonts without a Unicode map
        for (int i = 0; i < page_count; ++i) {
            PageData& pd = pages[static_cast<size_t>(i)];
            std::unique_ptr<poppler::page> page(pdf->create_page(i));
            if (!page) { ++broken_pages; continue; }
            pd.ok = true;
            const poppler::rectf r = page->page_rect();
            const auto orient = page->orientation();
            const bool swap = orient == poppler::page::landscape || orient == poppler::page::seascape;
            pd.width = swap ? r.height() : r.width();
            pd.height = swap ? r.width() : r.height();
            pd.label = clean_word(to_utf8(page->label()));
            GlyphMappingCount mapping;
            for (const poppler::text_box& tb : page->text_list(poppler::page::text_list_include_font)) {
                L::Word w;
                const std::string raw = to_utf8(tb.text());
                mapping.add(raw);  // before cleaning, which drops the control characters
                w.text = clean_word(raw);
                if (w.text.empty()) continue;
                const poppler::rectf bb = tb.bbox();
                w.box = L::Box{bb.x(), bb.y(), bb.x() + bb.width(), bb.y() + bb.height()};
                w.space_after = tb.has_space_after();
                w.vertical = tb.get_wmode(0) == poppler::text_box::vertical_wmode;
                w.rotated = !w.vertical && tb.rotation() != 0;
                w.font_size = tb.get_font_size();
                pd.words.push_back(std::move(w));
            }
            const bool unmapped = mapping.looks_unmapped();
            // A scanned page: the words OCR found on it, laid out like any page's.
            if (pd.words.empty() && !unmapped && !ocr_words[static_cast<size_t>(i)].empty()) {
                pd.words = ocr_words[static_cast<size_t>(i)];
                ++ocr_pages;
            }
            if (unmapped) unmapped_pages.push_back(static_cast<size_t>(i));
            else if (pd.words.empty()) ++empty_pages;
            total_words += pd.words.size();
            L::Options lo;
            lo.reorder = options.pdf_reading_order;
            pd.layout = L::layout_page(pd.words, pd.width, pd.height, lo);
        }
        if (broken_pages == static_cast<size_t>(page_count))
            throw ImportError(ImportErrorKind::Damaged, "damaged PDF (no page could be read)");
        if (total_words == 0) {
            const NoTextCause cause = no_text_cause(*pdf, unmapped_pages);
            if (cause != NoTextCause::Scanned) throw no_text_error(cause, unmapped_pages);
            return scanned_document(std::move(doc), pages, path, options);
        }
        if (ocr_pages > 0)
            doc.warnings.push_back("the text of " + std::to_string(ocr_pages) + " scanned pages was recognised by OCR (it may have errors)");
        if (broken_pages > 0)
            doc.warnings.push_back(std::to_string(broken_pages) + " of " + std::to_string(page_count) +
                                   " pages could not be read (damaged PDF)");
        if (empty_pages > broken_pages)
            doc.warnings.push_back(std::to_string(empty_pages - broken_pages) +
                                   " pages have no text layer (scanned images?); their content is missing");
        if (!unmapped_pages.empty())
            doc.warnings.push_back("text of " + pages_phrase(unmapped_pages) +
                                   " may be garbled (fonts without a Unicode map)");

        mark_furniture(pages);
        emit(doc, pages, options);

        if (doc.text.empty()) throw ImportError(ImportErrorKind::NoTextLayer, "no text layer (scanned PDF; needs OCR)");

        size_t rtl_pages = 0;
        for (const PageData& p : pages) rtl_pages += p.layout.frame == L::Frame::RightToLeft;
        doc.metadata.right_to_left = rtl_pages * 2 > pages.size();

        build_toc(doc, read_pdf_outline(path, options.password));
        return doc;
    }

private:
    // Why a PDF with pages has no words: fonts whose text cannot be decoded, a scan (pages that
    // show something: OCR would help), or blank pages (nothing to read). Up to kSampled pages,
    // spread over the document, are rendered to tell the last two apart; a scan is recognised
    // at its first page.
    enum class NoTextCause { Undecodable, Scanned, BlankOrScanned, Blank };

    static NoTextCause no_text_cause(const poppler::document& pdf, const std::vector<size_t>& unmapped_pages) {
        if (!unmapped_pages.empty()) return NoTextCause::Undecodable;
        constexpr int kSampled = 32;
        const int count = pdf.pages();
        const int n = std::min(count, kSampled);
        bool unknown = false;
        for (int k = 0; k < n; ++k) {
            const int index = n == 1 ? 0 : static_cast<int>(static_cast<long>(k) * (count - 1) / (n - 1));
            std::unique_ptr<poppler::page> page(pdf.create_page(index));
            const PageInk ink = page ? page_ink(*page) : PageInk::Unknown;
            if (ink == PageInk::Marked) return NoTextCause::Scanned;
            unknown = unknown || ink == PageInk::Unknown;
        }
        return unknown ? NoTextCause::BlankOrScanned : NoTextCause::Blank;
    }

    static ImportError no_text_error(NoTextCause cause, const std::vector<size_t>& unmapped_pages) {
        switch (cause) {
            case NoTextCause::Undecodable:
                return ImportError(ImportErrorKind::NoTextLayer, "the PDF's text cannot be decoded: fonts without a Unicode map (" +
                                                                     pages_phrase(unmapped_pages) + ")");
            case NoTextCause::Scanned: return ImportError(ImportErrorKind::NoTextLayer, "no text layer (scanned PDF; needs OCR)");
            case NoTextCause::BlankOrScanned: return ImportError(ImportErrorKind::NoTextLayer, "no text layer (blank or scanned PDF)");
            case NoTextCause::Blank: break;
        }
        return ImportError(ImportErrorKind::Empty, "the PDF has no text (its pages are blank)");
    }

    // A scan without OCR text: its pages, to be viewed, and no text; Document::needs_ocr says
    // what would make it readable.
    static Document scanned_document(Document doc, const std::vector<PageData>& pages, const std::string& path,
                                     const ImportOptions& options) {
        doc.needs_ocr = true;
        doc.pages.resize(pages.size());
        for (size_t i = 0; i < pages.size(); ++i) {
            doc.pages[i].width = pages[i].width;
            doc.pages[i].height = pages[i].height;
            doc.pages[i].label = pages[i].label;
        }
        doc.warnings.push_back("no text layer (scanned PDF; needs OCR)");
        build_toc(doc, read_pdf_outline(path, options.password));
        return doc;
    }

    // The OCR text layer's words per page (empty pages when there is none, or it does not fit
    // this PDF). A layer that cannot be used is a warning: the PDF still opens.
    static std::vector<std::vector<L::Word>> load_ocr_words(Document& doc, const ImportOptions& options, int page_count) {
        std::vector<std::vector<L::Word>> per_page(static_cast<size_t>(page_count));
        if (options.ocr_layer_file.empty()) return per_page;
        struct stat st {};
        if (::stat(options.ocr_layer_file.c_str(), &st) != 0) return per_page;  // not recognised yet
        OcrLayer layer;
        std::string error;
        if (!load_ocr_layer(options.ocr_layer_file, layer, error)) {
            doc.warnings.push_back("the OCR text was not used: " + error);
            return per_page;
        }
        if (layer.page_count != page_count) {
            doc.warnings.push_back("the OCR text was not used: it was made for a PDF of " + std::to_string(layer.page_count) + " pages");
            return per_page;
        }
        for (OcrWord& w : layer.words) {
            L::Word lw;
            lw.text = std::move(w.text);
            lw.box = L::Box{w.x0, w.y0, w.x1, w.y1};
            lw.space_after = true;  // OCR words are separate words
            lw.font_size = w.font_size;
            per_page[static_cast<size_t>(w.page)].push_back(std::move(lw));
        }
        return per_page;
    }

    // dc:language from the XMP packet ("<dc:language><rdf:Bag><rdf:li>en-US</rdf:li>").
    static std::string xmp_language(const std::string& xmp) {
        const size_t at = xmp.find("<dc:language");
        if (at == std::string::npos) return {};
        const size_t li = xmp.find("<rdf:li", at);
        if (li == std::string::npos || li > at + 400) return {};
        const size_t gt = xmp.find('>', li);
        const size_t end = xmp.find('<', gt == std::string::npos ? li : gt);
        if (gt == std::string::npos || end == std::string::npos || end - gt > 40) return {};
        return std::string(trim(std::string_view(xmp).substr(gt + 1, end - gt - 1)));
    }

    static void emit(Document& doc, const std::vector<PageData>& pages, const ImportOptions& options) {
        DocumentBuilder builder(doc);
        const double body = body_font_size(pages);
        uint32_t line_id = 0;
        doc.pages.resize(pages.size());
        for (size_t pi = 0; pi < pages.size(); ++pi) {
            const PageData& p = pages[pi];
            PageInfo& info = doc.pages[pi];
            info.width = p.width;
            info.height = p.height;
            info.label = p.label;
            bool page_started = false;
            auto mark_page_start = [&](size_t offset) {
                if (!page_started) info.range.begin = offset;
                page_started = true;
            };
            for (size_t bi : emission_order(p, body)) {
                if (p.furniture[bi]) continue;
                const L::Block& block = p.layout.blocks[bi];
                const int heading_level = heading_level_of(block, p.words, body);
                for (size_t para = 0; para < block.paragraph_starts.size(); ++para) {
                    const size_t first_line = heading_level ? 0 : block.paragraph_starts[para];
                    const size_t end_line = heading_level || para + 1 == block.paragraph_starts.size()
                                                ? block.lines.size()
                                                : block.paragraph_starts[para + 1];
                    const std::string& first_word = p.words[block.lines[first_line].words.front()].text;
                    // A sentence running on over a column or page break continues the open
                    // paragraph: it did not end a sentence and this one starts in lowercase.
                    const bool continues = para == 0 && !heading_level && builder.block_has_text() &&
                                           !ends_sentence(doc.text) && is_lowercase_letter(first_cp(first_word));
                    if (continues) {
                        join_lines(doc, builder, first_word, options);
                    } else {
                        builder.begin_block(heading_level ? BlockKind::Heading : BlockKind::Paragraph, heading_level);
                    }
                    for (size_t li = first_line; li < end_line; ++li) {
                        const L::Line& line = block.lines[li];
                        if (li > first_line) join_lines(doc, builder, p.words[line.words.front()].text, options);
                        for (size_t k = 0; k < line.words.size(); ++k) {
                            const L::Word& w = p.words[line.words[k]];
                            if (k > 0) {
                                const L::Word& prev = p.words[line.words[k - 1]];
                                const double gap = std::max(w.box.x0 - prev.box.x1, prev.box.x0 - w.box.x1);
                                if (prev.space_after || gap > 0.3 * std::max(1.0, w.box.height())) builder.append(" ");
                            }
                            const size_t begin = builder.next_offset();
                            mark_page_start(begin);
                            builder.append(w.text);
                            doc.words.push_back(WordBox{static_cast<int>(pi), static_cast<float>(w.box.x0),
                                                        static_cast<float>(w.box.y0),
                                                        static_cast<float>(w.box.width()),
                                                        static_cast<float>(w.box.height()), static_cast<uint32_t>(begin),
                                                        static_cast<uint32_t>(doc.text.size()), line_id, w.vertical});
                        }
                        ++line_id;
                    }
                    if (heading_level) break;  // the whole block was one heading
                }
                // A heading never runs on; other blocks stay open in case the next continues them.
                if (heading_level) builder.end_block();
            }
            if (!page_started) info.range.begin = std::min(builder.next_offset(), doc.text.size());
        }
        builder.end_block();
        // Contiguous page ranges (an empty page owns nothing but the separator before the next).
        for (size_t i = 0; i < doc.pages.size(); ++i) {
            doc.pages[i].range.begin = std::min(doc.pages[i].range.begin, doc.text.size());
            if (i > 0) doc.pages[i].range.begin = std::max(doc.pages[i].range.begin, doc.pages[i - 1].range.begin);
        }
        if (!doc.pages.empty()) doc.pages[0].range.begin = 0;
        for (size_t i = 0; i < doc.pages.size(); ++i)
            doc.pages[i].range.end = i + 1 < doc.pages.size() ? doc.pages[i + 1].range.begin : doc.text.size();
    }

    // Footnotes (small type in the lower part of the page) go after the page's body text, so a
    // sentence running from one column into the next is not cut by the first column's notes.
    static std::vector<size_t> emission_order(const PageData& p, double body) {
        std::vector<size_t> main, notes, asides;
        for (size_t i = 0; i < p.layout.blocks.size(); ++i) {
            const L::Block& b = p.layout.blocks[i];
            if (b.aside) asides.push_back(i);
            else if (body > 0 && b.font_size > 0 && b.font_size < 0.85 * body && b.page_box.y0 > 0.4 * p.height)
                notes.push_back(i);
            else main.push_back(i);
        }
        main.insert(main.end(), notes.begin(), notes.end());
        main.insert(main.end(), asides.begin(), asides.end());
        return main;
    }

    // Joins the next printed line to the paragraph: drops a line-end hyphen when the word goes
    // on in lowercase, adds nothing between CJK characters, else one space.
    static void join_lines(Document& doc, DocumentBuilder& builder, const std::string& next_word,
                           const ImportOptions& options) {
        std::string& t = doc.text;
        const char32_t next = first_cp(next_word);
        if (t.size() >= 2 && t.compare(t.size() - 2, 2, "\xC2\xAD") == 0) {  // soft hyphen
            t.resize(t.size() - 2);
            if (!doc.words.empty()) doc.words.back().end = static_cast<uint32_t>(std::min<size_t>(doc.words.back().end, t.size()));
            return;
        }
        if (options.pdf_join_hyphenation && t.size() >= 2 && t.back() == '-' && is_lowercase_letter(next)) {
            const char32_t before = last_cp(std::string_view(t).substr(0, t.size() - 1).substr(t.size() > 5 ? t.size() - 5 : 0));
            if (is_letter(before)) {
                t.pop_back();
                if (!doc.words.empty() && doc.words.back().end > t.size()) doc.words.back().end = static_cast<uint32_t>(t.size());
                return;
            }
        }
        if (is_cjk(last_cp(t.size() > 4 ? std::string_view(t).substr(t.size() - 4) : std::string_view(t))) && is_cjk(next)) return;
        builder.append(" ");
    }

    static int heading_level_of(const L::Block& block, const std::vector<L::Word>& words, double body) {
        if (body <= 0 || block.aside || block.lines.size() > 3 || block.font_size < body * 1.2) return 0;
        size_t chars = 0;
        bool has_letter = false;
        for (const L::Line& l : block.lines)
            for (size_t w : l.words) {
                chars += utf8_length(words[w].text) + 1;
                size_t i = 0;
                while (i < words[w].text.size() && !has_letter) {
                    const char32_t cp = next_code_point(words[w].text, i);
                    has_letter = is_letter(cp) || is_cjk(cp) || is_rtl_code_point(cp);
                }
            }
        if (chars > 160 || !has_letter) return 0;
        const double ratio = block.font_size / body;
        return ratio >= 1.8 ? 1 : ratio >= 1.4 ? 2 : 3;
    }

    static void build_toc(Document& doc, const PdfOutline& outline) {
        for (const PdfOutlineItem& item : outline.items) {
            TocEntry e;
            e.title = item.title;
            e.level = item.level;
            e.page = item.page < doc.page_count() ? item.page : -1;
            e.offset = e.page >= 0 ? target_offset(doc, e.page, item.top, item.title) : 0;
            doc.toc.push_back(std::move(e));
        }
        if (!outline.items.empty() && !outline.has_pages)
            doc.warnings.push_back("outline pages unavailable (built without poppler core headers)");
    }

    // Where an outline entry lands: the word at the destination's height, preferring one that
    // starts the entry's title (on a two-column page the other column has words at that height
    // too); the page start when the destination gives no height.
    static size_t target_offset(const Document& doc, int page, double top, const std::string& title) {
        const TextRange range = doc.pages[static_cast<size_t>(page)].range;
        if (top < 0) return range.begin;
        auto first = std::lower_bound(doc.words.begin(), doc.words.end(), range.begin,
                                      [](const WordBox& w, size_t off) { return w.begin < off; });
        const std::string title_lower = to_lower_ascii(title);
        const WordBox* best = nullptr;
        const WordBox* best_title = nullptr;
        for (auto it = first; it != doc.words.end() && it->page == page; ++it) {
            if (it->y + it->h < top - 2) continue;
            if (!best || it->y < best->y - 1) best = &*it;
            if (it->y <= top + 60) {
                const std::string w = to_lower_ascii(doc.slice(it->begin, it->end));
                if (w.size() >= 2 && title_lower.find(w) != std::string::npos && (!best_title || it->y < best_title->y - 1))
                    best_title = &*it;
            }
        }
        const WordBox* pick = best_title ? best_title : best;
        if (!pick) return range.begin;
        // The start of the pick's printed line.
        size_t off = pick->begin;
        for (auto it = std::lower_bound(doc.words.begin(), doc.words.end(), pick->begin,
                                        [](const WordBox& w, size_t o) { return w.begin < o; });
             it != doc.words.begin();) {
            --it;
            if (it->line != pick->line) break;
            off = it->begin;
        }
        return off;
    }
};

}  // namespace

std::unique_ptr<Importer> make_pdf_importer() { return std::make_unique<PdfImporter>(); }

}  // namespace gleaner
