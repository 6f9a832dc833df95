// What the ask panel says a method costs before it is asked, and Compare keeping the shown answer
// in view while the second method's answer is written (offscreen; the small model SmolLM2-135M
// for the comparison). The estimates need no model run: the suite sets the measured speed the
// model manager would have stored, and opens a book of a known size.
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTextBrowser>

#include <memory>

#include "app_settings.h"
#include "ask_panel.h"
#include "evidence_model.h"
#include "evidence_panel.h"
#include "gui_test_support.h"
#include "question_controller.h"
#include "question_edit.h"

using namespace gleaner;

class TestAskCost : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;

    app::QuestionController* questions() { return w_->questions(); }
    ui::AskPanel* panel() { return w_->askPanel(); }
    QString costLabel() { return w_->findChild<QLabel*>("methodCost")->text(); }
    QString itemToolTip(const QString& method) {
        auto* box = w_->findChild<QComboBox*>("methodSelector");
        return box->itemData(box->findData(method, Qt::UserRole), Qt::ToolTipRole).toString();
    }

    // A text file of `bytes` bytes of prose (about bytes / 4 tokens before it is tokenized).
    QString writeBook(const QString& name, int bytes) {
        const QString path = profile_->path() + "/" + name;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        QByteArray text = "A Long Book\n\n";
        const QByteArray line = "The river ran past the mill and the orchard, and the miller counted the sacks.\n\n";
        while (text.size() + line.size() <= bytes) text += line;
        text += QByteArray(bytes - text.size(), '.');
        f.write(text);
        return path;
    }

private slots:
    void init() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
    }
    void cleanup() {
        w_.reset();
        profile_.reset();
    }

    void theSelectorSaysWhatAMethodCostsForTheOpenBook() {
        // 160,000 bytes: about 40,000 tokens, counted by size (the book is not read: readOnOpen is off).
        QVERIFY(test::openAndWait(*w_, writeBook("long.txt", 160000)));
        panel()->setSelectedMethod("full");
        QVERIFY2(costLabel().contains("speed not measured"), qPrintable(costLabel()));

        // The model manager measured 200 tokens/s; the settings dialog tells the controller.
        app::AppSettings settings;
        settings.setModelSpeed(settings.modelPath(), {200, 20, 2});
        questions()->settingsChanged();
        // 40,300 tokens at 200/s: minutes for a method that re-reads the book
        QCOMPARE(costLabel(), QString("Full attention — re-reads the book: about 3 min per question"));
        QVERIFY2(itemToolTip("qllm").contains("Q-LLM — re-reads the book: about 3 min per question"),
                 qPrintable(itemToolTip("qllm")));
        QVERIFY(w_->findChild<QLabel*>("methodCost")->toolTip().contains("measured on this machine"));
        // Gleaner shows the model its k tokens (768 by default): seconds, from what is read so far
        panel()->setSelectedMethod("gleaner");
        QVERIFY2(costLabel().startsWith("Gleaner — about 5 s per question"), qPrintable(costLabel()));
        QVERIFY(itemToolTip("gleaner").contains("Gleaner — about 5 s per question"));
        // the excerpt: its size ("Book in the prompt", 512 tokens in the suites) and the question
        QVERIFY2(itemToolTip("excerpt").contains("Excerpt — reads part of the book: about 4 s per question"),
                 qPrintable(itemToolTip("excerpt")));
    }

    void withoutAMeasuredSpeedTheReadingSpeedServes() {
        QVERIFY(test::openAndWait(*w_, writeBook("long.txt", 160000)));
        app::AppSettings settings;
        settings.setReadingSpeed(settings.modelPath(), 100);  // what an earlier reading went at
        questions()->settingsChanged();
        panel()->setSelectedMethod("full");
        QCOMPARE(costLabel(), QString("Full attention — re-reads the book: about 7 min per question"));
        QVERIFY(w_->findChild<QLabel*>("methodCost")->toolTip().contains("the speed the reading went at"));
    }

    void compareKeepsTheShownAnswerWhileTheSecondIsWritten() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        const QString path = profile_->path() + "/mill.txt";
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("The Mill\n\nThe miller of Dunmore painted the mill door blue in the spring. In October a storm tore "
                    "the blue door from the mill, and the miller mended it with copper hinges.\n\nHis daughter Mira "
                    "kept seven apple trees beside the old well.\n");
        }
        QVERIFY(test::openAndWait(*w_, path));
        panel()->setSelectedMethod("full");
        QSignalSpy finished(questions(), &app::QuestionController::answerFinished);
        auto* box = w_->findChild<ui::QuestionEdit*>("questionBox");
        box->setFocus();
        QTest::keyClicks(box, "What colour was the mill door?");
        QTest::keyClick(box, Qt::Key_Return);
        QVERIFY(finished.wait(300000));
        const QuestionRecord first = *questions()->history()->record(0);
        QVERIFY(!first.answer.empty());
        auto* view = w_->findChild<QTextBrowser*>("answerView");
        QVERIFY(view->toPlainText().simplified().contains(QString::fromStdString(first.answer).simplified()));

        // What the answer view shows at every step of the comparison (after the panel drew it).
        QStringList shownWhileComparing;
        auto snapshot = [&] {
            if (questions()->comparingRow() >= 0) shownWhileComparing << view->toPlainText().simplified();
        };
        connect(questions(), &app::QuestionController::answerStarted, this, snapshot);
        connect(questions(), &app::QuestionController::answerText, this, snapshot);
        auto* method = w_->findChild<QComboBox*>("compareMethod");
        method->setCurrentIndex(method->findData("excerpt"));
        auto* compare = w_->findChild<QPushButton*>("compareButton");
        QVERIFY(compare->isEnabled());
        compare->click();
        QVERIFY(questions()->isBusy());
        QCOMPARE(questions()->comparingRow(), 0);
        QVERIFY(finished.wait(300000));

        QVERIFY(!shownWhileComparing.isEmpty());
        for (const QString& shown : shownWhileComparing) {
            QVERIFY2(shown.contains(QString::fromStdString(first.answer).simplified()), qPrintable(shown));
            QVERIFY2(shown.contains("Comparing with Excerpt…"), qPrintable(shown));
        }
        // Done: both selections, as before; the first answer is the shown one.
        QCOMPARE(questions()->history()->rowCount(), 2);
        QCOMPARE(questions()->shownRecord(), 0);
        QCOMPARE(questions()->comparison()->method(), QString("excerpt"));
        QCOMPARE(questions()->comparingRow(), -1);
        QVERIFY(!view->toPlainText().contains("Comparing with"));
        QVERIFY(view->toPlainText().simplified().contains(QString::fromStdString(first.answer).simplified()));
    }
};

QTEST_MAIN(TestAskCost)
#include "test_ask_cost.moc"
