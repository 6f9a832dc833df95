// Importers over real files: copies of corpus documents in tests/data/corpus (attribution in
// ATTRIBUTION.md there) and small synthetic hostile files in tests/data/documents
// (make_fixtures.py). Page counts are pdfinfo's, from the corpus MANIFEST.
#include <QtTest>

#include <poppler-document.h>
#include <poppler-page.h>

#include <chrono>
#include <memory>
#include <string>

#include "import.h"
#include "text_util.h"

using namespace gleaner;

namespace {

std::string corpus(const char* name) { return std::string(GLEANER_TEST_DATA_DIR) + "/corpus/" + name; }
std::string fixture(const char* name) { return std::string(GLEANER_TEST_DATA_DIR) + "/documents/" + name; }

struct Failure {
    ImportErrorKind kind;
    std::string message;
};

Failure import_failure(const std::string& path, const ImportOptions& options = {}) {
    try {
        import_document(path, options);
    } catch (const ImportError& e) {
        return {e.kind(), e.what()};
    }
    return {static_cast<ImportErrorKind>(-1), "imported without error"};
}

Document checked_import(const std::string& path, const ImportOptions& options = {}) {
    Document d = import_document(path, options);
    const std::string broken = d.check_invariants();
    if (!broken.empty()) qFatal("%s: %s", path.c_str(), broken.c_str());
    return d;
}

// The text poppler itself finds inside a rectangle of a page, whitespace collapsed.
std::string poppler_text_in(const std::string& path, const PageRect& r) {
    std::unique_ptr<poppler::document> pdf(poppler::document::load_from_file(path));
    std::unique_ptr<poppler::page> page(pdf->create_page(r.page));
    // poppler selects by the lower half of a line (around the baseline); keeping to that band
    // keeps the neighbouring lines out.
    const poppler::rectf rect(r.x - 1.0, r.y + r.h * 0.5, r.w + 2.0, r.h * 0.4);
    const auto utf8 = page->text(rect).to_utf8();
    return collapse_whitespace(std::string(utf8.begin(), utf8.end()));
}

}  // namespace

class TestCorpusImport : public QObject {
    Q_OBJECT

private slots:
    // ---- PDF ---------------------------------------------------------------------------------
    void pdfOutlineFlatTocWithPages() {
        const Document d = checked_import(corpus("pdflatex-outline.pdf"));
        QCOMPARE(d.format, std::string("pdf"));
        QCOMPARE(d.page_count(), 4);
        QCOMPARE(d.toc.size(), size_t{9});
        const char* titles[] = {"Foo", "Bar", "Baz"};
        for (size_t i = 0; i < d.toc.size(); ++i) {
            const TocEntry& e = d.toc[i];
            QCOMPARE(e.level, 1);
            QCOMPARE(e.title, std::string(titles[i % 3]));
            QVERIFY(e.page >= 1 && e.page <= 3);
            QCOMPARE(d.page_of_char(e.offset), e.page);
            // The entry lands on its printed heading ("4 Foo"), not on the printed contents.
            const std::string heading = std::to_string(i + 1) + " " + e.title;
            QVERIFY2(d.slice(e.offset, e.offset + heading.size()) == heading, e.title.c_str());
            if (i > 0) QVERIFY(e.offset > d.toc[i - 1].offset);
        }
        QVERIFY(d.words.size() > 1000);
    }
    void pdfTwoColumnReadingOrder() {
        const Document d = checked_import(corpus("multicolumn_2col.pdf"));
        QCOMPARE(d.page_count(), 3);
        const size_t title = d.text.find("Two-Column Document with Lorem Ipsum");
        const size_t abstract = d.text.find("Abstract");
        const size_t left_start = d.text.find("This is a sample document with two columns");
        const size_t left_end = d.text.find("Vivamus viverra fermentum felis.");
        const size_t right_start = d.text.find("Phasellus adipiscing semper elit.");
        QVERIFY(title < abstract && abstract < left_start && left_start < left_end && left_end < right_start);
        // The sentence that runs from the bottom of the left column to the top of the right one
        // is one sentence in the text, and LaTeX's hyphenation is undone.
        QVERIFY(d.text.find("Donec nonummy pellentesque ante.") != std::string::npos);
        QVERIFY(d.text.find("Maecenas lacinia.") != std::string::npos);
        QVERIFY(d.text.find("Maece-") == std::string::npos);
        // Bare page numbers are not text.
        QVERIFY(d.text.find("\n\n1\n\n") == std::string::npos);
    }
    void pdfThreeColumnSentenceMapsToPageAndRectangles() {
        const std::string path = corpus("federal-register-2020-17221_3col.pdf");
        const Document d = checked_import(path);
        QCOMPARE(d.page_count(), 15);
        const std::string sentence = "Following the Lion Air Flight 610 accident on October 29, 2018, data from the flight data recorder";
        const size_t at = d.text.find(sentence);
        QVERIFY(at != std::string::npos);
        QCOMPARE(d.page_of_char(at), 1);
        const auto rects = d.rects_for_range(at, at + sentence.size());
        QVERIFY(rects.size() >= 3);  // a narrow column: the sentence spans several lines
        std::string seen;
        for (const PageRect& r : rects) {
            QCOMPARE(r.page, 1);
            QVERIFY(r.x > 40 && r.x + r.w < 215);  // all in the first column
            if (!seen.empty()) seen += ' ';
            seen += poppler_text_in(path, r);
        }
        QCOMPARE(seen, sentence);
        // The first column's sentence continues in the second column, past the footnotes.
        QVERIFY(d.text.find("airspeed disagree alert, and altitude disagree alert,5 and may affect") != std::string::npos);
        // The running header is not text; the page's own content is.
        QVERIFY(d.text.find("Federal Register / Vol. 85") == std::string::npos);
    }
    void pdfOwnerPasswordOnlyOpens() {
        const Document d = checked_import(corpus("dmca_owner-password.pdf"));
        QCOMPARE(d.page_count(), 18);
        QVERIFY(d.text.find("Digital Millennium Copyright Act") != std::string::npos);
        QVERIFY(d.text.size() > 30000);
    }
    void pdfUserPassword() {
        const std::string path = corpus("libreoffice-writer-password_encrypted.pdf");
        const Failure none = import_failure(path);
        QCOMPARE(none.kind, ImportErrorKind::PasswordRequired);
        QCOMPARE(none.message, std::string("password required (encrypted PDF)"));
        ImportOptions wrong;
        wrong.password = "letmein";
        QCOMPARE(import_failure(path, wrong).kind, ImportErrorKind::WrongPassword);
        ImportOptions right;
        right.password = "openpassword";
        const Document d = checked_import(path, right);
        QCOMPARE(d.page_count(), 1);
        QVERIFY(d.text.find("Lorem ipsum") != std::string::npos);
    }
    // Issue 15: a scan opens with its pages (to be viewed) and no text, marked as needing OCR.
    void pdfScannedHasNoTextLayer() {
        const Document d = import_document(corpus("huckfinn-c02-22_scanned.pdf"));
        QVERIFY(d.needs_ocr);
        QVERIFY(d.text.empty());
        QCOMPARE(d.page_count(), 1);
        QCOMPARE(d.check_invariants(), std::string());
    }
    void pdfTruncatedAndDamaged() {
        const Failure truncated = import_failure(corpus("federal-register-2020-17221_TRUNCATED-derived.pdf"));
        QCOMPARE(truncated.kind, ImportErrorKind::Damaged);
        QCOMPARE(truncated.message, std::string("damaged or truncated PDF (cannot be opened)"));
        // Page tree of the wrong type, as in the corpus's unreadablemetadata_damaged-xref.pdf.
        const Failure tree = import_failure(fixture("damaged-pagetree.pdf"));
        QCOMPARE(tree.kind, ImportErrorKind::Damaged);
    }
    void pdfRecoverableCorruption() {
        const Document d = checked_import(corpus("zen-of-python_corrupted.pdf"));
        QVERIFY(d.text.find("Beautiful is better than ugly.") != std::string::npos);
        QVERIFY(d.text.find("Namespaces are one honking great idea") != std::string::npos);
    }
    void pdfJapaneseVertical() {
        const Document d = checked_import(corpus("jo_japanese_vertical.pdf"));
        QVERIFY(d.text.starts_with("序"));
        const size_t a = d.text.find("わたくしといふ現象は");
        const size_t b = d.text.find("假定された有機交流電燈の");
        const size_t c = d.text.find("ひとつの青い照明です");
        QVERIFY(a != std::string::npos && a < b && b < c);  // columns right to left
        QVERIFY(!d.words.empty() && d.words[1].vertical);
        const auto rects = d.rects_for_range(a, a + std::string("わたくしといふ現象は").size());
        QCOMPARE(rects.size(), size_t{1});
        QVERIFY(rects[0].h > 5 * rects[0].w);  // a vertical column
    }
    void pdfArabic() {
        const Document d = checked_import(corpus("habibi_arabic.pdf"));
        QVERIFY(d.text.find("\xD8\xAD\xD9\x8E\xD8\xA8\xD9\x8A\xD8\xA8\xD9\x8A") != std::string::npos);  // حَبيبي
        QVERIFY(d.text.find("habibi") != std::string::npos);
        QVERIFY(d.metadata.right_to_left);
    }

    // ---- EPUB --------------------------------------------------------------------------------
    void epubNestedTocAndFragments() {
        const Document d = checked_import(corpus("childrens-literature.epub"));
        QCOMPARE(d.format, std::string("epub"));
        QCOMPARE(d.metadata.title, std::string("Children's Literature"));
        QCOMPARE(d.metadata.author, std::string("Charles Madison Curry, Erle Elsworth Clippinger"));
        QCOMPARE(d.metadata.language, std::string("en"));
        QCOMPARE(d.sections.size(), size_t{3});  // cover, nav, s04 (spine order)
        QCOMPARE(d.toc.size(), size_t{31});      // 22 links + 9 author labels; page-list nav excluded
        int deepest = 0;
        for (const TocEntry& e : d.toc) deepest = std::max(deepest, e.level);
        QCOMPARE(deepest, 4);
        QCOMPARE(d.toc[0].level, 1);
        QCOMPARE(d.toc[0].title, std::string("SECTION IV FAIRY STORIES—MODERN FANTASTIC TALES"));
        for (size_t i = 1; i < d.toc.size(); ++i) QVERIFY(d.toc[i].offset >= d.toc[i - 1].offset);
        // Fragment targets inside the one big XHTML file land on their headings (the nav says
        // "II. Friendship" where the chapter's own heading says "2. Friendship").
        int checked = 0;
        for (const TocEntry& e : d.toc) {
            const std::string expected = e.title == "II. Friendship" ? "2. Friendship" : e.title;
            if (e.title != "BIBLIOGRAPHY" && e.title != "II. Friendship") continue;
            QVERIFY2(d.slice(e.offset, e.offset + expected.size()) == expected, e.title.c_str());
            QCOMPARE(d.section_of_char(e.offset).section, 2);
            ++checked;
        }
        QCOMPARE(checked, 2);
        // Print page markers (epub:type="pagebreak") are not text.
        QVERIFY(d.text.find("nature.\" Many modern") != std::string::npos);
    }
    void epubArabicRightToLeft() {
        const Document d = checked_import(corpus("regime-anticancer-arabic.epub"));
        QVERIFY(d.metadata.right_to_left);
        QCOMPARE(d.metadata.language, std::string("ar"));
        size_t arabic = 0;
        for (size_t i = 0; i < d.text.size();) arabic += is_rtl_code_point(next_code_point(d.text, i));
        QVERIFY(arabic > 10000);
        QCOMPARE(d.toc.size(), size_t{3});
    }
    void epubDropCapsInlineMarkupAndNcx() {
        const Document d = checked_import(fixture("dropcap.epub"));
        QVERIFY(d.text.find("The quick brown fox jumped over the lazy dog.") != std::string::npos);
        QVERIFY(d.text.find("Once upon a time.") != std::string::npos);
        QVERIFY(d.text.find("Roses and lilies.") != std::string::npos);
        QVERIFY(d.text.find("Line one\nline two") != std::string::npos);
        QCOMPARE(d.toc.size(), size_t{3});
        QCOMPARE(d.toc[1].title, std::string("The Garden"));
        QCOMPARE(d.toc[1].level, 2);
        QVERIFY(d.slice(d.toc[1].offset, d.toc[1].offset + 10) == "The Garden");
        QCOMPARE(d.sections.size(), size_t{2});
        QCOMPARE(d.sections[1].title, std::string("Chapter Two"));
    }
    void epubHostileArchives() {
        // Hrefs escaping the archive are ignored (and said so); only the real chapter is read.
        const Document t = checked_import(fixture("traversal.epub"));
        QCOMPARE(t.text, std::string("Only this text is inside the archive."));
        QCOMPARE(t.warnings.size(), size_t{1});
        // External entities are not loaded; an entity bomb does not explode.
        const auto t0 = std::chrono::steady_clock::now();
        const Document x = checked_import(fixture("xxe.epub"));
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
        QVERIFY(x.text.find("root:") == std::string::npos);
        QVERIFY(x.text.find("Safe paragraph.") != std::string::npos);
        QVERIFY(x.text.find("lollollol") == std::string::npos);
        // A 64 MiB entry that compresses 1000:1 is refused before it is inflated.
        const Failure bomb = import_failure(fixture("zipbomb.epub"));
        QCOMPARE(bomb.kind, ImportErrorKind::TooLarge);
        // And the total cap holds even when the ratio check does not fire.
        ImportOptions tight;
        tight.max_uncompressed_bytes = 1000;
        QCOMPARE(import_failure(corpus("childrens-literature.epub"), tight).kind, ImportErrorKind::TooLarge);
    }

    // ---- plain text --------------------------------------------------------------------------
    void textGutenbergAlice() {
        const Document d = checked_import(corpus("alice-in-wonderland_pg11.txt"));
        QCOMPARE(d.metadata.title, std::string("Alice's Adventures in Wonderland"));
        QCOMPARE(d.metadata.author, std::string("Lewis Carroll"));
        QVERIFY(d.slice(d.front_matter).ends_with("*** START OF THIS PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***"));
        QVERIFY(d.slice(d.back_matter).starts_with("End of Project Gutenberg's Alice's Adventures in Wonderland"));
        QCOMPARE(d.toc.size(), size_t{12});
        QCOMPARE(d.toc[0].title, std::string("CHAPTER I. Down the Rabbit-Hole"));
        QCOMPARE(d.toc[11].title, std::string("CHAPTER XII. Alice's Evidence"));
        QVERIFY(d.text.find("\r") == std::string::npos);
        QVERIFY(!d.text.starts_with("\xEF\xBB\xBF"));
        QVERIFY(d.text.find("Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do:") != std::string::npos);
    }

    // Moby Dick prints its contents (135 chapters): marked, from its title to "Epilogue", with no
    // chapter heading inside it, and the chapters themselves after it
    void textGutenbergMobyDickContents() {
        const Document d = checked_import(corpus("moby-dick_pg2701.txt"));
        QVERIFY(d.contents.begin > d.front_matter.end);
        const std::string_view contents = d.slice(d.contents);
        QVERIFY(contents.starts_with("CONTENTS\n\nETYMOLOGY."));
        QVERIFY(contents.find("CHAPTER 105. Does the Whale") != std::string_view::npos);
        QVERIFY(contents.ends_with("CHAPTER 135. The Chase.\u2014Third Day.\n\nEpilogue"));
        for (const TocEntry& e : d.toc) QVERIFY(e.offset >= d.contents.end);
        QCOMPARE(d.toc.front().title, std::string("CHAPTER 1. Loomings."));
        QVERIFY(d.slice(d.toc.front().offset, d.text.size()).starts_with("CHAPTER 1. Loomings.\n\nCall me Ishmael."));
        QVERIFY(checked_import(corpus("alice-in-wonderland_pg11.txt")).contents.empty());  // it prints none
    }
};

QTEST_APPLESS_MAIN(TestCorpusImport)
#include "test_corpus_import.moc"
