// Asking, as a user does, with the small model (SmolLM2-135M, see gui_test_support.h): the book is read in the
// background when it opens (pause, resume), a question streams its answer with Stop at hand,
// the evidence lights up on the page and clicking a passage takes the reader to it, the answer
// is copied and exported as Markdown, and the history is there after a restart; a book another
// process is reading is waited for, and the window outlives a full disk. Offscreen. Each test
// starts from its own profile and window and passes alone (test_ask <function>) or in any order.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QListView>
#include <QProcess>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "answer_engine.h"
#include "app_settings.h"
#include "ask_panel.h"
#include "evidence_json.h"
#include "evidence_model.h"
#include "evidence_panel.h"
#include "layer_selection_map.h"
#include "gui_test_support.h"
#include "import.h"
#include "library_model.h"
#include "library_store.h"
#include "model_paths.h"
#include "question_controller.h"
#include "question_edit.h"
#include "reader_view.h"
#include "reading_controller.h"
#include "reading_progress_widget.h"
#include "reflow_text_view.h"
#include "selection_heat_strip.h"

using namespace gleaner;
using State = app::ReadingController::State;

namespace {
// Measures how long the event loop goes without running: the window must never freeze while
// the model works.
class FreezeMeter : public QObject {
public:
    FreezeMeter() {
        clock_.start();
        timer_.setInterval(10);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] {
            worst_ = std::max(worst_, clock_.restart());
        });
        timer_.start();
    }
    qint64 worstGapMs() const { return worst_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 worst_ = 0;
};

// Another reading of a book, as gleaner-cli read or a second window would be: it reads the book
// into the same reading memory the window uses (same model, settings and cache) on a thread of
// its own and, once it holds the memory, keeps it until stopped.
class OtherReading {
public:
    explicit OtherReading(const QString& book)
        : doc_(import_document(book.toStdString())), params_(app::AppSettings().methodSettings("gleaner")) {
        engine_ = make_answer_engine(app::AppSettings().modelPath().toStdString(), 1, cache_dir() + "/memory");
        thread_ = std::thread([this] {
            try {
                engine_->read(doc_, params_, [this](const ReadingUpdate&) {
                    holding_ = true;
                    while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }, &stop_);
            } catch (const std::exception& e) {
                error_ = e.what();
            }
            holding_ = false;
        });
    }
    ~OtherReading() { stop(); }
    bool holdsTheMemory() const { return holding_; }
    QString error() const { return QString::fromStdString(error_); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

private:
    Document doc_;
    MethodParameters params_;
    std::unique_ptr<AnswerEngine> engine_;
    std::atomic<bool> stop_{false}, holding_{false};
    std::string error_;
    std::thread thread_;
};

}  // namespace

class TestAsk : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;
    const QString pdf_ = test::dataFile("corpus/pdflatex-outline.pdf");

    ui::ReaderView* reader() { return w_->reader(); }
    app::QuestionController* questions() { return w_->questions(); }

    void newWindow() {
        QVERIFY(test::showNewMainWindow(w_));
    }

    // Types a question and presses Enter; waits for the answer to be saved.
    void askAndWait(const QString& question, int* streamedPieces = nullptr) {
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        QSignalSpy pieces(questions(), &app::QuestionController::answerText);
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        box->setFocus();
        QTest::keyClicks(box, question);
        QTest::keyClick(box, Qt::Key_Return);
        QVERIFY(questions()->isBusy());
        QVERIFY(w_->findChild<QPushButton*>("stopButton")->isVisible());
        QVERIFY(box->toPlainText().isEmpty());
        QVERIFY(finished.wait(300000));
        if (streamedPieces) *streamedPieces = int(pieces.count());
        QVERIFY(!questions()->isBusy());
    }

    // Opens the 4-page PDF and waits until the background reading has read all of it.
    void readThePdf() {
        QSettings().setValue("engine/readOnOpen", true);
        QVERIFY(test::openAndWait(*w_, pdf_));
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Done, 300000);
    }

    // The PDF read, and Gleaner's answer to a question about it shown with its evidence: where
    // the tests about answers start.
    void askAboutSection2() {
        readThePdf();
        if (QTest::currentTestFailed()) return;
        reader()->goToPage(0);
        askAndWait("What is written in section 2?");
        if (QTest::currentTestFailed()) return;
        QCOMPARE(questions()->history()->rowCount(), 1);
        QVERIFY(questions()->evidence()->rowCount() > 0);
    }

private slots:
    void initTestCase() { GLEANER_REQUIRE_MODEL(test::smollm2Path()); }

    // Every test starts from a new profile (library, settings, reading memories) and a new
    // window, and sets up what it needs itself (readThePdf, askAboutSection2): each passes when
    // run alone and in any order.
    void init() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        newWindow();
    }
    void cleanup() {
        w_.reset();
        profile_.reset();
    }

    void theMethodSelectorOffersEveryMethod() {
        auto* selector = w_->findChild<QComboBox*>("methodSelector");
        QStringList ids;
        for (int i = 0; i < selector->count(); ++i) ids << selector->itemData(i).toString();
        for (const char* id : {"gleaner", "qllm", "gemfilter", "infllm", "streaming", "full", "excerpt"})
            QVERIFY2(ids.contains(id), id);
        QCOMPARE(w_->askPanel()->selectedMethod(), QString("gleaner"));
    }

    void aLongBookIsReadInTheBackgroundWithPauseAndResumesAfterARestart() {
        QSettings().setValue("engine/readOnOpen", true);
        const QString book = test::sourceFile("resources/alice-in-wonderland.txt");
        QSignalSpy progress(w_->reading(), &app::ReadingController::progress);
        QVERIFY(test::openAndWait(*w_, book));
        QCOMPARE(w_->reading()->state(), State::Reading);
        auto* bar = w_->findChild<ui::ReadingProgressWidget*>("readingProgress");
        QVERIFY(bar->isVisible());
        // Past the first checkpoint (the engine saves every 2048 tokens), then pause.
        QTRY_VERIFY_WITH_TIMEOUT(w_->reading()->tokensRead() > 2300, 180000);
        QVERIFY(w_->reading()->tokensTotal() > 30000);  // the whole book, not a chunk of it
        QVERIFY2(bar->text().contains("tokens/s") && bar->text().contains("left"), qPrintable(bar->text()));
        w_->findChild<QToolButton*>("readingPause")->click();
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Paused, 60000);
        QVERIFY(bar->isVisible());
        QVERIFY(bar->isPaused());
        const qint64 readBefore = w_->reading()->tokensRead();
        const app::LibraryModel* lib = w_->library();
        int row = lib->rowOf(reader()->document().libraryId);
        QCOMPARE(lib->data(lib->index(row), app::LibraryModel::ReadingStatusRole).toString(), QString("paused"));

        // Restart: the book reopens and its reading goes on from the last checkpoint.
        w_->close();
        newWindow();
        QSignalSpy resumed(w_->reading(), &app::ReadingController::progress);
        QSignalSpy opened(w_.get(), &ui::MainWindow::documentOpened);
        w_->restoreSession();
        QVERIFY(opened.wait(30000));
        QCOMPARE(w_->reading()->state(), State::Reading);
        QVERIFY(resumed.wait(120000));
        QVERIFY2(resumed.first().at(0).toLongLong() >= 2048 && readBefore >= 2048,
                 qPrintable(QString("resumed at %1 after %2").arg(resumed.first().at(0).toLongLong()).arg(readBefore)));
        // Cancel stops it and hides the progress (what was read is kept for later).
        w_->findChild<QToolButton*>("readingCancel")->click();
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Idle, 60000);
        bar = w_->findChild<ui::ReadingProgressWidget*>("readingProgress");
        QVERIFY(!bar->isVisible());
    }

    // A question asked while the book is being read is answered at once from the part read so far
    // (and the question's words in the rest), and the reading goes on afterwards.
    void aQuestionDuringTheReadingIsAnsweredAtOnce() {
        QSettings().setValue("engine/readOnOpen", true);
        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        QTRY_VERIFY_WITH_TIMEOUT(w_->reading()->tokensRead() > 2300, 180000);  // past the first checkpoint
        QElapsedTimer clock;
        clock.start();
        askAndWait("What did the Dormouse say the three little sisters lived at the bottom of?");
        const qint64 answered_ms = clock.elapsed();
        const QuestionRecord r = *questions()->history()->record(0);
        const double fraction = app::readFractionOf(r.timings_json);
        QVERIFY2(fraction > 0.0 && fraction < 0.5, r.timings_json.c_str());
        QVERIFY2(answered_ms < 60000, qPrintable(QString("answered after %1 ms").arg(answered_ms)));
        // the words of the question found the Dormouse's story, which had not been read yet
        bool well = false;
        for (const EvidencePassage& p : questions()->evidence()->passages())
            well |= reader()->document().document->slice(p).find("well") != std::string_view::npos &&
                    p.begin > size_t(0.5 * reader()->document().document->text.size());
        QVERIFY(well);
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Reading, 30000);  // and the reading goes on
        QVERIFY(w_->findChild<QTextBrowser*>("answerView")->toPlainText().contains("of the book read so far"));
        w_->findChild<QToolButton*>("readingCancel")->click();
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Idle, 60000);
    }

    void aShortBookIsReadToTheEnd() {
        readThePdf();
        if (QTest::currentTestFailed()) return;
        auto* bar = w_->findChild<ui::ReadingProgressWidget*>("readingProgress");
        QVERIFY(!bar->isVisible());
        const app::LibraryModel* lib = w_->library();
        const int row = lib->rowOf(reader()->document().libraryId);
        QCOMPARE(lib->data(lib->index(row), app::LibraryModel::ReadingStatusRole).toString(), QString("read"));
        QVERIFY(lib->data(lib->index(row), app::LibraryModel::TokensTotalRole).toLongLong() > 1000);
    }

    void aQuestionStreamsItsAnswerWithEvidenceOnThePage() {
        readThePdf();
        if (QTest::currentTestFailed()) return;
        reader()->goToPage(0);
        QTRY_COMPARE(reader()->currentPage(), 0);
        const size_t readingAt = reader()->currentOffset();
        FreezeMeter meter;
        int pieces = 0;
        askAndWait("What is written in section 2?", &pieces);
        QVERIFY2(meter.worstGapMs() < 2000, qPrintable(QString("the window froze for %1 ms").arg(meter.worstGapMs())));
        QVERIFY(pieces >= 1);  // streamed, not delivered at the end
        QCOMPARE(questions()->history()->rowCount(), 1);
        const QuestionRecord* record = questions()->history()->record(0);
        QVERIFY(!record->answer.empty());
        QCOMPARE(record->method, std::string("gleaner"));
        QVERIFY(w_->findChild<QTextBrowser*>("answerView")->toPlainText().contains("section 2"));
        // The evidence: passages with pages and scores, all drawn on the pages.
        const app::EvidenceModel* evidence = questions()->evidence();
        QVERIFY(evidence->rowCount() > 0);
        for (const EvidencePassage& p : evidence->passages()) {
            QVERIFY(p.page >= 0 && p.page < 4);
            QVERIFY(p.score >= 0 && p.score <= 1);
            QVERIFY(p.end > p.begin);
        }
        QVERIFY(evidence->locationText(0).startsWith("p. "));
        // The reader stays where the user was reading; the evidence is drawn and marked on the
        // strip, and the strongest passage is the Evidence panel's current row, one click away.
        QCOMPARE(reader()->currentOffset(), readingAt);
        QVERIFY(reader()->focusedPassage().empty());
        QVERIFY(!reader()->heatStrip()->evidenceMarks().empty());
        QVERIFY(w_->evidencePanel()->list()->currentIndex().isValid());
    }

    void clickingAPassageTakesTheReaderThereAndHighlightsIt() {
        askAboutSection2();
        if (QTest::currentTestFailed()) return;
        const app::EvidenceModel* evidence = questions()->evidence();
        // The passage farthest from where the reader is now.
        reader()->goToPage(0);
        QTRY_COMPARE(reader()->currentPage(), 0);
        int row = 0;
        for (int i = 0; i < evidence->rowCount(); ++i)
            if (evidence->passages()[size_t(i)].page > evidence->passages()[size_t(row)].page) row = i;
        const EvidencePassage target = evidence->passages()[size_t(row)];
        if (target.page == 0) QSKIP("all evidence is on the first page");

        auto* list = w_->evidencePanel()->list();
        QModelIndex proxy;
        for (int r = 0; r < list->model()->rowCount(); ++r) {
            const QModelIndex i = list->model()->index(r, app::EvidenceModel::PassageColumn);
            if (i.data(app::EvidenceModel::BeginRole).toULongLong() == target.begin) proxy = i;
        }
        QVERIFY(proxy.isValid());
        list->scrollTo(proxy);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(proxy).center());

        QCOMPARE(reader()->focusedPassage(), (TextRange{target.begin, target.end}));
        QCOMPARE(reader()->pageView()->focusedRange(), (TextRange{target.begin, target.end}));
        QTRY_VERIFY(reader()->currentPage() == target.page ||
                    reader()->pageView()->pageRectInViewport(target.page).intersects(reader()->pageView()->viewport()->rect()));
        // On screen, in the evidence colour: teal over white paper.
        const std::vector<QRectF> rects = reader()->pageView()->rangeRectsInViewport({target.begin, target.end});
        QVERIFY(!rects.empty());
        const QRect first = rects.front().toRect();
        QVERIFY(reader()->pageView()->viewport()->rect().contains(first.center()));
        const QImage shown = reader()->pageView()->viewport()->grab().toImage();
        const qreal dpr = shown.devicePixelRatio();
        int tinted = 0, sampled = 0;
        for (int x = first.left() + 1; x < first.right(); x += 3, ++sampled) {
            const QColor c = shown.pixelColor(QPoint(int(x * dpr), int((first.top() + 1) * dpr)));
            if (c.green() > c.red() + 20 && c.blue() > c.red() + 10) ++tinted;
        }
        QVERIFY2(tinted * 2 > sampled, qPrintable(QString("%1 of %2 pixels tinted").arg(tinted).arg(sampled)));
        QVERIFY(w_->findChild<QLabel*>("positionLabel")->text().contains(QString("Page %1").arg(target.page + 1)) ||
                reader()->currentPage() != target.page);
    }

    void shiftEnterStartsANewLineInsteadOfAsking() {
        QVERIFY(test::openAndWait(*w_, pdf_));
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        box->setFocus();
        QTest::keyClicks(box, "first line");
        QTest::keyClick(box, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(box, "second line");
        QVERIFY(!questions()->isBusy());
        QCOMPARE(box->toPlainText(), QString("first line\nsecond line"));
        box->clear();
    }

    void stopEndsAnAnswerEarly() {
        QVERIFY(test::openAndWait(*w_, pdf_));
        QSettings().setValue("engine/maxAnswerTokens", 400);
        w_->askPanel()->setSelectedMethod("excerpt");
        QCOMPARE(w_->askPanel()->selectedMethod(), QString("excerpt"));
        QSignalSpy pieces(questions(), &app::QuestionController::answerText);
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        box->setPlainText("Write a long story about the text.");
        QTest::keyClick(box, Qt::Key_Return);
        QVERIFY(pieces.wait(120000));
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(w_->findChild<QPushButton*>("stopButton"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY(t.elapsed() < 10000);
        QVERIFY(!questions()->isBusy());
        QVERIFY(w_->findChild<QPushButton*>("askButton")->isVisible());
        QVERIFY(pieces.count() < 400);
        // the stopped answer is marked as such in the history
        const int last = questions()->history()->rowCount() - 1;
        QVERIFY(last >= 0);
        const QString entry = questions()->history()->data(questions()->history()->index(last)).toString();
        QVERIFY2(entry.endsWith("(stopped)"), qPrintable(entry));
    }

    // Answers can be deleted one by one (Delete on the history) or all at once, from the library
    // too; an empty question is refused with a message.
    void answersAreDeletedOneByOneOrAllAtOnce() {
        QVERIFY(test::openAndWait(*w_, pdf_));
        w_->askPanel()->setSelectedMethod("excerpt");  // quick: no reading
        QSignalSpy failed(questions(), &app::QuestionController::answerFailed);
        QVERIFY(!questions()->ask("   ", "excerpt"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains("empty question"));
        askAndWait("What is written in section 1?");
        askAndWait("What is written in section 2?");
        if (QTest::currentTestFailed()) return;
        LibraryStore store(profile_->libraryPath().toStdString());
        const int64_t book = w_->library()->document(w_->library()->data(w_->library()->index(0),
                                                                          app::LibraryModel::IdRole).toLongLong())->id;
        QCOMPARE(int(store.questions(book).size()), 2);
        auto* history = w_->findChild<QListView*>("questionHistory");
        history->setFocus();
        history->setCurrentIndex(questions()->history()->index(0));
        QTest::keyClick(history, Qt::Key_Delete);
        QCOMPARE(questions()->history()->rowCount(), 1);
        QCOMPARE(questions()->history()->record(0)->question, std::string("What is written in section 2?"));
        QCOMPARE(int(store.questions(book).size()), 1);
        questions()->clearHistory();
        QCOMPARE(questions()->history()->rowCount(), 0);
        QCOMPARE(int(store.questions(book).size()), 0);
        QCOMPARE(questions()->evidence()->rowCount(), 0);
        QVERIFY(w_->findChild<QTextBrowser*>("answerView")->toPlainText().isEmpty());
    }

    void answersAreCopiedAndExportedAsMarkdown() {
        askAboutSection2();
        if (QTest::currentTestFailed()) return;
        w_->askPanel()->copyAnswer();
        const QString copied = QApplication::clipboard()->text();
        QVERIFY2(copied.startsWith("## "), qPrintable(copied.left(200)));
        QVERIFY(copied.contains("### Evidence"));
        QVERIFY(copied.contains("p. "));
        const QString path = profile_->path() + "/questions.md";
        QString error;
        QVERIFY2(w_->askPanel()->exportHistory(path, "pdflatex-outline", &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(f.readAll());
        QVERIFY(md.startsWith("# pdflatex-outline"));
        QVERIFY(md.contains("## What is written in section 2?"));
        QVERIFY(md.contains("> "));  // quoted evidence
    }

    void theHistoryIsThereAfterARestart() {
        askAboutSection2();
        if (QTest::currentTestFailed()) return;
        const int asked = questions()->history()->rowCount();
        QVERIFY(asked >= 1);
        w_->close();
        w_.reset();
        newWindow();
        QSignalSpy opened(w_.get(), &ui::MainWindow::documentOpened);
        w_->restoreSession();
        QVERIFY(opened.wait(30000));
        QCOMPARE(questions()->history()->rowCount(), asked);
        QCOMPARE(questions()->history()->record(0)->question, std::string("What is written in section 2?"));
        // The last answer and its evidence are shown again, highlighted on the pages.
        QVERIFY(questions()->evidence()->rowCount() > 0 || questions()->history()->record(asked - 1)->evidence_json == "[]");
        QVERIFY(w_->findChild<QListView*>("questionHistory")->currentIndex().row() == asked - 1);
        // Already read: reading does not start over.
        QCOMPARE(w_->reading()->state(), State::Done);
        // Picking the first question shows its answer and evidence.
        auto* history = w_->findChild<QListView*>("questionHistory");
        history->setCurrentIndex(questions()->history()->index(0));
        QCOMPARE(questions()->shownRecord(), 0);
        QVERIFY(w_->findChild<QTextBrowser*>("answerView")->toPlainText().contains("section 2"));
        QVERIFY(questions()->evidence()->rowCount() > 0);
    }

    void eachLayersSelectionIsMappedAndClickable() {
        askAboutSection2();
        if (QTest::currentTestFailed()) return;
        // The shown answer is Gleaner's: its filter layer's selection is on the layer map.
        ui::LayerSelectionMap* map = w_->evidencePanel()->layerMap();
        QCOMPARE(questions()->evidence()->method(), QString("gleaner"));
        QVERIFY(!questions()->evidence()->layers().empty());
        QVERIFY(!map->isEmpty());
        w_->findChild<QTabWidget*>("evidenceTabs")->setCurrentWidget(map);
        QVERIFY(QTest::qWaitForWindowExposed(map));
        reader()->goToPage(0);
        QTRY_COMPARE(reader()->currentPage(), 0);
        const QPoint nearEnd(map->width() - 12, map->height() / 2);
        const size_t offset = map->offsetAt(nearEnd);
        QTest::mouseClick(map, Qt::LeftButton, {}, nearEnd);
        QTRY_COMPARE(reader()->currentPage(), reader()->document().document->page_of_char(offset));
        w_->findChild<QTabWidget*>("evidenceTabs")->setCurrentIndex(0);
    }

    void compareModeShowsTwoMethodsSelectionsInTwoColours() {
        askAboutSection2();
        if (QTest::currentTestFailed()) return;
        const int asked = questions()->history()->rowCount();
        const int shown = questions()->shownRecord();
        auto* method = w_->findChild<QComboBox*>("compareMethod");
        method->setCurrentIndex(method->findData("gemfilter"));
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        QTest::mouseClick(w_->findChild<QPushButton*>("compareButton"), Qt::LeftButton);
        QVERIFY(questions()->isBusy());
        QVERIFY(finished.wait(300000));
        QCOMPARE(questions()->history()->rowCount(), asked + 1);  // the second answer is kept too
        QCOMPARE(questions()->shownRecord(), shown);               // the first one stays shown
        QCOMPARE(questions()->evidence()->method(), QString("gleaner"));
        QCOMPARE(questions()->comparison()->method(), QString("gemfilter"));
        QVERIFY(questions()->comparison()->rowCount() > 0);
        QVERIFY(!reader()->heatStrip()->comparisonMarks().empty());
        QVERIFY(!reader()->heatStrip()->evidenceMarks().empty());
        QVERIFY2(w_->evidencePanel()->summary().contains("share"), qPrintable(w_->evidencePanel()->summary()));
        QVERIFY(w_->findChild<QPushButton*>("stopComparingButton")->isVisible());
        // Showing another answer, or Stop Comparing, ends it.
        QTest::mouseClick(w_->findChild<QPushButton*>("stopComparingButton"), Qt::LeftButton);
        QVERIFY(questions()->comparison()->method().isEmpty());
        QVERIFY(reader()->heatStrip()->comparisonMarks().empty());
        // Any two answers of the history can be compared.
        questions()->compareWithRecord(asked);
        QCOMPARE(questions()->comparison()->method(), QString("gemfilter"));
        questions()->showRecord(asked);
        QVERIFY(questions()->comparison()->method().isEmpty());
    }

    void aReflowedBookHighlightsItsEvidenceInTheText() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/childrens-literature.epub")));
        w_->askPanel()->setSelectedMethod("excerpt");
        askAndWait("Who is the real princess?");
        const app::EvidenceModel* evidence = questions()->evidence();
        QVERIFY(evidence->rowCount() > 0);
        QCOMPARE(evidence->passages().front().page, -1);  // no pages in an EPUB
        // The evidence is painted in the text, and clicking a passage focuses it there.
        auto* text = reader()->textView();
        QVERIFY(text->extraSelections().size() >= evidence->rowCount());
        w_->evidencePanel()->activateRow(evidence->rowCount() / 2);
        const EvidencePassage p = evidence->passages()[size_t(evidence->rowCount() / 2)];
        QCOMPARE(text->focusedRange(), (TextRange{p.begin, p.end}));
        const auto [top, bottom] = text->visibleFraction();
        const double at = text->fractionOfOffset(p.begin);
        QVERIFY(at >= top - 0.01 && at <= bottom + 0.01);
        const QString shown = text->cursorForRange({p.begin, p.end}).selectedText().simplified();
        QCOMPARE(shown, evidence->passageText(evidence->rowCount() / 2, 100000));
    }
    void aBookAnotherProcessIsReadingIsWaitedForAndAQuestionIsNot() {
        QSettings().setValue("engine/readOnOpen", true);
        const QString book = test::dataFile("ppl_excerpt.txt");
        OtherReading other(book);
        QVERIFY2(QTest::qWaitFor([&] { return other.holdsTheMemory() || !other.error().isEmpty(); }, 120000),
                 "the other reading never started");
        QVERIFY2(other.error().isEmpty(), qPrintable(other.error()));
        QVERIFY(test::openAndWait(*w_, book));
        auto* bar = w_->findChild<ui::ReadingProgressWidget*>("readingProgress");
        const QString waiting = QString::fromUtf8("Waiting for another reading of this book\u2026");
        QTRY_VERIFY_WITH_TIMEOUT(w_->reading()->isWaiting(), 60000);
        QCOMPARE(w_->reading()->state(), State::Reading);
        QTRY_COMPARE(bar->text(), waiting);
        QVERIFY(bar->isVisible());

        // A question does not wait: it is answered at once from what has been read so far (and the
        // question's words in the rest), and says so.
        askAndWait("What is this text about?");
        QVERIFY(other.holdsTheMemory());
        const QuestionRecord first = *questions()->history()->record(0);
        QVERIFY2(app::readFractionOf(first.timings_json) < 1.0, first.timings_json.c_str());
        auto* answer = w_->findChild<QTextBrowser*>("answerView");
        QVERIFY2(answer->toPlainText().contains("of the book read so far"), qPrintable(answer->toPlainText()));
        QVERIFY(!questions()->evidence()->passages().empty());

        // The other reading stops: this window's reading goes on from where it left; once the book
        // is read, the answer offers to be asked again, and that answer rests on the whole book.
        other.stop();
        QVERIFY2(other.error().isEmpty(), qPrintable(other.error()));
        QTRY_VERIFY_WITH_TIMEOUT(bar->text().startsWith("Reading the book: "), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(w_->reading()->state(), State::Done, 300000);
        QVERIFY(!w_->reading()->isWaiting());
        QTRY_VERIFY(answer->toHtml().contains("reask:"));
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        emit answer->anchorClicked(QUrl("reask:"));
        QVERIFY(finished.wait(300000));
        QCOMPARE(questions()->history()->rowCount(), 2);
        const QuestionRecord again = *questions()->history()->record(1);
        QCOMPARE(again.question, first.question);
        QCOMPARE(app::readFractionOf(again.timings_json), 1.0);
        QVERIFY(!answer->toPlainText().contains("read so far"));
    }

    // The desktop program under a file-size limit (ulimit -f; how CI stands in for a full disk):
    // the reading stops with the reading memory's error and the window stays, where SIGXFSZ used
    // to close it.
    void theWindowOutlivesAFullDiskWhileReading() {
        QTemporaryDir home;
        QProcess gleaner;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();  // GLEANER_MODEL: SmolLM2
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_DATA_HOME", home.path() + "/data");
        env.insert("XDG_CONFIG_HOME", home.path() + "/config");
        env.insert("XDG_CACHE_HOME", home.path() + "/cache");
        gleaner.setProcessEnvironment(env);
        gleaner.setChildProcessModifier([] {
            struct rlimit rl {};
            ::getrlimit(RLIMIT_FSIZE, &rl);
            rl.rlim_cur = 256 << 10;  // the library and the tokens fit, the keys of the whole text do not
            ::setrlimit(RLIMIT_FSIZE, &rl);
        });
        gleaner.start(test::binDir() + "/gleaner", {test::dataFile("ppl_excerpt.txt")});
        QVERIFY(gleaner.waitForStarted());
        const std::string db = (home.path() + "/data/gleaner/library.sqlite3").toStdString();
        const std::string model = QFileInfo(test::smollm2Path()).fileName().toStdString();
        auto readingStatus = [&]() -> std::optional<ReadingStatus> {
            try {
                LibraryStore library(db);
                const auto documents = library.documents();
                if (documents.empty()) return std::nullopt;
                const auto state = library.reading_state(documents.front().id, model);
                return state ? std::optional(state->status) : std::nullopt;
            } catch (const std::exception&) {
                return std::nullopt;  // not created yet
            }
        };
        // either way, the assertions below say what happened
        (void)QTest::qWaitFor([&] { return readingStatus() == ReadingStatus::Failed || gleaner.state() != QProcess::Running; },
                              120000);
        QVERIFY2(gleaner.state() == QProcess::Running,
                 qPrintable(QString("the window was closed (%1 %2): %3")
                                .arg(gleaner.exitStatus() == QProcess::CrashExit ? "killed by signal" : "exited with")
                                .arg(gleaner.exitCode())
                                .arg(QString::fromUtf8(gleaner.readAllStandardError()))));
        QCOMPARE(readingStatus(), std::optional(ReadingStatus::Failed));
        gleaner.terminate();
        QVERIFY(gleaner.waitForFinished(10000));
    }
};

QTEST_MAIN(TestAsk)
#include "test_ask.moc"
