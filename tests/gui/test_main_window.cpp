// The main window as a user meets it: panels, opening books (menu, drag and drop, command line),
// errors, the library, and the state that survives a restart. Offscreen.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QSpinBox>
#include <QTableWidget>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QUrl>

#include <memory>

#include "app_settings.h"
#include "ask_panel.h"
#include "gui_test_support.h"
#include "ocr_bar.h"
#include "method_parameters_form.h"
#include "method_registry.h"
#include "settings_dialog.h"
#include "library_model.h"
#include "library_store.h"
#include "reader_view.h"
#include "reflow_text_view.h"

using namespace gleaner;

class TestMainWindow : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;

    static QMessageBox* waitForError(QWidget& w) {
        QMessageBox* box = nullptr;
        const bool shown = QTest::qWaitFor([&] { return (box = w.findChild<QMessageBox*>("errorMessage")) != nullptr; }, 20000);
        return shown ? box : nullptr;
    }

private slots:
    void initTestCase() { profile_ = std::make_unique<test::IsolatedProfile>(); }

    void opensWithItsPanelsAndNothingToDo() {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (const char* dock : {"libraryDock", "tocDock", "askDock", "evidenceDock"})
            QVERIFY2(w.findChild<QDockWidget*>(dock), dock);
        QVERIFY(!w.reader()->hasDocument());
        QVERIFY(w.findChild<QLabel*>("readerPlaceholder")->isVisible());
        // Actions that need a document wait for one.
        QVERIFY(!w.findChild<QAction*>("actionFind")->isEnabled());
        QVERIFY(!w.findChild<QAction*>("actionNextPage")->isEnabled());
        QVERIFY(!w.findChild<QPushButton*>("askButton")->isEnabled());
    }

    void opensTheSampleBookAsReflowedText() {
        ui::MainWindow w;
        w.show();
        QVERIFY(test::openAndWait(w, test::sourceFile("resources/alice-in-wonderland.txt")));
        QVERIFY(w.windowTitle().contains("Alice"));
        QVERIFY(!w.reader()->isPaginated());
        auto* text = w.reader()->textView();
        QVERIFY(text->isVisible());
        const QString shown = text->toPlainText();
        QVERIFY(shown.contains("Down the Rabbit-Hole", Qt::CaseInsensitive));
        QVERIFY(!shown.contains('\r'));             // CRLF normalised
        QVERIFY(!shown.startsWith(QChar(0xFEFF)));  // BOM stripped
        QVERIFY(w.library()->rowCount() >= 1);
        QCOMPARE(w.library()->data(w.library()->index(0), app::LibraryModel::TitleRole).toString(),
                 QString("Alice's Adventures in Wonderland"));
        QVERIFY(w.findChild<QAction*>("actionFind")->isEnabled());
        QVERIFY(!w.findChild<QAction*>("actionNextPage")->isEnabled());  // no pages in a text file
    }

    void aMissingFileIsAnErrorAndTheWindowStaysUsable() {
        ui::MainWindow w;
        w.show();
        QSignalSpy failed(&w, &ui::MainWindow::documentFailed);
        w.openDocument("/nonexistent/book.txt");
        QVERIFY(failed.wait(10000));
        QMessageBox* box = waitForError(w);
        QVERIFY(box);
        QVERIFY(box->text().contains("book.txt"));
        QVERIFY2(box->informativeText().contains("not found", Qt::CaseInsensitive) ||
                     box->informativeText().contains("No such file", Qt::CaseInsensitive),
                 qPrintable(box->informativeText()));
        box->close();
        QVERIFY(w.currentDocumentPath().isEmpty());
        QVERIFY(test::openAndWait(w, test::dataFile("corpus/pdflatex-outline.pdf")));
    }

    void brokenAndScannedPdfsSayWhy() {
        ui::MainWindow w;
        w.show();
        w.openDocument(test::dataFile("documents/damaged-pagetree.pdf"));
        QMessageBox* box = waitForError(w);
        QVERIFY(box);
        QVERIFY2(box->informativeText().contains("damaged", Qt::CaseInsensitive), qPrintable(box->informativeText()));
        box->close();
        QTRY_VERIFY(!w.findChild<QMessageBox*>("errorMessage"));
        // A scan opens (issue 15): its page is shown and the bar says why it has no text.
        QVERIFY(test::openAndWait(w, test::dataFile("corpus/huckfinn-c02-22_scanned.pdf")));
        QVERIFY(w.reader()->hasDocument());
        QVERIFY(w.reader()->document().document->needs_ocr);
        QVERIFY(w.ocrBar()->isVisible());
        QVERIFY(w.ocrBar()->message().contains("Scanned pages without text"));
        QVERIFY(!w.findChild<QMessageBox*>("errorMessage"));
    }

    void anEncryptedPdfAsksForItsPassword() {
        ui::MainWindow w;
        w.show();
        QSignalSpy opened(&w, &ui::MainWindow::documentOpened);
        w.openDocument(test::dataFile("corpus/libreoffice-writer-password_encrypted.pdf"));
        QInputDialog* dialog = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (dialog = w.findChild<QInputDialog*>("passwordDialog")) != nullptr; }, 20000));
        QCOMPARE(dialog->textEchoMode(), QLineEdit::Password);
        dialog->setTextValue("openpassword");
        dialog->accept();
        QVERIFY(opened.wait(20000));
        QVERIFY(w.reader()->isPaginated());
        QVERIFY(w.reader()->pageCount() >= 1);
    }

    void addsByMenuListAndDropAndRemovesAfterConfirmation() {
        ui::MainWindow w;
        w.show();
        const int before = w.library()->rowCount();
        QSignalSpy added(&w, &ui::MainWindow::documentAddedToLibrary);
        w.addToLibrary({test::dataFile("corpus/multicolumn_2col.pdf"), test::dataFile("corpus/childrens-literature.epub")});
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 2, 30000);
        QCOMPARE(w.library()->rowCount(), before + 2);

        // Drop a file on the window: it opens (and joins the library).
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(test::dataFile("corpus/pdflatex-outline.pdf"))});
        QSignalSpy opened(&w, &ui::MainWindow::documentOpened);
        QDragEnterEvent enter(QPoint(400, 300), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(400, 300), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QVERIFY(opened.wait(20000));
        QVERIFY(w.currentDocumentPath().endsWith("pdflatex-outline.pdf"));

        // Remove the EPUB: Delete asks first; Cancel keeps it, Remove removes it.
        auto* list = w.findChild<QListView*>("library");
        const int rows = w.library()->rowCount();
        int epubRow = -1;
        for (int r = 0; r < rows; ++r)
            if (w.library()->data(w.library()->index(r), app::LibraryModel::FormatRole).toString() == "epub") epubRow = r;
        QVERIFY(epubRow >= 0);
        // What a model read of the EPUB lives under its identity (memory_place.h); the dialog
        // offers to delete it, checked.
        const QString epubId = QString::fromStdString(
            w.library()->document(w.library()->data(w.library()->index(epubRow), app::LibraryModel::IdRole).toLongLong())
                ->content_hash);
        const QString memory = profile_->path() + "/cache/gleaner/memory/" + epubId;
        QVERIFY(QDir().mkpath(memory + "/read-by-a-model"));
        QFile keys(memory + "/read-by-a-model/keys.f16");
        QVERIFY(keys.open(QIODevice::WriteOnly));
        keys.write(QByteArray(300000, 'k'));
        keys.close();
        list->setFocus();
        list->setCurrentIndex(w.library()->index(epubRow));
        QTest::keyClick(list, Qt::Key_Delete);
        QMessageBox* confirm = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (confirm = w.findChild<QMessageBox*>("confirmRemove")) != nullptr; }));
        QVERIFY(confirm->checkBox());
        QVERIFY(confirm->checkBox()->isChecked());
        QVERIFY2(confirm->checkBox()->text().contains("(0.3 MB)"), qPrintable(confirm->checkBox()->text()));
        confirm->button(QMessageBox::Cancel)->click();
        QTest::qWait(50);
        QCOMPARE(w.library()->rowCount(), rows);
        QVERIFY(QFileInfo::exists(memory));
        list->setCurrentIndex(w.library()->index(epubRow));
        QTest::keyClick(list, Qt::Key_Delete);
        QVERIFY(QTest::qWaitFor([&] { return (confirm = w.findChild<QMessageBox*>("confirmRemove")) != nullptr; }));
        for (QAbstractButton* b : confirm->buttons())
            if (confirm->buttonRole(b) == QMessageBox::DestructiveRole) b->click();
        QTRY_COMPARE(w.library()->rowCount(), rows - 1);
        QVERIFY(!QFileInfo::exists(memory));
        LibraryStore store(profile_->libraryPath().toStdString());
        QCOMPARE(int(store.documents().size()), rows - 1);
    }

    void theLayoutAndTheBookComeBackAfterARestart() {
        size_t offset = 0;
        {
            ui::MainWindow w;
            w.show();
            QVERIFY(test::openAndWait(w, test::dataFile("corpus/multicolumn_2col.pdf")));
            w.reader()->goToPage(2);
            QTRY_COMPARE(w.reader()->currentPage(), 2);
            offset = w.reader()->currentOffset();
            QVERIFY(offset > 0);
            w.findChild<QDockWidget*>("evidenceDock")->hide();
            w.close();  // saves the layout, the open book and the reading position
        }
        ui::MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.findChild<QDockWidget*>("evidenceDock")->isHidden());
        QSignalSpy opened(&again, &ui::MainWindow::documentOpened);
        again.restoreSession();
        QVERIFY(opened.wait(20000));
        QVERIFY(again.currentDocumentPath().endsWith("multicolumn_2col.pdf"));
        QTRY_COMPARE(again.reader()->currentPage(), 2);
        again.findChild<QDockWidget*>("evidenceDock")->show();
        again.close();
    }

    void theSettingsDialogChecksTheModelAndSaves() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        ui::MainWindow w;
        w.show();
        w.findChild<QAction*>("actionSettings")->trigger();
        ui::SettingsDialog* dialog = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (dialog = w.findChild<ui::SettingsDialog*>("settingsDialog")) != nullptr; }));
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QPushButton* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        const QString info = dialog->modelInfoLabel()->text();
        QVERIFY2(info.contains("llama") && info.contains("Q4_1") && info.contains("8,192"), qPrintable(info));
        QVERIFY(ok->isEnabled());
        // Not a model: refused, with the reason.
        dialog->modelPathEdit()->setText(test::sourceFile("resources/alice-in-wonderland.txt"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog->modelInfoLabel()->text().contains("cannot use"));
        dialog->modelPathEdit()->setText(test::smollm2Path());
        QVERIFY(ok->isEnabled());
        // the error's red does not stay on the good model's description
        QCOMPARE(dialog->modelInfoLabel()->palette().color(QPalette::WindowText),
                 dialog->palette().color(QPalette::WindowText));

        dialog->findChild<QSpinBox*>("threads")->setValue(1);
        dialog->findChild<QSpinBox*>("maxAnswerTokens")->setValue(99);
        auto* method = dialog->findChild<QComboBox*>("defaultMethod");
        method->setCurrentIndex(method->findData("qllm"));
        auto* parameters = dialog->findChild<ui::MethodParametersForm*>("methodParameters");
        // a form of the chosen method's parameters, from the registry: every setting it reads, its
        // default in the empty field, its help as the tooltip; a check box for a switch
        const MethodEntry& qllm = *find_method("qllm");
        for (const MethodSetting& s : qllm.settings) {
            QWidget* editor = parameters->editor(s.key);
            QVERIFY2(editor, s.key.c_str());
            QVERIFY2(editor->toolTip().contains(QString::fromStdString(s.help)), s.key.c_str());
            if (auto* line = qobject_cast<QLineEdit*>(editor))
                QCOMPARE(line->placeholderText(), "default: " + QString::fromStdString(s.default_value));
            else
                QVERIFY2(s.is_switch && qobject_cast<QCheckBox*>(editor), s.key.c_str());
        }
        QVERIFY(!parameters->editor("probe_tokens"));  // gleaner's, not qllm's
        qobject_cast<QLineEdit*>(parameters->editor("n_local"))->setText("256");
        // switching methods and back keeps what was typed
        method->setCurrentIndex(method->findData("gleaner"));
        QVERIFY(parameters->editor("probe_tokens"));
        method->setCurrentIndex(method->findData("qllm"));
        QCOMPARE(qobject_cast<QLineEdit*>(parameters->editor("n_local"))->text(), QString("256"));
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_VERIFY(!w.findChild<ui::SettingsDialog*>("settingsDialog"));

        const app::AppSettings saved;
        QCOMPARE(saved.threads(), 1);
        QCOMPARE(saved.maxAnswerTokens(), 99);
        QCOMPARE(saved.method(), QString("qllm"));
        QCOMPARE(saved.methodSettings("qllm").at("n_local"), std::string("256"));
        QCOMPARE(w.askPanel()->selectedMethod(), QString("qllm"));
        // Back to the suite's settings.
        app::AppSettings restore;
        restore.setThreads(2);
        restore.setMaxAnswerTokens(24);
        restore.setMethod("gleaner");
        restore.setMethodSettings("qllm", {});
    }

    void theCommandLineOpensAndRecordsTheBook() {
        // The real program, as a desktop launcher starts it.
        QProcess gleaner;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_DATA_HOME", profile_->path() + "/cli-data");
        env.insert("XDG_CONFIG_HOME", profile_->path() + "/cli-config");
        // Its one-instance socket goes in the profile, not in a runtime directory shared with the machine.
        QDir(profile_->path()).mkpath("cli-runtime");
        QFile::setPermissions(profile_->path() + "/cli-runtime", QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        env.insert("XDG_RUNTIME_DIR", profile_->path() + "/cli-runtime");
        gleaner.setProcessEnvironment(env);
        gleaner.start(test::binDir() + "/gleaner", {test::dataFile("corpus/pdflatex-outline.pdf"),
                                                    test::dataFile("corpus/multicolumn_2col.pdf")});
        QVERIFY(gleaner.waitForStarted());
        const QString db = profile_->path() + "/cli-data/gleaner/library.sqlite3";
        QVERIFY(QTest::qWaitFor([&] {
            if (!QFileInfo::exists(db)) return false;
            try {
                return LibraryStore(db.toStdString()).documents().size() == 2;
            } catch (const std::exception&) {
                return false;
            }
        }, 30000));
        gleaner.terminate();
        QVERIFY(gleaner.waitForFinished(10000));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
