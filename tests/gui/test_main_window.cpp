// The desktop program's main window, driven as a user would (offscreen).
#include <QApplication>
#include <QDockWidget>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QtTest>

#include "main_window.h"
#include "test_support.h"

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void opensWithThreePanels() {
        gleaner::ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.findChild<QDockWidget*>("libraryDock"));
        QVERIFY(w.findChild<QDockWidget*>("askDock"));
        QVERIFY(w.reader()->toPlainText().isEmpty());
    }

    void opensTheSampleBook() {
        gleaner::ui::MainWindow w;
        w.show();
        const QString book = QStringLiteral(GLEANER_SOURCE_DIR) + "/resources/alice-in-wonderland.txt";
        QVERIFY(w.openDocument(book));
        QVERIFY(w.windowTitle().contains("Alice"));
        const QString text = w.reader()->toPlainText();
        QVERIFY(text.contains("Down the Rabbit-Hole", Qt::CaseInsensitive));
        QVERIFY(!text.contains('\r'));          // CRLF normalised
        QVERIFY(!text.startsWith(QChar(0xFEFF)));  // BOM stripped
        QCOMPARE(w.findChild<QListWidget*>("library")->count(), 1);
    }

    void missingFileShowsAnErrorAndKeepsTheWindowUsable() {
        gleaner::ui::MainWindow w;
        w.show();
        QVERIFY(!w.openDocument("/nonexistent/book.txt"));
        auto* box = w.findChild<QMessageBox*>("errorMessage");
        QVERIFY(box);
        QVERIFY(box->text().contains("book.txt"));
        QVERIFY2(box->informativeText().contains("not found", Qt::CaseInsensitive) ||
                     box->informativeText().contains("No such file", Qt::CaseInsensitive),
                 qPrintable(box->informativeText()));
        box->close();
        QVERIFY(w.currentDocumentPath().isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
