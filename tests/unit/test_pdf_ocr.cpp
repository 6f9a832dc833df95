// OCR of a real scan with tesseract (label `tesseract`: installer/setup.sh installs it; without
// it every test fails saying so). The scanned page is page 22 of Project Gutenberg's "Adventures
// of Huckleberry Finn": its words come back with boxes on the page, and the stored layer makes
// the PDF import as a text PDF whose word boxes land where the words are printed.
#include <QProcess>
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <string>

#include "bounded_process.h"
#include "import.h"
#include "ocr_layer.h"
#include "pdf_ocr.h"
#include "test_support.h"

using namespace gleaner;

namespace {

std::string scanned_pdf() { return test::dataFile("corpus/huckfinn-c02-22_scanned.pdf").toStdString(); }

const OcrWord* find_word(const OcrLayer& layer, const std::string& text) {
    for (const OcrWord& w : layer.words)
        if (w.text == text) return &w;
    return nullptr;
}

}  // namespace

class TestPdfOcr : public QObject {
    Q_OBJECT
    OcrLayer layer_;
    std::vector<std::pair<int, int>> progress_;

private slots:
    void initTestCase() {
        const char* path = std::getenv("PATH");
        if (find_program("tesseract", path ? path : "").empty()) QFAIL(tesseract_missing_message().c_str());
        OcrOptions options;
        options.progress = [this](int page, int total) { progress_.emplace_back(page, total); };
        layer_ = ocr_pdf(scanned_pdf(), options);
    }

    void scannedPageWordsAreFoundOnThePage() {
        QCOMPARE(layer_.page_count, 1);
        QCOMPARE(layer_.pages_done, std::vector<int>{0});
        QCOMPARE(progress_, (std::vector<std::pair<int, int>>{{1, 1}}));
        const Document scan = import_document(scanned_pdf());
        const double width = scan.pages[0].width, height = scan.pages[0].height;
        // Words printed in the page's first paragraphs ("We went tip-toeing along a path amongst
        // the trees", "We scrouched down and laid still", "Miss Watson's big nigger, named Jim").
        for (const char* word : {"tip-toeing", "amongst", "scrouched", "kitchen"}) {
            const OcrWord* w = find_word(layer_, word);
            QVERIFY2(w, word);
            QCOMPARE(w->page, 0);
            QVERIFY(w->x0 >= 0 && w->x1 <= width && w->x0 < w->x1);
            QVERIFY(w->y0 >= 0 && w->y1 <= height && w->y0 < w->y1);
            QVERIFY(w->y1 - w->y0 < 30);  // a word's height in points, not pixels at 300 dpi
        }
        // Reading order: "tip-toeing" is on the first line of text, "scrouched" further down.
        QVERIFY(find_word(layer_, "tip-toeing")->y0 < find_word(layer_, "scrouched")->y0);
    }

    void storedLayerMakesTheScanImportAsText() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString() + "/ocr";
        const Document before = import_document(scanned_pdf());
        save_ocr_layer(layer_, ocr_layer_path(root, before.id));
        ImportOptions options;
        options.ocr_layer_dir = root;
        const Document doc = import_document(scanned_pdf(), options);
        QVERIFY(!doc.needs_ocr);
        QCOMPARE(doc.id, before.id);
        QCOMPARE(doc.check_invariants(), std::string());
        QVERIFY2(doc.text.find("scrouched down and laid still") != std::string::npos, doc.text.c_str());
        // The evidence rectangle of a word is where OCR saw it on the page.
        const size_t at = doc.text.find("scrouched");
        const std::vector<PageRect> rects = doc.rects_for_range(at, at + 9);
        QCOMPARE(rects.size(), size_t(1));
        const OcrWord* w = find_word(layer_, "scrouched");
        QCOMPARE(rects[0].page, 0);
        QVERIFY(std::abs(rects[0].x - w->x0) < 0.5 && std::abs(rects[0].y - w->y0) < 0.5);
        QVERIFY(std::abs(rects[0].w - (w->x1 - w->x0)) < 0.5);
    }

    // gleaner-cli: `ask` on the scan says to run `ocr` first (before any model is loaded); `ocr`
    // shows its progress on stderr and stores the text, which `text` then prints.
    void cliOcrMakesTheScanReadable() {
        QTemporaryDir dir;
        auto cli = [&](const QStringList& args, QString* err = nullptr) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("XDG_DATA_HOME", dir.path() + "/data");
            env.insert("GLEANER_LIBRARY", dir.path() + "/lib.sqlite3");
            env.insert("GLEANER_MODEL", dir.path() + "/no-model.gguf");
            p.setProcessEnvironment(env);
            p.start(test::binDir() + "/gleaner-cli", args);
            if (!p.waitForFinished(120000)) return std::make_pair(-1, QString());
            if (err) *err = QString::fromUtf8(p.readAllStandardError());
            return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()));
        };
        const QString pdf = QString::fromStdString(scanned_pdf());
        QString err;
        QCOMPARE(cli({"ask", pdf, "Who was in the kitchen door?"}, &err).first, 1);
        QVERIFY2(err.contains("scanned PDF") && err.contains("run 'gleaner-cli ocr " + pdf + "' first"), qPrintable(err));
        QVERIFY(cli({"ocr", "--help"}).second.contains("usage: gleaner-cli ocr FILE"));

        const auto ocr = cli({"ocr", pdf}, &err);
        QCOMPARE(ocr.first, 0);
        QVERIFY2(err.contains("OCR page 1 of 1"), qPrintable(err));
        QVERIFY2(ocr.second.contains("recognised"), qPrintable(ocr.second));
        const auto text = cli({"text", pdf});
        QCOMPARE(text.first, 0);
        QVERIFY2(text.second.contains("scrouched down and laid still"), qPrintable(text.second));
        // A second run finds the stored text and does not read the pages again.
        const auto again = cli({"ocr", pdf}, &err);
        QCOMPARE(again.first, 0);
        QVERIFY(again.second.contains("already recognised"));
        QVERIFY(!err.contains("OCR page"));
    }

    void cancelStopsOcr() {
        std::atomic<bool> cancel{true};
        OcrOptions options;
        options.cancel = &cancel;
        QVERIFY_THROWS_EXCEPTION(OcrCancelled, ocr_pdf(scanned_pdf(), options));
    }
};

QTEST_GUILESS_MAIN(TestPdfOcr)
#include "test_pdf_ocr.moc"
