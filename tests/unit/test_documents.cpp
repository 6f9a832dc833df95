// Unit tests for the documents layer: text decoding and the plain-text importer, the Document
// model's mappings (char -> page, range -> rectangles), the PDF reading-order geometry, the
// Markdown and HTML importers, SHA-256, and the SQLite library store (including a kill -9 in the
// middle of writing).
#include <QtTest>

#include <sqlite3.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "document_builder.h"
#include "import.h"
#include "library_store.h"
#include "released_library_schemas.h"
#include "pdf_layout.h"
#include "sha256.h"
#include "text_util.h"

using namespace gleaner;

namespace {

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

ImportErrorKind import_error_kind(const std::string& path, std::string* message = nullptr) {
    try {
        import_document(path);
    } catch (const ImportError& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    return static_cast<ImportErrorKind>(-1);
}

// A tiny Gutenberg-shaped book.
const std::string kGutenberg =
    "The Project Gutenberg EBook of Tiny Tales, by Ann Author\n"
    "\n"
    "Title: Tiny Tales\n"
    "       and Other Stories\n"
    "\n"
    "Author: Ann Author\n"
    "\n"
    "Language: English\n"
    "\n"
    "*** START OF THIS PROJECT GUTENBERG EBOOK TINY TALES ***\n"
    "\n"
    "CONTENTS\n"
    "\n"
    "CHAPTER I. The Start\n"
    "\n"
    "CHAPTER II. The End\n"
    "\n"
    "CHAPTER I. The Start\n"
    "\n"
    "It was a dark and stormy night; the rain fell in torrents, except at\n"
    "occasional intervals, when it was checked by a violent gust of wind.\n"
    "\n"
    "    Twinkle, twinkle, little star,\n"
    "    How I wonder what you are!\n"
    "\n"
    "CHAPTER II. The End\n"
    "\n"
    "And so it ended.\n"
    "\n"
    "End of the Project Gutenberg EBook of Tiny Tales, by Ann Author\n"
    "\n"
    "*** END OF THIS PROJECT GUTENBERG EBOOK TINY TALES ***\n"
    "\n"
    "Section 5. General Information About Project Gutenberg-tm electronic works.\n";

std::string crlf(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

}  // namespace

class TestDocuments : public QObject {
    Q_OBJECT

private slots:
    // ---- text decoding --------------------------------------------------------------------
    void decodeUtf8BomAndCrlf() {
        const DecodedText d = decode_text_bytes("\xEF\xBB\xBFOne\r\nTwo\rThree\n");
        QCOMPARE(d.text, std::string("One\nTwo\nThree\n"));
        QCOMPARE(d.encoding, std::string("UTF-8 (BOM)"));
        QVERIFY(d.had_crlf);
    }
    void decodeLatin1Fallback() {
        const DecodedText d = decode_text_bytes("caf\xE9 \x93quoted\x94 \x80");
        QCOMPARE(d.encoding, std::string("Windows-1252"));
        QCOMPARE(d.text, std::string("caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC"));
    }
    void decodeUtf16() {
        const std::string le("\xFF\xFEH\0i\0\n\0", 8);
        QCOMPARE(decode_text_bytes(le).text, std::string("Hi\n"));
        QCOMPARE(decode_text_bytes(le).encoding, std::string("UTF-16LE"));
        const std::string be("\xFE\xFF\0H\xD8\x3D\xDE\x00", 8);  // "H" + U+1F600
        QCOMPARE(decode_text_bytes(be).text, std::string("H\xF0\x9F\x98\x80"));
    }
    void decodeDropsControlCharacters() {
        QCOMPARE(decode_text_bytes(std::string("a\0b\x01" "c\td", 7)).text, std::string("abc\td"));
    }
    void utf8Helpers() {
        QVERIFY(is_valid_utf8("h\xC3\xA9llo \xEF\xBF\xBD"));
        QVERIFY(!is_valid_utf8("\xC0\xAF"));          // overlong
        QVERIFY(!is_valid_utf8("\xED\xA0\x80"));      // surrogate
        QVERIFY(!is_valid_utf8("\xF0\x9F\x98"));      // truncated
        QCOMPARE(utf8_length("h\xC3\xA9"), size_t{2});
        QCOMPARE(collapse_whitespace("  a \n\t b\xC2\xA0 c  "), std::string("a b c"));
    }

    // ---- plain-text importer --------------------------------------------------------------
    void textCrlfBomEqualsNormalised() {
        QTemporaryDir dir;
        const std::string lf =
            "The first paragraph is hard-wrapped at seventy columns, as Project\n"
            "Gutenberg texts are.\n\nPara two.\n";
        const Document a = import_document(write_file(dir, "lf.txt", lf));
        const Document b = import_document(write_file(dir, "crlf.txt", "\xEF\xBB\xBF" + crlf(lf)));
        QCOMPARE(a.text, b.text);
        QCOMPARE(a.text, std::string("The first paragraph is hard-wrapped at seventy columns, as Project "
                                     "Gutenberg texts are.\n\nPara two."));
        QCOMPARE(a.blocks.size(), size_t{2});
        QCOMPARE(a.format, std::string("text"));
        QVERIFY(a.check_invariants().empty());
    }
    void textLatin1FileWarns() {
        QTemporaryDir dir;
        const Document d = import_document(write_file(dir, "latin1.txt", "Caf\xE9 cr\xE8me.\n"));
        QCOMPARE(d.text, std::string("Caf\xC3\xA9 cr\xC3\xA8me."));
        QCOMPARE(d.warnings.size(), size_t{1});
        QVERIFY(d.warnings[0].find("Windows-1252") != std::string::npos);
    }
    void textGutenbergMatterAndMetadata() {
        QTemporaryDir dir;
        const Document d = import_document(write_file(dir, "tiny.txt", crlf(kGutenberg)));
        QVERIFY2(d.check_invariants().empty(), d.check_invariants().c_str());
        QCOMPARE(d.metadata.title, std::string("Tiny Tales and Other Stories"));
        QCOMPARE(d.metadata.author, std::string("Ann Author"));
        QCOMPARE(d.metadata.language, std::string("en"));
        // Front matter ends with the START marker; back matter starts at "End of the Project".
        const std::string_view front = d.slice(d.front_matter);
        QVERIFY(front.starts_with("The Project Gutenberg EBook of Tiny Tales"));
        QVERIFY(front.ends_with("*** START OF THIS PROJECT GUTENBERG EBOOK TINY TALES ***"));
        const std::string_view back = d.slice(d.back_matter);
        QVERIFY(back.starts_with("End of the Project Gutenberg EBook"));
        QVERIFY(back.ends_with("electronic works."));
        QVERIFY(d.slice(d.body_range()).find("It was a dark") != std::string_view::npos);
        QVERIFY(d.slice(d.body_range()).find("Section 5") == std::string_view::npos);
    }
    void textParagraphsVerseAndHeadings() {
        QTemporaryDir dir;
        const Document d = import_document(write_file(dir, "tiny.txt", kGutenberg));
        // Hard-wrapped prose is joined into one paragraph...
        QVERIFY(d.text.find("except at occasional intervals") != std::string::npos);
        // ...verse keeps its lines.
        QVERIFY(d.text.find("Twinkle, twinkle, little star,\nHow I wonder what you are!") != std::string::npos);
        // The printed contents list (two CHAPTER lines in a row) is not a heading; the real
        // chapter headings are, and the TOC points at them.
        QCOMPARE(d.toc.size(), size_t{2});
        QCOMPARE(d.toc[0].title, std::string("CHAPTER I. The Start"));
        QCOMPARE(d.toc[1].title, std::string("CHAPTER II. The End"));
        QVERIFY(d.slice(d.toc[0].offset, d.text.size()).starts_with("CHAPTER I. The Start\n\nIt was a dark"));
        // ...and is marked as the contents, with its title, so no answer is taken from it
        QCOMPARE(std::string(d.slice(d.contents)), std::string("CONTENTS\n\nCHAPTER I. The Start\n\nCHAPTER II. The End"));
        QVERIFY(d.contents.end < d.toc[0].offset);
        const Block* heading = d.block_at(d.toc[1].offset);
        QVERIFY(heading && heading->kind == BlockKind::Heading && heading->level == 1);
        QCOMPARE(d.sections.size(), size_t{1});
        QCOMPARE(d.section_of_char(10).section, 0);
    }
    void textErrors() {
        QTemporaryDir dir;
        QCOMPARE(import_error_kind(dir.filePath("missing.txt").toStdString()), ImportErrorKind::NotFound);
        std::string message;
        QCOMPARE(import_error_kind(write_file(dir, "empty.txt", ""), &message), ImportErrorKind::Empty);
        QCOMPARE(message, std::string("the file is empty"));
        QCOMPARE(import_error_kind(write_file(dir, "blank.txt", "\n \r\n\t\n")), ImportErrorKind::Empty);
        QCOMPARE(import_error_kind(write_file(dir, "blob.bin", std::string("\x7F" "ELF\0\0\0\x01", 8))), ImportErrorKind::Unsupported);
        // Text that is not a book: source code, a desktop entry, data (refused by name, not content)
        for (const char* name : {"main.cpp", "gleaner.desktop", "data.json", "run.sh"})
            QCOMPARE(import_error_kind(write_file(dir, name, "int main() { return 0; }\n")), ImportErrorKind::Unsupported);
        // while plain-text names are books: Gutenberg's extensionless files, .rst notes
        QCOMPARE(import_document(write_file(dir, "pg11", "Alice was beginning to get very tired.")).format, std::string("text"));
        QCOMPARE(import_document(write_file(dir, "notes.rst", "Some notes.")).format, std::string("text"));
        QCOMPARE(import_error_kind(dir.path().toStdString()), ImportErrorKind::Unreadable);
    }

    // ---- the model -------------------------------------------------------------------------
    void builderSeparatesBlocksAndDropsEmptyOnes() {
        Document d;
        DocumentBuilder b(d);
        b.add_block(BlockKind::Heading, 1, "Title");
        b.begin_block(BlockKind::Paragraph);
        b.append("  ");
        b.end_block();  // whitespace only: leaves no trace
        QCOMPARE(b.next_offset(), size_t{7});
        b.add_block(BlockKind::Paragraph, 0, "Body text. ");
        QCOMPARE(d.text, std::string("Title\n\nBody text."));
        QCOMPARE(d.blocks.size(), size_t{2});
        QCOMPARE(d.blocks[1].range, (TextRange{7, 17}));
        QVERIFY(d.check_invariants().empty());
    }
    void pageAndRectangleMapping() {
        // Two pages; page 0 has two lines ("Hello world" / "again"), page 1 one word.
        Document d;
        d.text = "Hello world again\n\nNext";
        auto word = [&](int page, float x, float y, float w, uint32_t b, uint32_t e, uint32_t line) {
            d.words.push_back(WordBox{page, x, y, w, 10, b, e, line, false});
        };
        word(0, 10, 100, 50, 0, 5, 0);    // Hello
        word(0, 70, 100, 50, 6, 11, 0);   // world
        word(0, 10, 112, 50, 12, 17, 1);  // again
        word(1, 20, 50, 40, 19, 23, 2);   // Next
        d.pages = {PageInfo{{0, 19}, 600, 800, "i"}, PageInfo{{19, 23}, 600, 800, "ii"}};
        d.blocks = {Block{BlockKind::Paragraph, 0, {0, 17}}, Block{BlockKind::Paragraph, 0, {19, 23}}};
        QVERIFY2(d.check_invariants().empty(), d.check_invariants().c_str());

        QCOMPARE(d.page_of_char(0), 0);
        QCOMPARE(d.page_of_char(17), 0);  // the separator belongs to the page before
        QCOMPARE(d.page_of_char(19), 1);
        QCOMPARE(d.page_of_char(22), 1);
        QCOMPARE(d.page_of_char(23), -1);

        // One rectangle per printed line, words on a line merged.
        auto rects = d.rects_for_range(0, 17);
        QCOMPARE(rects.size(), size_t{2});
        QCOMPARE(rects[0].x, 10.0);
        QCOMPARE(rects[0].w, 110.0);
        QCOMPARE(rects[1].y, 112.0);
        // A partial word is trimmed in proportion: "llo" of "Hello" is the right 3/5.
        rects = d.rects_for_range(2, 5);
        QCOMPARE(rects.size(), size_t{1});
        QCOMPARE(rects[0].x, 30.0);
        QCOMPARE(rects[0].w, 30.0);
        // Across the page break.
        rects = d.rects_for_range(12, 23);
        QCOMPARE(rects.size(), size_t{2});
        QCOMPARE(rects[1].page, 1);
        QVERIFY(d.rects_for_range(17, 19).empty());  // only the separator
        QCOMPARE(d.words_in_range(3, 8).size(), size_t{2});
        QVERIFY(d.block_at(18) == nullptr);
        QCOMPARE(d.block_at(20)->range.begin, size_t{19});
    }
    void invariantsCatchBrokenModels() {
        Document d;
        d.text = "abc";
        d.blocks = {Block{BlockKind::Paragraph, 0, {0, 5}}};
        QVERIFY(!d.check_invariants().empty());
        d.blocks.clear();
        d.text = "\xC3\xA9";
        d.blocks = {Block{BlockKind::Paragraph, 0, {1, 2}}};  // inside a UTF-8 sequence
        QVERIFY(!d.check_invariants().empty());
    }

    // ---- PDF reading order (synthetic boxes) ----------------------------------------------
    void layoutTitleOverTwoColumns() {
        using namespace pdf_layout;
        std::vector<Word> words;
        auto w = [&](const char* t, double x, double y, double wd = 40) {
            words.push_back(Word{t, Box{x, y, x + wd, y + 10}, true, false, false, 10});
        };
        w("Title", 250, 50, 100);        // centred title over both columns
        w("Abstract", 72, 100, 50);      // short heading below-left of the title
        for (int i = 0; i < 5; ++i) w("left", 72, 120 + 12.0 * i, 200);
        w("right-top", 320, 102, 200);   // right column starts level with "Abstract"
        for (int i = 1; i < 5; ++i) w("right", 320, 102 + 12.0 * i, 200);
        w("footer", 250, 700, 100);
        const Page page = layout_page(words, 600, 800);
        std::vector<std::string> order;
        for (const pdf_layout::Block& b : page.blocks) order.push_back(words[b.lines[0].words[0]].text);
        QCOMPARE(order, (std::vector<std::string>{"Title", "Abstract", "left", "right-top", "footer"}));
    }
    void layoutRightToLeftColumns() {
        using namespace pdf_layout;
        // Two Arabic columns: the right one is read first.
        std::vector<Word> words;
        words.push_back(Word{"\xD8\xA3", Box{320, 100, 520, 110}, false, false, false, 10});  // right column
        words.push_back(Word{"\xD8\xA8", Box{320, 112, 520, 122}, false, false, false, 10});
        words.push_back(Word{"\xD8\xAA", Box{72, 100, 272, 110}, false, false, false, 10});   // left column
        const Page page = layout_page(words, 600, 800);
        QCOMPARE(page.frame, Frame::RightToLeft);
        QCOMPARE(page.blocks.size(), size_t{2});
        QCOMPARE(page.blocks[0].lines[0].words[0], size_t{0});
        QCOMPARE(page.blocks[1].lines[0].words[0], size_t{2});
    }
    void layoutVerticalColumnsRightToLeft() {
        using namespace pdf_layout;
        std::vector<Word> words;
        // Vertical lines, poppler's scrambled order: leftmost first.
        words.push_back(Word{"\xE3\x81\x8B", Box{500, 50, 510, 150}, false, true, false, 10});
        words.push_back(Word{"\xE3\x81\x82", Box{540, 50, 550, 150}, false, true, false, 10});
        words.push_back(Word{"\xE3\x81\x84", Box{520, 50, 530, 150}, false, true, false, 10});
        const Page page = layout_page(words, 600, 800);
        QCOMPARE(page.frame, Frame::VerticalRightToLeft);
        std::vector<size_t> order;
        for (const pdf_layout::Block& b : page.blocks)
            for (const Line& l : b.lines) order.push_back(l.words[0]);
        QCOMPARE(order, (std::vector<size_t>{1, 2, 0}));
    }
    void layoutParagraphIndent() {
        using namespace pdf_layout;
        std::vector<Word> words;
        for (int i = 0; i < 4; ++i) {
            const double indent = (i == 2) ? 12 : 0;  // line 2 starts a new paragraph
            words.push_back(Word{"w", Box{72 + indent, 100 + 12.0 * i, 300, 110 + 12.0 * i}, false, false, false, 10});
        }
        const Page page = layout_page(words, 600, 800);
        QCOMPARE(page.blocks.size(), size_t{1});
        QCOMPARE(page.blocks[0].paragraph_starts, (std::vector<size_t>{0, 2}));
    }
    void layoutSurvivesGarbageBoxes() {
        using namespace pdf_layout;
        std::vector<Word> words;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        words.push_back(Word{"a", Box{nan, nan, nan, nan}, false, false, false, 0});
        words.push_back(Word{"b", Box{10, 10, 5, 5}, false, false, false, -1});
        words.push_back(Word{"c", Box{1e308, -1e308, 1e308, 1e308}, false, false, true, 1e9});
        const Page page = layout_page(words, 0, 0);
        size_t n = 0;
        for (const pdf_layout::Block& b : page.blocks)
            for (const Line& l : b.lines) n += l.words.size();
        QCOMPARE(n, size_t{3});
    }

    // ---- Markdown and HTML ----------------------------------------------------------------
    void markdownStructureAndInlineMarkup() {
        QTemporaryDir dir;
        const std::string md =
            "---\ntitle: \"Notes\"\nauthor: Bea\n---\n"
            "# Intro\n\nSome *emphasis*, **strong**, `code`, a [link](http://x.invalid) and snake_case.\n"
            "Wrapped line.\n\n"
            "Second Part\n-----------\n\n"
            "- item one\n- item two\n\n"
            "```\n# not a heading\ncode line\n```\n\n"
            "### Deep ###\n\n> quoted text\n";
        const Document d = import_document(write_file(dir, "notes.md", md));
        QVERIFY2(d.check_invariants().empty(), d.check_invariants().c_str());
        QCOMPARE(d.format, std::string("markdown"));
        QCOMPARE(d.metadata.title, std::string("Notes"));
        QCOMPARE(d.metadata.author, std::string("Bea"));
        QCOMPARE(d.toc.size(), size_t{3});
        QCOMPARE(d.toc[0].title, std::string("Intro"));
        QCOMPARE(d.toc[1].title, std::string("Second Part"));
        QCOMPARE(d.toc[1].level, 2);
        QCOMPARE(d.toc[2].title, std::string("Deep"));
        QCOMPARE(d.toc[2].level, 3);
        QVERIFY(d.text.find("Some emphasis, strong, code, a link and snake_case. Wrapped line.") != std::string::npos);
        QVERIFY(d.text.find("item one\n\nitem two") != std::string::npos);
        QVERIFY(d.text.find("# not a heading\ncode line") != std::string::npos);
        QVERIFY(d.text.find("quoted text") != std::string::npos);
        QVERIFY(d.slice(d.toc[1].offset, d.text.size()).starts_with("Second Part"));
    }
    void markdownHostileInputStaysFast() {
        QTemporaryDir dir;
        std::string md;
        for (int i = 0; i < 40000; ++i) md += "[a";  // deeply nested link text
        md += "x";
        for (int i = 0; i < 40000; ++i) md += "](u)";
        md += "\n\n";
        for (int i = 0; i < 40000; ++i) md += (i % 2) ? "`` a " : "` b ";  // unmatched code spans
        md += "\n\n" + std::string(200000, '<');
        QElapsedTimer timer;
        timer.start();
        const Document d = import_document(write_file(dir, "hostile.md", md));
        QVERIFY(timer.elapsed() < 10000);
        QVERIFY(d.check_invariants().empty());
    }
    void htmlImporter() {
        QTemporaryDir dir;
        const std::string html =
            "<!DOCTYPE html><html lang=\"de\"><head><title>Seite</title><meta name=\"author\" content=\"Max\">"
            "<script>var x = '<p>no</p>';</script><style>p{}</style></head><body>"
            "<h1>Kapitel&nbsp;1</h1><p>Erster <em>Absatz</em>,<br>zweite Zeile &amp; mehr.</p>"
            "<div><p>Dritter</p>Text</div><h2 id=\"x\">Teil</h2><ul><li>eins</li><li>zwei</li></ul>"
            "<img src=\"http://x.invalid/a.png\" alt=\"a long description\"></body></html>";
        const Document d = import_document(write_file(dir, "page.html", html));
        QVERIFY2(d.check_invariants().empty(), d.check_invariants().c_str());
        QCOMPARE(d.format, std::string("html"));
        QCOMPARE(d.metadata.title, std::string("Seite"));
        QCOMPARE(d.metadata.author, std::string("Max"));
        QCOMPARE(d.metadata.language, std::string("de"));
        QCOMPARE(d.text, std::string("Kapitel\xC2\xA0" "1\n\nErster Absatz,\nzweite Zeile & mehr.\n\nDritter\n\nText\n\nTeil\n\neins\n\nzwei"));
        QCOMPARE(d.toc.size(), size_t{2});
        QCOMPARE(d.toc[1].level, 2);
    }
    void htmlWithBrokenBytesGivesValidText() {
        // Found by the fuzzer: libxml2's HTML parser passes invalid bytes through.
        QTemporaryDir dir;
        const std::string html("<!DOCTYPE h1><p>x<br>y &\375\377\0\0amp; <i>z</i></p><pre>a\n\n b</pre>", 61);
        const Document d = import_document(write_file(dir, "broken.html", html));
        QVERIFY2(d.check_invariants().empty(), d.check_invariants().c_str());
        QVERIFY(d.text.find('z') != std::string::npos);
    }
    void sniffingPrefersContent() {
        QTemporaryDir dir;
        // HTML content in a .txt-less file is recognised by its markup.
        const Document d = import_document(write_file(dir, "page", "<!doctype html><p>Hi</p>"));
        QCOMPARE(d.format, std::string("html"));
        // A ".pdf" that is not one fails as a damaged PDF, not as text.
        QCOMPARE(import_error_kind(write_file(dir, "fake.pdf", "just text")), ImportErrorKind::Damaged);
    }

    // ---- SHA-256 ---------------------------------------------------------------------------
    void sha256KnownVectors() {
        QCOMPARE(sha256_hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256_hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        Sha256 h;  // streaming in odd pieces equals one shot
        const std::string million(1000000, 'a');
        for (size_t i = 0; i < million.size(); i += 977) h.update(std::string_view(million).substr(i, 977));
        QCOMPARE(h.finish_hex(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    // ---- library store ---------------------------------------------------------------------
    void storeRoundTrip() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("library.sqlite").toStdString();
        LibraryStore store(path);
        QCOMPARE(store.schema_version(), LibraryStore::kSchemaVersion);
        LibraryDocument doc{0, "/books/alice.txt", sha256_hex("alice"), "text", "Alice", "Carroll", 0, 163114, 100, 0, 0};
        const int64_t id = store.add_document(doc);
        QVERIFY(id > 0);
        // Same content from another path: same record, new path.
        doc.path = "/moved/alice.txt";
        QCOMPARE(store.add_document(doc), id);
        QCOMPARE(store.document(id)->path, std::string("/moved/alice.txt"));
        QCOMPARE(store.document_by_hash(sha256_hex("alice"))->title, std::string("Alice"));
        store.mark_opened(id, 500);
        store.set_reading_position(id, 1234);
        QCOMPARE(store.document(id)->reading_position, int64_t{1234});

        store.set_reading_state(ReadingState{id, "smollm2", 100, 40000, ReadingStatus::Reading, 501});
        store.set_reading_state(ReadingState{id, "smollm2", 40000, 40000, ReadingStatus::Done, 502});
        store.set_reading_state(ReadingState{id, "gemma3", 10, 50000, ReadingStatus::Paused, 503});
        QCOMPARE(store.reading_state(id, "smollm2")->status, ReadingStatus::Done);
        QCOMPARE(store.reading_state(id, "smollm2")->tokens_read, int64_t{40000});
        QCOMPARE(store.reading_states(id).size(), size_t{2});
        QVERIFY(!store.reading_state(id, "other"));

        QuestionRecord q{0, id, "smollm2", "infllm", "Who is late?", "The White Rabbit.", "{\"ttft_ms\":12}",
                         "[{\"begin\":10,\"end\":20}]", 600, 0, {}, {}};
        const int64_t qid = store.add_question(q);
        QVERIFY(qid > 0);
        const auto qs = store.questions(id);
        QCOMPARE(qs.size(), size_t{1});
        QCOMPARE(qs[0].answer, std::string("The White Rabbit."));
        QCOMPARE(qs[0].evidence_json, std::string("[{\"begin\":10,\"end\":20}]"));
        QCOMPARE(qs[0].follows_id, int64_t{0});
        QVERIFY(qs[0].scope.empty());
        // A follow-up about a chapter keeps what it continues and what it was about.
        QuestionRecord follow = q;
        follow.question = "Why?";
        follow.follows_id = qid;
        follow.scope = {100, 2500};
        follow.scope_label = "Chapter I";
        store.add_question(follow);
        const auto qs2 = store.questions(id);
        QCOMPARE(qs2.size(), size_t{2});
        QCOMPARE(qs2[1].follows_id, qid);
        QCOMPARE(qs2[1].scope, (TextRange{100, 2500}));
        QCOMPARE(qs2[1].scope_label, std::string("Chapter I"));

        store.set_setting("method", "infllm");
        store.set_setting("method", "quest");
        QCOMPARE(*store.setting("method"), std::string("quest"));
        QVERIFY(!store.setting("missing"));

        // A failed transaction leaves nothing behind.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, store.transaction([&] {
            store.set_setting("half", "written");
            throw std::runtime_error("boom");
        }));
        QVERIFY(!store.setting("half"));

        store.remove_document(id);  // cascades
        QVERIFY(!store.document(id));
        QVERIFY(store.questions(id).empty());
        QVERIFY(store.reading_states(id).empty());
        QCOMPARE(store.integrity_check(), std::string("ok"));
    }
    void storeMigratesFromVersionOneAndRefusesNewer() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("old.sqlite").toStdString();
        {
            sqlite3* db = nullptr;
            QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            // Version 1's schema as released (no questions index yet), with one row.
            const char* v1 =
                GLEANER_LIBRARY_SCHEMA_1
                "INSERT INTO documents (path, content_hash, format, added_at) VALUES ('/a.txt', 'h1', 'text', 1);"
                "INSERT INTO questions (document_id, model, method, question, asked_at) VALUES (1, 'm', 'full', 'Q?', 2);"
                "PRAGMA user_version=1;";
            QCOMPARE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        {
            LibraryStore store(path);
            QCOMPARE(store.schema_version(), LibraryStore::kSchemaVersion);
            QCOMPARE(store.documents().size(), size_t{1});
            const auto qs = store.questions(store.documents().front().id);  // kept, as questions asked alone
            QCOMPARE(qs.size(), size_t{1});
            QCOMPARE(qs[0].question, std::string("Q?"));
            QCOMPARE(qs[0].follows_id, int64_t{0});
            QVERIFY(qs[0].scope.empty());
        }
        {
            sqlite3* db = nullptr;
            QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        QVERIFY_THROWS_EXCEPTION(LibraryError, LibraryStore{path});
        // Not a database at all.
        QTemporaryDir dir2;
        const std::string junk = write_file(dir2, "junk.sqlite", std::string(4096, 'x'));
        QVERIFY_THROWS_EXCEPTION(LibraryError, LibraryStore{junk});
    }
    void storeSurvivesKillDuringWrites() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("crash.sqlite").toStdString();
        int64_t doc_id = 0;
        {
            LibraryStore store(path);
            doc_id = store.add_document(LibraryDocument{0, "/b.txt", "hash-b", "text", "B", "", 0, 1, 1, 0, 0});
        }
        constexpr int kBatch = 200;
        int pipe_fd[2];
        QCOMPARE(pipe(pipe_fd), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // Child: commit batches of kBatch questions forever, reporting each commit.
            close(pipe_fd[0]);
            try {
                LibraryStore store(path);
                const std::string big(2000, 'z');  // make transactions take real time
                for (int64_t committed = 0;; ) {
                    store.transaction([&] {
                        for (int i = 0; i < kBatch; ++i) {
                            std::string question = "q";
                            question += std::to_string(committed + i);
                            store.add_question(QuestionRecord{0, doc_id, "m", "full", question, big, {}, {}, committed + i, 0, {}, {}});
                        }
                    });
                    committed += kBatch;
                    if (write(pipe_fd[1], &committed, sizeof committed) != sizeof committed) _exit(3);
                }
            } catch (...) {
                _exit(2);
            }
        }
        close(pipe_fd[1]);
        int64_t reported = 0;
        while (reported < 5 * kBatch) {
            int64_t v = 0;
            if (read(pipe_fd[0], &v, sizeof v) != sizeof v) break;
            reported = v;
        }
        usleep(3000);  // land somewhere inside the next transaction
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        close(pipe_fd[0]);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QVERIFY(reported >= 5 * kBatch);

        LibraryStore store(path);
        QCOMPARE(store.integrity_check(), std::string("ok"));
        const auto qs = store.questions(doc_id);
        // Everything reported committed is there; nothing from a half-done batch is.
        QVERIFY2(static_cast<int64_t>(qs.size()) >= reported, qPrintable(QString::number(qs.size())));
        QCOMPARE(qs.size() % kBatch, size_t{0});
        for (size_t i = 0; i < qs.size(); ++i) QCOMPARE(qs[i].asked_at, static_cast<int64_t>(i));
        QVERIFY(store.document(doc_id).has_value());
    }
};

QTEST_APPLESS_MAIN(TestDocuments)
#include "test_documents.moc"
