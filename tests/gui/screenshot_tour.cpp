// Screenshot tour: drives the real program through its main states and saves a PNG of each,
// for the README and for looking at the UI as a user sees it. Run it under Xvfb through
// tests/gui/take_screenshots.sh (which gives it an empty library and settings).
//
//   gleaner_screenshot_tour OUTPUT_DIR
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <QTabWidget>
#include <QTreeView>

#include <cstdio>

#include "application_setup.h"
#include "ask_panel.h"
#include "evidence_model.h"
#include "evidence_panel.h"
#include "find_bar.h"
#include "main_window.h"
#include "model_manager_dialog.h"
#include "pdf_page_view.h"
#include "question_controller.h"
#include "question_edit.h"
#include "reader_view.h"
#include "reading_controller.h"
#include "reading_progress_widget.h"
#include "selection_heat_strip.h"
#include "settings_dialog.h"
#include "test_support.h"

using namespace gleaner;

namespace {

QString g_out;

void save(QWidget* w, const QString& name) {
    QTest::qWait(400);  // let renders and layouts land
    const QString path = g_out + "/" + name + ".png";
    if (!w->grab().save(path)) std::fprintf(stderr, "could not write %s\n", qPrintable(path));
    else std::printf("%s\n", qPrintable(path));
}

bool waitFor(const std::function<bool()>& ready, int ms) {
    QElapsedTimer t;
    t.start();
    while (!ready()) {
        if (t.elapsed() > ms) return false;
        QTest::qWait(50);
    }
    return true;
}

bool open(ui::MainWindow& w, const QString& path) {
    QSignalSpy opened(&w, &ui::MainWindow::documentOpened);
    w.openDocument(path);
    return opened.wait(30000);
}

void ask(ui::MainWindow& w, const QString& question) {
    auto* box = w.findChild<ui::QuestionEdit*>("questionBox");
    box->setFocus();
    box->setPlainText(question);
    QTest::keyClick(box, Qt::Key_Return);
}

QPalette darkPalette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(42, 44, 48));
    p.setColor(QPalette::WindowText, QColor(225, 225, 225));
    p.setColor(QPalette::Base, QColor(30, 31, 34));
    p.setColor(QPalette::AlternateBase, QColor(48, 50, 54));
    p.setColor(QPalette::Text, QColor(225, 225, 225));
    p.setColor(QPalette::Button, QColor(52, 54, 58));
    p.setColor(QPalette::ButtonText, QColor(225, 225, 225));
    p.setColor(QPalette::Highlight, QColor(61, 174, 233));
    p.setColor(QPalette::HighlightedText, QColor(20, 20, 20));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::ToolTipBase, QColor(52, 54, 58));
    p.setColor(QPalette::ToolTipText, QColor(225, 225, 225));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(120, 120, 120));
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    ui::configureApplication();
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    g_out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(g_out);

    // Short answers keep the tour quick on a CPU.
    QSettings().setValue("engine/maxAnswerTokens", 48);

    auto* window = new ui::MainWindow;
    ui::MainWindow& w = *window;
    w.resize(1440, 900);
    w.show();
    (void)QTest::qWaitForWindowExposed(&w);
    save(&w, "00-empty");

    // A small library to show.
    QSignalSpy added(&w, &ui::MainWindow::documentAddedToLibrary);
    w.addToLibrary({test::dataFile("corpus/multicolumn_2col.pdf"), test::dataFile("corpus/childrens-literature.epub"),
                    test::sourceFile("resources/alice-in-wonderland.txt")});
    waitFor([&] { return added.count() >= 3; }, 30000);

    // A PDF: pages, contents, and the book being read in the background.
    if (!open(w, test::dataFile("corpus/pdflatex-outline.pdf"))) return 1;
    save(&w, "01-library-and-pdf");

    // Search: all hits highlighted.
    w.reader()->activateFind();
    w.reader()->findBar()->lineEdit()->setText("foo");
    waitFor([&] { return !w.reader()->searchHits().empty(); }, 3000);
    w.reader()->findNext();
    save(&w, "02-search-hits");
    w.reader()->findBar()->hide();
    w.reader()->find(QString());

    // A whole novel being read: tokens, speed and time left in the status bar.
    if (open(w, test::sourceFile("resources/alice-in-wonderland.txt"))) {
        auto* progress = w.findChild<ui::ReadingProgressWidget*>("readingProgress");
        waitFor([&] { return progress->text().contains("left"); }, 120000);
        save(&w, "03-reading-progress");
        w.reading()->pause();
        waitFor([&] { return w.reading()->state() != app::ReadingController::State::Reading; }, 60000);
    }

    // A real document (a 3-column Federal Register notice, 13k tokens); once it is read, a
    // question whose answer is on the first page ("DATES: The FAA must receive comments ... by
    // September 21, 2020"), the answer citing its passages, the evidence on the page.
    if (!open(w, test::dataFile("corpus/federal-register-2020-17221_3col.pdf"))) return 1;
    waitFor([&] { return w.reading()->state() == app::ReadingController::State::Done; }, 1200000);
    ask(w, "By what date must comments be received?");
    waitFor([&] { return !w.questions()->isBusy(); }, 300000);
    w.reader()->goToPage(0);  // the first page, where the answer is
    save(&w, "04-answer-with-evidence");

    // Clicking another passage moves the reader there and outlines it.
    if (w.questions()->evidence()->rowCount() > 1) {
        w.evidencePanel()->activateRow(w.questions()->evidence()->rowCount() - 1);
        save(&w, "05-evidence-passage-focused");
    }

    // The heat strip, close up, beside the scrollbar.
    {
        QWidget* strip = w.reader()->heatStrip();
        const QRect r(strip->mapTo(&w, QPoint(0, 0)) - QPoint(260, 0), QSize(strip->width() + 260, strip->height()));
        QTest::qWait(300);
        w.grab(r).save(g_out + "/06-heat-strip.png");
        std::printf("%s\n", qPrintable(g_out + "/06-heat-strip.png"));
    }

    // Compare mode: the same question with GemFilter, both selections on the page.
    {
        auto* method = w.findChild<QComboBox*>("compareMethod");
        method->setCurrentIndex(method->findData("gemfilter"));
        w.questions()->compareWithMethod("gemfilter");
        waitFor([&] { return !w.questions()->isBusy(); }, 300000);
        w.reader()->goToPage(0);
        save(&w, "07-compare-mode");
        w.questions()->stopComparing();
    }

    // Where each layer looked (the Gleaner answer's filter layer, GemFilter's).
    {
        auto* tabs = w.findChild<QTabWidget*>("evidenceTabs");
        w.questions()->showRecord(w.questions()->history()->rowCount() - 1);
        tabs->setCurrentIndex(1);
        save(&w, "08-layer-map");
        tabs->setCurrentIndex(0);
    }

    // A reflowed EPUB with its contents and a search.
    if (open(w, test::dataFile("corpus/childrens-literature.epub"))) {
        w.reader()->activateFind();
        w.reader()->findBar()->lineEdit()->setText("princess");
        waitFor([&] { return !w.reader()->searchHits().empty(); }, 3000);
        w.reader()->findNext();
        waitFor([&] { return !w.reader()->searchHits().empty(); }, 3000);
        save(&w, "09-epub-reflowed");
        w.reader()->findBar()->hide();
        w.reader()->find(QString());
    }

    // Settings with the model inspected.
    {
        auto* dialog = new ui::SettingsDialog(&w);
        dialog->show();
        (void)QTest::qWaitForWindowExposed(dialog);
        save(dialog, "10-settings");
        dialog->close();
        delete dialog;
    }

    // The model manager: the installed models with what each is, and the catalog to download from.
    {
        auto* dialog = new ui::SettingsDialog(&w);
        dialog->show();
        ui::ModelManagerDialog* manager = dialog->openModelManager();
        (void)QTest::qWaitForWindowExposed(manager);
        waitFor([&] { return !manager->isListing(); }, 30000);
        save(manager, "12-model-manager");
        delete dialog;
    }

    // The same window in a dark palette.
    QApplication::setPalette(darkPalette());
    if (open(w, test::dataFile("corpus/pdflatex-outline.pdf"))) save(&w, "11-dark-palette");

    delete window;
    return 0;
}
