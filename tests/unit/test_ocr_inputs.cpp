// What OCR reads and writes, without tesseract: tesseract's TSV (hand-written, with malformed
// rows), the stored OCR text layer (round trip and hostile files), the helper-program runner
// (timeout, output cap, arguments without a shell), the message when tesseract is missing, and a
// scanned PDF opening with its pages and "needs OCR" instead of being refused.
#include <QtTest>

#include <atomic>
#include <fstream>
#include <string>

#include "bounded_process.h"
#include "import.h"
#include "ocr_layer.h"
#include "pdf_ocr.h"
#include "tesseract_tsv.h"
#include "test_support.h"

using namespace gleaner;

namespace {

const char* kHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

// A 1000 x 2000 pixel image of a 500 x 1000 point page: pixels halve into points.
OcrImageFrame frame() { return OcrImageFrame{3, 1000, 2000, 500.0, 1000.0}; }

const OcrWord* find_word(const std::vector<OcrWord>& words, const std::string& text) {
    for (const OcrWord& w : words)
        if (w.text == text) return &w;
    return nullptr;
}

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

}  // namespace

class TestOcrInputs : public QObject {
    Q_OBJECT
private slots:
    void tsvWordsComeBackInPagePoints() {
        const std::string tsv = std::string(kHeader) +
                                "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t\n"
                                "4\t1\t1\t1\t1\t0\t100\t200\t600\t40\t-1\t\n"
                                "5\t1\t1\t1\t1\t1\t100\t204\t180\t30\t96.5\tHuckleberry\n"
                                "5\t1\t1\t1\t1\t2\t300\t200\t120\t36\t91\tFinn,\r\n";
        const TsvParseResult r = parse_tesseract_tsv(tsv, frame());
        QCOMPARE(r.words.size(), size_t(2));
        QCOMPARE(r.rejected_rows, size_t(0));
        const OcrWord& huck = r.words[0];
        QCOMPARE(huck.text, std::string("Huckleberry"));
        QCOMPARE(huck.page, 3);
        QCOMPARE(huck.x0, 50.0);
        QCOMPARE(huck.y0, 102.0);
        QCOMPARE(huck.x1, 140.0);
        QCOMPARE(huck.y1, 117.0);
        QCOMPARE(huck.font_size, 20.0);  // the line's 40 pixels, not the word's 30
        QCOMPARE(r.words[1].text, std::string("Finn,"));  // the CR of a CRLF row is not part of it
    }

    void malformedTsvRowsAreRejectedAndBoxesClipped() {
        const std::string tsv = std::string(kHeader) +
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t90\n"                          // 11 columns
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t90\tone\textra\n"              // 13 columns
                                "5\t1\t1\t1\t1\t1\tten\t10\t50\t20\t90\tletters\n"                // not a number
                                "5\t1\t1\t1\t1\t1\t99999999999999999999999\t10\t50\t20\t90\thuge\n"
                                "5\t1\t1\t1\t1\t1\t10\t10\t-50\t20\t90\tnegative\n"               // negative width
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\tnan\tnotanumber\n"
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t250\ttoosure\n"               // confidence > 100
                                "9\t1\t1\t1\t1\t1\t10\t10\t50\t20\t90\tlevel9\n"
                                "5\t1\t1\t1\t1\t1\t5000\t10\t50\t20\t90\toutside\n"               // right of the image
                                "5\t1\t1\t1\t1\t1\t-20\t-10\t60\t30\t90\tclipped\n"               // sticks out top-left
                                "5\t1\t1\t1\t1\t1\t980\t1990\t100\t100\t90\tcorner\n"             // sticks out bottom-right
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t3\tspeck\n"                    // too unsure
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t80\t\x01\x7f\n"                // nothing printable
                                "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t80\tba\xff" "d\n"              // broken UTF-8
                                "garbage without tabs\n";
        const TsvParseResult r = parse_tesseract_tsv(tsv, frame());
        QCOMPARE(r.rejected_rows, size_t(10));  // every malformed row above but the unsure and unprintable words (skipped, not malformed)
        QVERIFY(!find_word(r.words, "huge"));
        QVERIFY(!find_word(r.words, "negative"));
        QVERIFY(!find_word(r.words, "outside"));
        QVERIFY(!find_word(r.words, "speck"));
        const OcrWord* clipped = find_word(r.words, "clipped");
        QVERIFY(clipped);
        QCOMPARE(clipped->x0, 0.0);
        QCOMPARE(clipped->y0, 0.0);
        QCOMPARE(clipped->x1, 20.0);  // (-20 + 60) px
        QCOMPARE(clipped->y1, 10.0);
        const OcrWord* corner = find_word(r.words, "corner");
        QVERIFY(corner);
        QCOMPARE(corner->x1, 500.0);   // the page's right edge
        QCOMPARE(corner->y1, 1000.0);  // and bottom
        QCOMPARE(r.words.size(), size_t(3));  // clipped, corner, and the repaired "ba\uFFFDd" without U+FFFD
        QVERIFY(find_word(r.words, "bad"));
        for (const OcrWord& w : r.words) QVERIFY(!w.text.empty());
    }

    void ocrLayerRoundTripsAndHostileLayersAreRefused() {
        QTemporaryDir dir;
        OcrLayer layer;
        layer.page_count = 2;
        layer.pages_done = {0, 1};
        layer.words = {OcrWord{0, 10, 20, 30, 40, 12, "Huck"}, OcrWord{1, 1.5, 2.25, 3, 4, 9, "Jim’s"}};
        const std::string id(64, 'a');
        const std::string path = ocr_layer_path(dir.path().toStdString() + "/ocr", id);
        save_ocr_layer(layer, path);
        OcrLayer back;
        std::string error;
        QVERIFY2(load_ocr_layer(path, back, error), error.c_str());
        QCOMPARE(back.page_count, 2);
        QCOMPARE(back.pages_done, (std::vector<int>{0, 1}));
        QCOMPARE(back.words.size(), size_t(2));
        QCOMPARE(back.words[1].text, std::string("Jim’s"));
        QCOMPARE(back.words[1].y0, 2.25);
        QCOMPARE(back.words[1].page, 1);

        // An id is a digest: nothing else names a file, least of all one outside the folder.
        QVERIFY(ocr_layer_path("/x", "../../etc/passwd").empty());
        QVERIFY(ocr_layer_path("/x", std::string(64, 'A')).empty());

        const char* head = "gleaner-ocr-layer 1\npages\t2\ndone\t0\n";
        const std::vector<std::string> hostile = {
            "not a layer\n",
            std::string(head) + "5\t1\t1\t2\t2\t9\tpage-out-of-range\n",
            std::string(head) + "0\t1\t1\t2\t2\t9\ttwo words\n",
            std::string(head) + "0\t-1\t1\t2\t2\t9\tnegative\n",
            std::string(head) + "0\t1e300\t1\t2\t2\t9\thuge\n",
            std::string(head) + "0\t5\t1\t2\t2\t9\tx1-before-x0\n",
            std::string(head) + "0\t1\t1\t2\t2\t9\n",
            "gleaner-ocr-layer 1\npages\t999999999\ndone\n",
            "gleaner-ocr-layer 1\npages\t2\ndone\t7\n",
            "gleaner-ocr-layer 1\n",
        };
        for (const std::string& bytes : hostile) {
            const std::string bad = write_file(dir, "bad.ocr", bytes);
            QVERIFY2(!load_ocr_layer(bad, back, error), bytes.c_str());
            QVERIFY(!error.empty());
            QVERIFY(back.words.empty());
        }
    }

    void helperProgramIsBoundedAndGetsArgumentsVerbatim() {
        const std::string sh = find_program("sh", "/nonexistent:/usr/bin:/bin");
        QVERIFY(!sh.empty());
        QVERIFY(find_program("sh", "relative/dir:/nonexistent").empty());
        // An argument with shell syntax in it stays one argument.
        ProcessResult r = run_bounded({sh, "-c", "printf '%s' \"$1\"", "sh", "a; rm -rf / $(x)"}, {});
        QVERIFY(r.ok());
        QCOMPARE(r.out, std::string("a; rm -rf / $(x)"));

        ProcessLimits quick;
        quick.timeout = std::chrono::milliseconds(300);
        QElapsedTimer t;
        t.start();
        r = run_bounded({sh, "-c", "sleep 30"}, quick);
        QCOMPARE(int(r.outcome), int(ProcessResult::Outcome::TimedOut));
        QVERIFY(t.elapsed() < 5000);

        ProcessLimits small;
        small.max_output_bytes = 1000;
        r = run_bounded({sh, "-c", "yes"}, small);
        QCOMPARE(int(r.outcome), int(ProcessResult::Outcome::OutputTooLarge));

        std::atomic<bool> cancel{true};
        ProcessLimits cancelled;
        cancelled.cancel = &cancel;
        r = run_bounded({sh, "-c", "sleep 30"}, cancelled);
        QCOMPARE(int(r.outcome), int(ProcessResult::Outcome::Cancelled));
    }

    void missingTesseractSaysHowToInstallIt() {
        OcrOptions options;
        options.path_env = "/nonexistent-bin";
        try {
            ocr_pdf(test::dataFile("corpus/huckfinn-c02-22_scanned.pdf").toStdString(), options);
            QFAIL("OCR ran without tesseract");
        } catch (const OcrError& e) {
            const std::string why = e.what();
            QVERIFY2(why.find("tesseract") != std::string::npos && why.find("apt install tesseract-ocr") != std::string::npos,
                     why.c_str());
        }
    }

    void scannedPdfOpensWithItsPagesAndNeedsOcr() {
        const Document doc = import_document(test::dataFile("corpus/huckfinn-c02-22_scanned.pdf").toStdString());
        QVERIFY(doc.needs_ocr);
        QCOMPARE(doc.page_count(), 1);
        QVERIFY(doc.pages[0].width > 100 && doc.pages[0].height > 100);
        QVERIFY(doc.text.empty());
        QVERIFY(doc.words.empty());
        QVERIFY(!doc.id.empty());
        QCOMPARE(doc.check_invariants(), std::string());
        // A text PDF is not marked.
        QVERIFY(!import_document(test::dataFile("corpus/pdflatex-outline.pdf").toStdString()).needs_ocr);
    }
};

QTEST_GUILESS_MAIN(TestOcrInputs)
#include "test_ocr_inputs.moc"
