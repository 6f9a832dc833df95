// Asking like a conversation, as a user does (offscreen, the small model SmolLM2-135M with full
// attention on a short book): a follow-up carries the earlier turn in its prompt and is kept as
// one; Regenerate and Regenerate With ask the same question again in the same context; Edit and
// Resend sends the edited question in the edited one's context; a question about one chapter or
// about a selected passage takes its evidence from there, and says so with the answer and in the
// evidence panel. Each test starts from its own profile and window.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QTextBrowser>
#include <QTimer>

#include <memory>

#include "ask_panel.h"
#include "evidence_model.h"
#include "evidence_panel.h"
#include "gui_test_support.h"
#include "question_controller.h"
#include "question_edit.h"
#include "reader_view.h"
#include "reflow_text_view.h"

using namespace gleaner;

namespace {
constexpr const char* kBook =
    "The Orchard at Hollow Lane\n\n"
    "CHAPTER I. The Garden\n\n"
    "Mira Castellan planted seven apple trees beside the old well in the spring of her twelfth year. Her "
    "grandfather, a retired clockmaker named Tobias, showed her how to water them at dusk and how to tie the young "
    "trunks to stakes of ash wood so the wind would not bend them.\n\n"
    "By the end of the summer the trees stood as tall as her shoulder, and Tobias said they would bear fruit in four "
    "years.\n\n"
    "@FILLER@"
    "CHAPTER II. The Storm\n\n"
    "In October a storm came off the hills. It tore the blue door from the mill and flattened the barley in the lower "
    "field. Two of the apple trees were broken at the stake, and Mira cried when she found them in the morning.\n\n"
    "Tobias mended the mill door with copper hinges, and the village gave Mira two new saplings from the priest's "
    "garden.\n\n"
    "@WINTER@"
    "CHAPTER III. The Market\n\n"
    "Four years later the orchard gave its first harvest. Mira carried three baskets of apples to the market at "
    "Dunmore and sold them for eleven silver coins, which she spent on a brass telescope for her grandfather.\n";

int promptTokens(const QuestionRecord& r) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.timings_json)).object()["prompt_tokens"].toInt();
}
}  // namespace

class TestConversation : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;
    QString book_;

    app::QuestionController* questions() { return w_->questions(); }
    ui::AskPanel* panel() { return w_->askPanel(); }
    app::QuestionHistoryModel* history() { return questions()->history(); }
    const QuestionRecord& last() { return *history()->record(history()->rowCount() - 1); }

    // Types a question and presses Enter; waits for the answer to be saved.
    void askAndWait(const QString& question) {
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        box->setFocus();
        box->clear();
        QTest::keyClicks(box, question);
        waitForAnswerAfter([&] { QTest::keyClick(box, Qt::Key_Return); });
    }

    template <class Start>
    void waitForAnswerAfter(Start start) {
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        const int rows = history()->rowCount();
        start();
        QVERIFY(questions()->isBusy());
        QVERIFY(finished.wait(300000));
        QCOMPARE(history()->rowCount(), rows + 1);
    }

    // Right-clicks a history entry and chooses `text` (a submenu's entry: "menu/entry").
    void chooseFromHistoryMenu(int row, const QString& text) {
        auto* list = w_->findChild<QListView*>("questionHistory");
        const QModelIndex index = history()->index(row);
        list->setCurrentIndex(index);
        bool chosen = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            const QStringList path = text.split('/');
            for (QAction* a : menu->actions()) {
                if (a->text().remove('&') != path[0]) continue;
                if (path.size() == 1) {
                    chosen = true;
                    a->trigger();
                } else {
                    for (QAction* b : a->menu()->actions())
                        if (b->text().remove('&') == path[1]) {
                            chosen = true;
                            b->trigger();
                        }
                }
            }
            menu->close();
        });
        emit list->customContextMenuRequested(list->visualRect(index).center());
        QVERIFY2(chosen, qPrintable("no menu entry " + text));
    }

    // The text of the document the window shows.
    const Document& document() { return *questions()->document(); }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
    }
    void init() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
        book_ = profile_->path() + "/orchard.txt";
        QFile f(book_);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // Chapters I and II are long enough that the reader scrolls through them.
        QByteArray filler;
        for (int i = 1; i <= 40; ++i) filler += "Day " + QByteArray::number(i) + " of the summer passed quietly in the garden.\n\n";
        QByteArray winter;
        for (int i = 1; i <= 40; ++i) winter += "Week " + QByteArray::number(i) + " of the winter was cold and grey.\n\n";
        f.write(QByteArray(kBook).replace("@FILLER@", filler).replace("@WINTER@", winter));
        f.close();
        QVERIFY(test::openAndWait(*w_, book_));
        panel()->setSelectedMethod("full");
    }
    void cleanup() {
        w_.reset();
        profile_.reset();
    }

    void aFollowUpCarriesTheEarlierTurnAndIsKeptAsOne() {
        askAndWait("Who planted the apple trees?");
        const QuestionRecord first = last();
        QCOMPARE(first.follows_id, int64_t{0});

        w_->findChild<QCheckBox*>("followUpCheck")->setChecked(true);
        askAndWait("How many did she plant?");
        const QuestionRecord follow = last();
        QCOMPARE(follow.follows_id, first.id);
        QVERIFY(history()->index(1).data().toString().startsWith("↳"));
        auto* answer = w_->findChild<QTextBrowser*>("answerView");
        QVERIFY2(answer->toPlainText().contains("following up “Who planted the apple trees?”"),
                 qPrintable(answer->toPlainText()));

        // The same question asked alone has a shorter prompt: the follow-up's carried the earlier turn.
        w_->findChild<QCheckBox*>("followUpCheck")->setChecked(false);
        askAndWait("How many did she plant?");
        QCOMPARE(last().follows_id, int64_t{0});
        const int extra = promptTokens(follow) - promptTokens(last());
        QVERIFY2(extra >= 10, qPrintable(QString("follow-up prompt %1 tokens, alone %2")
                                             .arg(promptTokens(follow)).arg(promptTokens(last()))));
        // and the conversation it continues is the first turn
        const auto turns = questions()->conversationUpTo(follow.id);
        QCOMPARE(int(turns.size()), 2);
        QCOMPARE(turns[0].question, first.question);
        QCOMPARE(turns[1].question, follow.question);

        // The conversation is kept in the library: after a restart the follow-up still is one.
        w_.reset();
        QVERIFY(test::showNewMainWindow(w_));
        QVERIFY(test::openAndWait(*w_, book_));
        QCOMPARE(history()->rowCount(), 3);
        QCOMPARE(history()->record(1)->follows_id, history()->record(0)->id);
    }

    void regenerateAsksTheSameQuestionInTheSameContext() {
        askAndWait("Who planted the apple trees?");
        w_->findChild<QCheckBox*>("followUpCheck")->setChecked(true);
        askAndWait("What did her grandfather do for work?");
        const QuestionRecord follow = last();

        waitForAnswerAfter([&] { chooseFromHistoryMenu(1, "Regenerate"); });
        QCOMPARE(history()->rowCount(), 3);  // the earlier answer stays
        QCOMPARE(last().question, follow.question);
        QCOMPARE(last().method, follow.method);
        QCOMPARE(last().follows_id, follow.follows_id);  // in the same conversation, not after itself

        waitForAnswerAfter([&] { chooseFromHistoryMenu(1, "Regenerate With/Excerpt"); });
        QCOMPARE(last().question, follow.question);
        QCOMPARE(last().method, std::string("excerpt"));
        QCOMPARE(last().follows_id, follow.follows_id);
        // the method box says which method the shown answer came from
        QCOMPARE(panel()->selectedMethod(), QString("excerpt"));
        w_->findChild<QListView*>("questionHistory")->setCurrentIndex(history()->index(1));
        QCOMPARE(panel()->selectedMethod(), QString("full"));
    }

    void editAndResendSendsTheEditedQuestionInItsContext() {
        askAndWait("Who planted the apple trees?");
        w_->findChild<QCheckBox*>("followUpCheck")->setChecked(true);
        askAndWait("Where were they planted?");
        const QuestionRecord follow = last();

        chooseFromHistoryMenu(1, "Edit and Resend");
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        QCOMPARE(box->toPlainText(), QString("Where were they planted?"));
        // Showing another answer meanwhile would change the follow-up; the edit keeps its own context.
        QTest::keyClicks(box, " Beside what?");
        waitForAnswerAfter([&] { QTest::keyClick(box, Qt::Key_Return); });
        QCOMPARE(last().question, std::string("Where were they planted? Beside what?"));
        QCOMPARE(last().follows_id, follow.follows_id);
    }

    void aQuestionAboutAChapterTakesItsEvidenceFromThere() {
        const size_t storm = document().text.find("CHAPTER II.");
        const size_t market = document().text.find("CHAPTER III.");
        QVERIFY(storm != std::string::npos && market != std::string::npos);
        w_->reader()->goToOffset(market - 40);  // the end of chapter II: its text fills the view
        auto* scope = w_->findChild<QComboBox*>("scopeSelector");
        scope->setCurrentIndex(scope->findData("chapter"));
        // the item names the chapter at the reading position
        QTRY_VERIFY2_WITH_TIMEOUT(scope->currentText().contains("CHAPTER II. The Storm"), qPrintable(scope->currentText()), 10000);
        askAndWait("What broke the mill door?");
        QCOMPARE(last().scope_label, std::string("CHAPTER II. The Storm"));
        QVERIFY(last().scope.begin >= storm && last().scope.end <= market);
        const auto& passages = questions()->evidence()->passages();
        QVERIFY(!passages.empty());
        for (const EvidencePassage& p : passages)
            QVERIFY2(p.begin >= last().scope.begin && p.end <= last().scope.end,
                     qPrintable(QString("%1-%2").arg(p.begin).arg(p.end)));
        QVERIFY(w_->findChild<QTextBrowser*>("answerView")->toPlainText().contains("about CHAPTER II. The Storm"));
        auto* summary = w_->findChild<QLabel*>("evidenceSummary");
        QVERIFY2(summary->text().contains("from CHAPTER II. The Storm"), qPrintable(summary->text()));
        QVERIFY(history()->index(0).data().toString().startsWith("[CHAPTER II. The Storm]"));
        QVERIFY(panel()->shownAnswerMarkdown().contains("about CHAPTER II. The Storm"));  // Copy and Export say it too
        // each passage is cited by its chapter and paragraph, in the panel and in the export
        QVERIFY2(questions()->evidence()->locationText(0).startsWith("CHAPTER II. The Storm, ¶ "),
                 qPrintable(questions()->evidence()->locationText(0)));
        QVERIFY(panel()->shownAnswerMarkdown().contains("1. CHAPTER II. The Storm, ¶ "));
        // GLEANER_TEST_SHOTS=DIR keeps a picture of this state, for looking at it as a user would
        if (const QString dir = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !dir.isEmpty())
            w_->grab().save(dir + "/chapter-question.png");

        // Whole book again for the next question.
        panel()->setWholeBookScope();
        askAndWait("What did Mira buy?");
        QVERIFY(last().scope.empty());
    }

    void askAboutThisAsksAboutTheSelectedPassage() {
        const std::string sentence = "Tobias mended the mill door with copper hinges";
        const size_t at = document().text.find(sentence);
        QVERIFY(at != std::string::npos);
        ui::ReflowTextView* view = w_->reader()->textView();
        QTextCursor c = view->cursorForRange({at, at + sentence.size()});
        view->setTextCursor(c);
        QCOMPARE(w_->reader()->selectedRange(), (TextRange{at, at + sentence.size()}));

        // the selection's context menu offers "Ask About This…"
        bool offered = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            for (QAction* a : menu->actions())
                if (a->objectName() == "askAboutSelection") {
                    offered = true;
                    a->trigger();
                }
            menu->close();
        });
        const QPoint inside = view->cursorRect(c).center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, inside, view->viewport()->mapToGlobal(inside));
        QApplication::sendEvent(view->viewport(), &event);
        QVERIFY(offered);
        QCOMPARE(panel()->scopeKind(), QString("selection"));

        askAndWait("What were the hinges made of?");
        QCOMPARE(last().scope, (TextRange{at, at + sentence.size()}));
        QVERIFY2(QString::fromStdString(last().scope_label).startsWith("the selected passage (CHAPTER II"),
                 last().scope_label.c_str());
        for (const EvidencePassage& p : questions()->evidence()->passages())
            QVERIFY(p.begin >= at && p.end <= at + sentence.size());
    }
};

QTEST_MAIN(TestConversation)
#include "test_conversation.moc"
