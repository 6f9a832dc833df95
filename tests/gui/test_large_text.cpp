// Documents at the size limit in the desktop program (issue 14): a text just under the limit,
// on one line or in many paragraphs, opens, the reader goes to its end and searches it, and the
// program stays within the memory budget stated in documents/document_limits.h; a 200 MB text is
// refused at once with the reason. Offscreen.
#include <QMessageBox>

#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "document_limits.h"
#include "gui_test_support.h"
#include "reader_view.h"

using namespace gleaner;

namespace {

// The budget of document_limits.h for a document at the limit.
constexpr qint64 kBudgetBytes = qint64{1536} << 20;

// The process's peak resident memory so far (VmHWM), in bytes.
qint64 peakResidentBytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
    return -1;
}

// `bytes` of prose-like words ending with "zebrafinch", the one word the end holds; `columns` > 0
// wraps it into 8-line paragraphs of that width, 0 leaves it one line.
std::string generatedText(size_t bytes, size_t columns) {
    static const char* const kWords[] = {"the", "night", "was", "dark", "and", "a", "river", "ran",
                                         "under", "old", "bridges", "of", "stone", "while", "they", "slept"};
    std::string text;
    text.reserve(bytes);
    size_t line = 0, lines = 0;
    for (size_t i = 0; text.size() + 32 < bytes; ++i) {
        const std::string word = kWords[(i * 7 + i / 13) % 16];
        if (columns > 0 && line + word.size() + 1 > columns) {
            text += ++lines % 8 == 0 ? "\n\n" : "\n";
            line = 0;
        } else if (!text.empty()) {
            text += ' ';
            ++line;
        }
        text += word;
        line += word.size();
    }
    text += " zebrafinch.\n";
    return text;
}

std::string writeFile(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

}  // namespace

class TestLargeText : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;
    QTemporaryDir dir_;

    ui::ReaderView* reader() { return w_->reader(); }

    // Opens the text, goes to its end and searches it as a reader would; then the budget.
    void openReadAndSearch(const std::string& text, const char* name) {
        QVERIFY(text.size() < kMaxDocumentTextBytes);
        QVERIFY(text.size() > kMaxDocumentTextBytes - (size_t{64} << 10));
        const QString path = QString::fromStdString(writeFile(dir_, name, text));
        QVERIFY(test::openAndWait(*w_, path, 120000));
        QVERIFY(reader()->document().document->text.size() + 8 > text.size());  // all of it

        const size_t end = reader()->document().document->text.size();
        reader()->goToOffset(end - 1);
        QTRY_VERIFY_WITH_TIMEOUT(reader()->currentOffset() + 8192 > end, 60000);
        reader()->find("zebrafinch");
        QCOMPARE(reader()->searchHits().size(), size_t{1});
        reader()->find("night");  // every hit up to the search's cap highlighted
        QCOMPARE(reader()->searchHits().size(), size_t{10000});
        reader()->goToOffset(0);
        QTRY_VERIFY_WITH_TIMEOUT(reader()->currentOffset() < 8192, 60000);

        const qint64 peak = peakResidentBytes();
        qInfo("%s: %zu bytes of text, peak resident memory %lld MB", name, text.size(), peak >> 20);
        QVERIFY2(peak > 0 && peak < kBudgetBytes, qPrintable(QString("peak %1 MB").arg(peak >> 20)));
    }

private slots:
    void initTestCase() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
    }
    void cleanupTestCase() { w_.reset(); }

    void aTextOverTheLimitIsRefusedWithTheReason() {
        // The 200 MB text of issue 14, as a sparse file: no disk, and nothing to read.
        const std::string path = writeFile(dir_, "huge.txt", "CHAPTER I.\n\nIt was a dark and stormy night.\n\n");
        QCOMPARE(::truncate(path.c_str(), 200'000'000), 0);
        QSignalSpy failed(w_.get(), &ui::MainWindow::documentFailed);
        w_->openDocument(QString::fromStdString(path));
        QVERIFY(failed.wait(10000));
        QMessageBox* box = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (box = w_->findChild<QMessageBox*>("errorMessage")) != nullptr; }, 10000));
        QCOMPARE(box->text(), QString("Cannot open huge.txt"));
        QCOMPARE(box->informativeText(), QString::fromStdString(file_too_large_error(path, 200'000'000).what()));
        box->close();
        QVERIFY(!reader()->hasDocument());
        const qint64 peak = peakResidentBytes();
        qInfo("huge.txt refused, peak resident memory %lld MB", peak >> 20);
        QVERIFY2(peak < qint64{400} << 20, qPrintable(QString("peak %1 MB").arg(peak >> 20)));
    }

    void aSingleLineTextAtTheLimitStaysWithinTheBudget() {
        openReadAndSearch(generatedText(kMaxDocumentTextBytes - 1024, 0), "one-line.txt");
    }

    void manyParagraphsAtTheLimitStayWithinTheBudget() {
        openReadAndSearch(generatedText(kMaxDocumentTextBytes - 1024, 70), "paragraphs.txt");
    }
};

QTEST_MAIN(TestLargeText)
#include "test_large_text.moc"
