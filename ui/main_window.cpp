#include "main_window.h"

#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStatusBar>

#include <exception>

#include "import.h"

namespace gleaner::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Gleaner"));
    setObjectName("MainWindow");

    reader_ = new QPlainTextEdit(this);
    reader_->setObjectName("reader");
    reader_->setReadOnly(true);
    reader_->setPlaceholderText(tr("Open a book (File > Open) to start reading."));
    setCentralWidget(reader_);

    auto* libraryDock = new QDockWidget(tr("Library"), this);
    libraryDock->setObjectName("libraryDock");
    library_ = new QListWidget(libraryDock);
    library_->setObjectName("library");
    libraryDock->setWidget(library_);
    addDockWidget(Qt::LeftDockWidgetArea, libraryDock);

    auto* askDock = new QDockWidget(tr("Ask"), this);
    askDock->setObjectName("askDock");
    ask_ = new QPlainTextEdit(askDock);
    ask_->setObjectName("askBox");
    ask_->setPlaceholderText(tr("Ask a question about this book"));
    askDock->setWidget(ask_);
    addDockWidget(Qt::RightDockWidgetArea, askDock);

    status_ = new QLabel(tr("No document"), this);
    statusBar()->addPermanentWidget(status_);
    buildMenus();
    resize(1280, 800);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::chooseDocument);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::chooseDocument() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a book"), QString(),
                                                      tr("Books (*.txt *.md *.pdf *.epub *.html);;All files (*)"));
    if (!path.isEmpty()) openDocument(path);
}

bool MainWindow::openDocument(const QString& path) {
    try {
        const Document doc = import_document(path.toStdString(), ImportOptions{});
        reader_->setPlainText(QString::fromStdString(doc.text));
        current_path_ = path;
        const QString title = doc.metadata.title.empty() ? QFileInfo(path).fileName()
                                                         : QString::fromStdString(doc.metadata.title);
        setWindowTitle(tr("%1 — Gleaner").arg(title));
        if (library_->findItems(title, Qt::MatchExactly).isEmpty()) library_->addItem(title);
        status_->setText(tr("%1 characters").arg(doc.text.size()));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Cannot open %1").arg(QFileInfo(path).fileName()), QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::showError(const QString& title, const QString& message) {
    // Window-modal but non-blocking: background work and tests keep running while it shows.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Gleaner"), title, QMessageBox::Ok, this);
    box->setInformativeText(message);
    box->setObjectName("errorMessage");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(message, 10000);
}

}  // namespace gleaner::ui
