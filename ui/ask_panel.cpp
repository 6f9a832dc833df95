#include "ask_panel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStyle>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include "answer_engine.h"
#include "answer_export.h"
#include "method_registry.h"
#include "question_controller.h"
#include "question_edit.h"

namespace gleaner::ui {

namespace {
QString methodLabel(const QString& id) {
    const MethodEntry* m = find_method(id.toStdString());
    return m ? QString::fromStdString(m->display_name) : id;
}

// "[2]" in an answer (HTML) as a link to evidence passage 2.
QString citationLinks(QString html) {
    static const QRegularExpression cite(QStringLiteral("\\[(\\d{1,3})\\]"));
    return html.replace(cite, QStringLiteral("<a href=\"cite:\\1\">[\\1]</a>"));
}

QString paragraphs(const QString& text) {
    return text.toHtmlEscaped().trimmed().replace(QStringLiteral("\n"), QStringLiteral("<br>"));
}
}  // namespace

AskPanel::AskPanel(app::QuestionController* controller, QWidget* parent) : QWidget(parent), controller_(controller) {
    setObjectName(QStringLiteral("askPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("askSplitter"));
    splitter->setChildrenCollapsible(false);

    auto* historyBox = new QWidget(splitter);
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto* historyLabel = new QLabel(tr("Questions about this book"), historyBox);
    historyLabel->setObjectName(QStringLiteral("historyLabel"));
    history_ = new QListView(historyBox);
    history_->setObjectName(QStringLiteral("questionHistory"));
    history_->setModel(controller_->history());
    history_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    history_->setAccessibleName(tr("Question history"));
    historyLabel->setBuddy(history_);
    historyLayout->addWidget(historyLabel);
    historyLayout->addWidget(history_);

    answer_ = new QTextBrowser(splitter);
    answer_->setObjectName(QStringLiteral("answerView"));
    answer_->setOpenLinks(false);
    // [n] in an answer cites evidence passage n: clicking it shows that passage
    connect(answer_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("cite")) emit citationActivated(url.path().toInt());
    });
    answer_->setAccessibleName(tr("Answer"));
    answer_->setPlaceholderText(tr("Answers appear here, with the passages they came from in the Evidence panel."));
    splitter->addWidget(historyBox);
    splitter->addWidget(answer_);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    layout->addWidget(splitter, 1);

    auto* methodRow = new QHBoxLayout;
    auto* methodLabelWidget = new QLabel(tr("&Method:"), this);
    method_ = new QComboBox(this);
    method_->setObjectName(QStringLiteral("methodSelector"));
    auto* methods = new QStandardItemModel(method_);
    for (const MethodEntry& m : method_registry()) {
        auto* item = new QStandardItem(QString::fromStdString(m.display_name));
        item->setData(QString::fromStdString(m.name), Qt::UserRole);
        item->setToolTip(QString::fromStdString(m.description));
        methods->appendRow(item);
    }
    method_->setModel(methods);
    method_->setToolTip(tr("How the model reads the book to answer"));
    methodLabelWidget->setBuddy(method_);
    copy_ = new QToolButton(this);
    copy_->setObjectName(QStringLiteral("copyAnswerButton"));
    copy_->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    copy_->setText(tr("Copy"));
    copy_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    copy_->setToolTip(tr("Copy the question, answer and evidence as Markdown"));
    export_ = new QToolButton(this);
    export_->setObjectName(QStringLiteral("exportButton"));
    export_->setIcon(QIcon::fromTheme(QStringLiteral("document-save-as"), style()->standardIcon(QStyle::SP_DialogSaveButton)));
    export_->setText(tr("Export…"));
    export_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    export_->setToolTip(tr("Save all questions about this book as a Markdown file"));
    methodRow->addWidget(methodLabelWidget);
    methodRow->addWidget(method_, 1);
    methodRow->addWidget(copy_);
    methodRow->addWidget(export_);
    layout->addLayout(methodRow);

    question_ = new QuestionEdit(this);
    layout->addWidget(question_);

    auto* sendRow = new QHBoxLayout;
    progress_ = new QLabel(this);
    progress_->setObjectName(QStringLiteral("askProgress"));
    progress_->setForegroundRole(QPalette::PlaceholderText);
    ask_ = new QPushButton(QIcon::fromTheme(QStringLiteral("mail-send")), tr("&Ask"), this);
    ask_->setObjectName(QStringLiteral("askButton"));
    ask_->setToolTip(tr("Ask the question (Enter)"));
    stop_ = new QPushButton(QIcon::fromTheme(QStringLiteral("process-stop"), style()->standardIcon(QStyle::SP_BrowserStop)),
                            tr("&Stop"), this);
    stop_->setObjectName(QStringLiteral("stopButton"));
    stop_->setToolTip(tr("Stop generating (Escape)"));
    stop_->setShortcut(QKeySequence(Qt::Key_Escape));
    stop_->hide();
    sendRow->addWidget(progress_, 1);
    sendRow->addWidget(stop_);
    sendRow->addWidget(ask_);
    layout->addLayout(sendRow);

    connect(question_, &QuestionEdit::submitted, this, &AskPanel::send);
    connect(ask_, &QPushButton::clicked, this, &AskPanel::send);
    connect(stop_, &QPushButton::clicked, controller_, &app::QuestionController::stop);
    connect(copy_, &QToolButton::clicked, this, &AskPanel::copyAnswer);
    connect(export_, &QToolButton::clicked, this, &AskPanel::exportWithDialog);
    connect(method_, &QComboBox::currentIndexChanged, this, [this] { emit methodChanged(selectedMethod()); });
    connect(question_, &QPlainTextEdit::textChanged, this, &AskPanel::updateButtons);
    // Delete removes the selected answer, from the library too (eventFilter: the list view would
    // take the key itself).
    history_->installEventFilter(this);
    // Any two answers can be compared: the shown one against the one picked here.
    history_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(history_, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = history_->indexAt(pos);
        if (!index.isValid()) return;
        QMenu menu(this);
        QAction* compare = menu.addAction(tr("Compare with the Shown Answer"));
        compare->setEnabled(index.row() != controller_->shownRecord());
        menu.addSeparator();
        QAction* remove = menu.addAction(QIcon::fromTheme(QStringLiteral("edit-delete")), tr("&Delete This Answer"));
        QAction* clear = menu.addAction(QIcon::fromTheme(QStringLiteral("edit-clear-history")), tr("C&lear History…"));
        QAction* chosen = menu.exec(history_->viewport()->mapToGlobal(pos));
        if (chosen == compare) controller_->compareWithRecord(index.row());
        else if (chosen == remove) controller_->deleteRecord(index.row());
        else if (chosen == clear) confirmClearHistory();
    });
    connect(history_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) {
                if (index.isValid() && index.row() != controller_->shownRecord()) controller_->showRecord(index.row());
            });

    connect(controller_, &app::QuestionController::recordShown, this, &AskPanel::showRecord);
    // Which stage the answer is in; the numbers are in the status bar.
    connect(controller_, &app::QuestionController::answerStarted, this, [this] {
        progress_->setText(tr("Preparing…"));
        showStreaming();
    });
    connect(controller_, &app::QuestionController::answerProgress, this, [this](const QString& stage) {
        progress_->setText(stage == "reading" ? tr("Reading the book first…") : tr("Reading the passages…"));
    });
    connect(controller_, &app::QuestionController::answerText, this, [this] {
        progress_->setText(tr("Writing the answer…"));
        showStreaming();
    });
    connect(controller_, &app::QuestionController::busyChanged, this, [this](bool busy) {
        if (!busy) progress_->clear();
        updateButtons();
    });
    connect(controller_, &app::QuestionController::answerFailed, this, [this](const QString& message) {
        if (controller_->isBusy()) return;
        setAnswerHtml(QStringLiteral("<p><b>%1</b></p><p>%2</p>")
                          .arg(tr("No answer").toHtmlEscaped(), message.toHtmlEscaped()));
    });
    connect(controller_->history(), &QAbstractItemModel::modelReset, this, [this] {
        if (controller_->history()->rowCount() == 0) answer_->clear();
        updateButtons();
    });
    updateButtons();
}

QString AskPanel::selectedMethod() const { return method_->currentData(Qt::UserRole).toString(); }

void AskPanel::setSelectedMethod(const QString& id) {
    const int i = method_->findData(id, Qt::UserRole);
    const auto* model = static_cast<QStandardItemModel*>(method_->model());
    if (i >= 0 && model->item(i)->isEnabled()) method_->setCurrentIndex(i);
}

void AskPanel::focusQuestion() { question_->setFocus(Qt::ShortcutFocusReason); }

void AskPanel::send() {
    const QString q = question_->toPlainText().trimmed();
    if (q.isEmpty() || controller_->isBusy()) return;
    if (controller_->ask(q, selectedMethod())) question_->clear();
}

void AskPanel::updateButtons() {
    const bool busy = controller_->isBusy();
    ask_->setVisible(!busy);
    stop_->setVisible(busy);
    ask_->setEnabled(!question_->toPlainText().trimmed().isEmpty() && controller_->hasDocument());
    const bool hasAnswer = controller_->shownRecord() >= 0;
    copy_->setEnabled(hasAnswer && !busy);
    export_->setEnabled(controller_->history()->rowCount() > 0 && !busy);
}

void AskPanel::setAnswerHtml(const QString& html) {
    // Keep the reader's place when they have scrolled up in a long streaming answer.
    QScrollBar* bar = answer_->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 4;
    answer_->setHtml(html);
    if (atEnd) bar->setValue(bar->maximum());
}

void AskPanel::showStreaming() {
    const QString method = methodLabel(selectedMethod());
    setAnswerHtml(QStringLiteral("<p><b>%1</b></p><p>%2<span style=\"color:gray\"> ▍</span></p>"
                                 "<p style=\"color:gray\"><small>%3</small></p>")
                      .arg(controller_->streamingQuestion().toHtmlEscaped(), paragraphs(controller_->streamingAnswer()),
                           method.toHtmlEscaped()));
}

bool AskPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == history_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete && history_->currentIndex().isValid()) {
        controller_->deleteRecord(history_->currentIndex().row());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void AskPanel::confirmClearHistory() {
    auto* box = new QMessageBox(QMessageBox::Question, tr("Clear History"),
                                tr("Delete every question and answer about this book?"), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmClearHistory"));
    QPushButton* clearButton = box->addButton(tr("Delete All"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, clearButton] {
        if (box->clickedButton() == clearButton) controller_->clearHistory();
    });
    box->open();
}

void AskPanel::showRecord(int row) {
    const QuestionRecord* r = controller_->history()->record(row);
    if (!r) {
        answer_->clear();  // nothing to show (the shown answer was deleted)
        updateButtons();
        return;
    }
    if (history_->currentIndex().row() != row) history_->setCurrentIndex(controller_->history()->index(row));
    const QString meta = tr("%1 · %2 · %3 passages")
                             .arg(methodLabel(QString::fromStdString(r->method)), QString::fromStdString(r->model))
                             .arg(controller_->evidence()->rowCount());
    const QString answer = r->answer.empty() ? tr("(no answer)") : QString::fromStdString(r->answer);
    setAnswerHtml(QStringLiteral("<p><b>%1</b></p><p>%2</p><p style=\"color:gray\"><small>%3</small></p>")
                      .arg(QString::fromStdString(r->question).toHtmlEscaped(), citationLinks(paragraphs(answer)),
                           meta.toHtmlEscaped()));
    answer_->verticalScrollBar()->setValue(0);
    updateButtons();
}

QString AskPanel::shownAnswerMarkdown() const {
    const QuestionRecord* r = controller_->history()->record(controller_->shownRecord());
    if (!r) return {};
    const auto& doc = controller_->evidence()->document();
    return app::answerToMarkdown(*r, doc.get());
}

void AskPanel::copyAnswer() {
    const QString md = shownAnswerMarkdown();
    if (!md.isEmpty()) QApplication::clipboard()->setText(md);
}

bool AskPanel::exportHistory(const QString& path, const QString& documentTitle, QString* error) {
    const auto& doc = controller_->evidence()->document();
    const QString md = app::historyToMarkdown(documentTitle, controller_->history()->records(), doc.get());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(md.toUtf8()) < 0 || !file.commit()) {
        if (error) *error = file.errorString();
        return false;
    }
    return true;
}

void AskPanel::exportWithDialog() {
    const QString title = document_title_.isEmpty() ? tr("Questions") : document_title_;
    QString name = title;
    name.replace(QRegularExpression(QStringLiteral("[^\\w\\- ]+")), QString());
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + "/" + name.trimmed() + ".md";
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Questions as Markdown"), suggested,
                                                      tr("Markdown (*.md);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportHistory(path, title, &error)) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Gleaner"), tr("Could not write %1").arg(path),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("errorMessage"));
        box->setInformativeText(error);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

}  // namespace gleaner::ui
