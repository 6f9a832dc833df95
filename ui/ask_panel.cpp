#include "ask_panel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
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
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStyle>
#include <QTextBrowser>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

#include "answer_engine.h"
#include "annotation_model.h"
#include "answer_export.h"
#include "document_scope.h"
#include "evidence_json.h"
#include "method_cost_estimate.h"
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
    // Whole questions, wrapped at the panel's width (scope and method labels make them long).
    history_->setWordWrap(true);
    history_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    history_->setResizeMode(QListView::Adjust);
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
        // an answer given before the reading finished, asked again over the whole book
        if (url.scheme() == QLatin1String("reask")) controller_->regenerate(controller_->shownRecord());
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
    // What the chosen method costs for this book on this machine, before it is asked.
    cost_ = new QLabel(this);
    cost_->setObjectName(QStringLiteral("methodCost"));
    cost_->setForegroundRole(QPalette::PlaceholderText);
    cost_->setWordWrap(true);
    layout->addWidget(cost_);

    auto* scopeRow = new QHBoxLayout;
    auto* scopeLabel = new QLabel(tr("Ab&out:"), this);
    scope_ = new QComboBox(this);
    scope_->setObjectName(QStringLiteral("scopeSelector"));
    scope_->setToolTip(tr("What the question is about: the evidence is selected from there"));
    scope_->addItem(tr("Whole book"), QStringLiteral("whole"));
    scope_->addItem(tr("This chapter"), QStringLiteral("chapter"));
    scope_->addItem(tr("Pages…"), QStringLiteral("pages"));
    scope_->addItem(tr("Selected text"), QStringLiteral("selection"));
    scopeLabel->setBuddy(scope_);
    follow_up_ = new QCheckBox(tr("&Follow up"), this);
    follow_up_->setObjectName(QStringLiteral("followUpCheck"));
    follow_up_->setToolTip(tr("Ask as a follow-up of the shown answer: the conversation so far goes with the question"));
    scopeRow->addWidget(scopeLabel);
    scopeRow->addWidget(scope_, 1);
    scopeRow->addWidget(follow_up_);
    layout->addLayout(scopeRow);
    connect(scope_, &QComboBox::activated, this, &AskPanel::scopeActivated);

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
    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        updateCostEstimates();
        emit methodChanged(selectedMethod());
    });
    connect(controller_, &app::QuestionController::costChanged, this, &AskPanel::updateCostEstimates);
    connect(question_, &QPlainTextEdit::textChanged, this, &AskPanel::updateButtons);
    // Delete removes the selected answer, from the library too (eventFilter: the list view would
    // take the key itself).
    history_->installEventFilter(this);
    // An entry's menu: ask it again (with its method or another), edit and resend it, compare it
    // with the shown answer, delete it or the whole history.
    history_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(history_, &QListView::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = history_->indexAt(pos);
        if (!index.isValid()) return;
        QMenu menu(this);
        const bool idle = !controller_->isBusy();
        const int row = index.row();
        QAction* regenerate = menu.addAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Regenerate"),
                                             this, [this, row] { controller_->regenerate(row); });
        regenerate->setEnabled(idle);
        QMenu* with = menu.addMenu(tr("Regenerate &With"));
        with->setEnabled(idle);
        for (const MethodEntry& m : method_registry()) {
            const QString name = QString::fromStdString(m.name);
            with->addAction(QString::fromStdString(m.display_name), this,
                            [this, row, name] { controller_->regenerate(row, name); });
        }
        menu.addAction(QIcon::fromTheme(QStringLiteral("document-edit")), tr("&Edit and Resend"), this,
                       [this, row] { editAndResend(row); });
        QAction* compare = menu.addAction(tr("Compare with the Shown Answer"), this,
                                          [this, row] { controller_->compareWithRecord(row); });
        compare->setEnabled(row != controller_->shownRecord());
        menu.addSeparator();
        menu.addAction(QIcon::fromTheme(QStringLiteral("edit-delete")), tr("&Delete This Answer"), this,
                       [this, row] { controller_->deleteRecord(row); });
        menu.addAction(QIcon::fromTheme(QStringLiteral("edit-clear-history")), tr("C&lear History…"), this,
                       &AskPanel::confirmClearHistory);
        menu.exec(history_->viewport()->mapToGlobal(pos));
    });
    connect(history_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) {
                resend_.reset();  // another entry chosen: the edit in progress no longer applies
                if (index.isValid() && index.row() != controller_->shownRecord()) controller_->showRecord(index.row());
            });

    connect(controller_, &app::QuestionController::recordShown, this, &AskPanel::showRecord);
    connect(controller_, &app::QuestionController::bookReadChanged, this, [this] {
        if (!controller_->isBusy()) showRecord(controller_->shownRecord());  // offers to ask again
    });
    // Which stage the answer is in; the numbers are in the status bar.
    connect(controller_, &app::QuestionController::answerStarted, this, [this] {
        progress_->setText(tr("Preparing…"));
        showStreaming();
        // Compare mode: the comparison streams under the shown answer; bring it into view.
        if (controller_->comparingRow() >= 0) answer_->verticalScrollBar()->setValue(answer_->verticalScrollBar()->maximum());
    });
    connect(controller_, &app::QuestionController::answerProgress, this, [this](const QString& stage) {
        progress_->setText(stage == "reading" ? tr("Reading the book first…")
                           : controller_->comparingRow() >= 0 ? tr("Reading the passages for the comparison…")
                                                              : tr("Reading the passages…"));
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
    updateCostEstimates();
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
    const app::AskContext context = resend_ ? *resend_ : nextContext();
    if (controller_->ask(q, selectedMethod(), context)) {
        question_->clear();
        resend_.reset();
    }
}

QString AskPanel::scopeKind() const { return scope_->currentData().toString(); }

app::AskContext AskPanel::nextContext() const {
    app::AskContext c;
    const app::DocumentPtr& doc = controller_->document();
    const QString kind = scopeKind();
    if (doc && kind == QLatin1String("chapter")) c.scope = chapter_at(*doc, place_.position ? place_.position() : 0);
    else if (doc && kind == QLatin1String("pages")) c.scope = page_scope(*doc, pages_first_, pages_last_);
    else if (doc && kind == QLatin1String("selection")) c.scope = passage_scope(*doc, passage_);
    if (follow_up_->isChecked())
        if (const QuestionRecord* r = controller_->history()->record(controller_->shownRecord())) c.followsId = r->id;
    return c;
}

void AskPanel::setWholeBookScope() {
    scope_->setCurrentIndex(0);
    last_scope_index_ = 0;
}

void AskPanel::setPageScope(int first, int last) {
    const app::DocumentPtr& doc = controller_->document();
    if (!doc || !doc->is_paginated()) return setWholeBookScope();
    pages_first_ = std::clamp(first, 0, doc->page_count() - 1);
    pages_last_ = std::clamp(last, pages_first_, doc->page_count() - 1);
    const int i = scope_->findData(QStringLiteral("pages"));
    scope_->setItemText(i, QString::fromStdString(page_scope(*doc, pages_first_, pages_last_).label));
    scope_->setCurrentIndex(i);
    last_scope_index_ = i;
}

void AskPanel::askAboutPassage(TextRange range) {
    const app::DocumentPtr& doc = controller_->document();
    if (!doc || range.empty()) return;
    passage_ = range;
    const int i = scope_->findData(QStringLiteral("selection"));
    const int chars = QString::fromUtf8(doc->slice(range)).size();
    scope_->setItemText(i, tr("Selected text (%n characters)", nullptr, chars));
    scope_->setCurrentIndex(i);
    last_scope_index_ = i;
    focusQuestion();
}

void AskPanel::setFollowUp(bool on) { follow_up_->setChecked(on); }

void AskPanel::scopeActivated(int index) {
    const QString kind = scope_->itemData(index).toString();
    if (kind == QLatin1String("pages")) return choosePages();
    if (kind == QLatin1String("selection")) {
        const TextRange selected = place_.selection ? place_.selection() : TextRange{};
        if (selected.empty()) {
            scope_->setCurrentIndex(last_scope_index_);
            progress_->setText(tr("Select some text in the book first."));
            return;
        }
        return askAboutPassage(selected);
    }
    last_scope_index_ = index;
}

void AskPanel::choosePages() {
    const app::DocumentPtr& doc = controller_->document();
    if (!doc || !doc->is_paginated()) return setWholeBookScope();
    const int here = std::max(0, doc->page_of_char(place_.position ? place_.position() : 0));
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("pagesDialog"));
    dialog.setWindowTitle(tr("Ask About Pages"));
    auto* form = new QFormLayout(&dialog);
    auto* from = new QSpinBox(&dialog);
    auto* to = new QSpinBox(&dialog);
    for (QSpinBox* box : {from, to}) box->setRange(1, doc->page_count());
    from->setValue(pages_first_ >= 0 ? pages_first_ + 1 : here + 1);
    to->setValue(pages_last_ >= 0 ? pages_last_ + 1 : here + 1);
    connect(from, &QSpinBox::valueChanged, to, [to](int v) { to->setMinimum(v); });
    form->addRow(tr("&From page:"), from);
    form->addRow(tr("&To page:"), to);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted) setPageScope(from->value() - 1, to->value() - 1);
    else scope_->setCurrentIndex(last_scope_index_);
}

void AskPanel::documentChanged() {
    resend_.reset();
    passage_ = {};
    pages_first_ = pages_last_ = -1;
    scope_->setItemText(scope_->findData(QStringLiteral("pages")), tr("Pages…"));
    scope_->setItemText(scope_->findData(QStringLiteral("selection")), tr("Selected text"));
    setWholeBookScope();
    readerMoved();
}

void AskPanel::readerMoved() {
    const app::DocumentPtr& doc = controller_->document();
    auto* items = static_cast<QStandardItemModel*>(scope_->model());
    const bool chapters = doc && !document_chapters(*doc).empty();
    items->item(scope_->findData(QStringLiteral("chapter")))->setEnabled(chapters);
    items->item(scope_->findData(QStringLiteral("pages")))->setEnabled(doc && doc->is_paginated());
    QString chapter = tr("This chapter");
    if (chapters) {
        const DocumentScope c = chapter_at(*doc, place_.position ? place_.position() : 0);
        if (!c.whole()) chapter = tr("This chapter: %1").arg(QString::fromStdString(c.label));
    }
    scope_->setItemText(scope_->findData(QStringLiteral("chapter")), chapter);
}

void AskPanel::editAndResend(int row) {
    const QuestionRecord* r = controller_->history()->record(row);
    if (!r) return;
    resend_ = controller_->contextOf(row);
    question_->setPlainText(QString::fromStdString(r->question));
    setSelectedMethod(QString::fromStdString(r->method));
    progress_->setText(r->scope_label.empty() && r->follows_id == 0
                           ? tr("Edit the question and press Ask: it is sent as a new answer.")
                           : tr("Edit the question and press Ask: it is sent as a new answer, %1.")
                                 .arg(contextText(QString::fromStdString(r->scope_label), r->follows_id)));
    focusQuestion();
    QTextCursor end = question_->textCursor();
    end.movePosition(QTextCursor::End);
    question_->setTextCursor(end);
}

// "about Chapter II, following up “…”" (empty for a whole-book question asked alone).
QString AskPanel::contextText(const QString& scopeLabel, int64_t followsId) const {
    QStringList parts;
    if (!scopeLabel.isEmpty()) parts << tr("about %1").arg(scopeLabel);
    if (const QuestionRecord* before = controller_->history()->record(controller_->history()->rowOfId(followsId))) {
        QString q = QString::fromStdString(before->question).simplified();
        if (q.size() > 60) q = q.left(57) + QStringLiteral("…");
        parts << tr("following up “%1”").arg(q);
    } else if (followsId > 0) {
        parts << tr("following up an earlier answer");
    }
    return parts.join(QStringLiteral(", "));
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
    QString method = methodLabel(controller_->streamingMethod());
    const app::AskContext& running = controller_->runningContext();
    if (const QString where = contextText(QString::fromStdString(running.scope.label), running.followsId); !where.isEmpty())
        method += QStringLiteral(" · ") + where;
    const QString streamed = QStringLiteral("<p>%1<span style=\"color:gray\"> ▍</span></p>")
                                 .arg(paragraphs(controller_->streamingAnswer()));
    const int comparedRow = controller_->comparingRow();
    if (comparedRow >= 0 && controller_->history()->record(comparedRow)) {
        // Compare mode: the shown answer stays; the second method's answer grows under it.
        setAnswerHtml(recordHtml(comparedRow) +
                      QStringLiteral("<hr><p><b>%1</b></p>%2")
                          .arg(tr("Comparing with %1…").arg(methodLabel(controller_->streamingMethod())).toHtmlEscaped(),
                               streamed));
        return;
    }
    setAnswerHtml(QStringLiteral("<p><b>%1</b></p>%2<p style=\"color:gray\"><small>%3</small></p>")
                      .arg(controller_->streamingQuestion().toHtmlEscaped(), streamed, method.toHtmlEscaped()));
}

QString AskPanel::costText(const QString& id) const {
    const MethodEntry* m = find_method(id.toStdString());
    if (!m) return {};
    const QString name = QString::fromStdString(m->display_name);
    if (!controller_->hasDocument()) return tr("%1 — %2").arg(name, QString::fromStdString(std::string(describe_cost(m->cost))));
    const CostEstimate e = controller_->costOf(id);
    if (!e.seconds) {
        switch (e.cost) {
        case MethodCost::ReadsOnce: return tr("%1 — reads the book once, then answers (speed not measured yet)").arg(name);
        case MethodCost::RereadsPerQuestion: return tr("%1 — re-reads the book for every question (speed not measured yet)").arg(name);
        case MethodCost::QuickPart: return tr("%1 — reads part of the book (speed not measured yet)").arg(name);
        }
    }
    const QString time = QString::fromStdString(describe_duration(*e.seconds));
    switch (e.cost) {
    case MethodCost::ReadsOnce:
        return e.partial_memory ? tr("%1 — %2 per question, from what is read so far").arg(name, time)
                                : tr("%1 — %2 per question").arg(name, time);
    case MethodCost::RereadsPerQuestion: return tr("%1 — re-reads the book: %2 per question").arg(name, time);
    case MethodCost::QuickPart: return tr("%1 — reads part of the book: %2 per question").arg(name, time);
    }
    return {};
}

// How the estimate was made, for the tooltips.
QString AskPanel::costDetails(const QString& id) const {
    if (!controller_->hasDocument()) return tr("Open a book to see how long a question takes with each method.");
    const CostEstimate e = controller_->costOf(id);
    QString details;
    switch (controller_->speedSource()) {
    case app::QuestionController::SpeedSource::ModelManager:
        details = tr("Until the answer starts: about %1 tokens at %2 tokens/s, the model's speed measured on this machine.")
                      .arg(e.prompt_tokens)
                      .arg(qRound(controller_->prefillTokensPerSecond()));
        break;
    case app::QuestionController::SpeedSource::Reading:
        details = tr("Until the answer starts: about %1 tokens at %2 tokens/s, the speed the reading went at.")
                      .arg(e.prompt_tokens)
                      .arg(qRound(controller_->prefillTokensPerSecond()));
        break;
    case app::QuestionController::SpeedSource::NotMeasured:
        details = tr("About %1 tokens before the answer starts. Measure the model's speed in Settings › Manage Models "
                     "to see how long that takes here.")
                      .arg(e.prompt_tokens);
        break;
    }
    if (e.partial_memory)
        details += QLatin1Char(' ') + tr("The reading goes on in the background; until it is done, answers come from what "
                                         "is read so far and the question's words in the rest.");
    return details;
}

void AskPanel::updateCostEstimates() {
    auto* items = static_cast<QStandardItemModel*>(method_->model());
    for (int i = 0; i < items->rowCount(); ++i) {
        QStandardItem* item = items->item(i);
        const QString id = item->data(Qt::UserRole).toString();
        const MethodEntry* m = find_method(id.toStdString());
        item->setToolTip(QStringLiteral("%1\n\n%2\n%3")
                             .arg(m ? QString::fromStdString(m->description) : QString(), costText(id), costDetails(id)));
    }
    const QString id = selectedMethod();
    cost_->setText(costText(id));
    cost_->setToolTip(costDetails(id));
}

void AskPanel::changeEvent(QEvent* event) {
    // Back from Settings (where the model manager measures speeds): the estimates may have changed.
    if (event->type() == QEvent::ActivationChange && isActiveWindow()) updateCostEstimates();
    QWidget::changeEvent(event);
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
    // The method box says which method the shown answer came from (and asks the next question with it).
    if (!controller_->isBusy()) setSelectedMethod(QString::fromStdString(r->method));
    setAnswerHtml(recordHtml(row));
    answer_->verticalScrollBar()->setValue(0);
    updateButtons();
}

// The question, the answer with its citations, and how it was asked.
QString AskPanel::recordHtml(int row) const {
    const QuestionRecord* r = controller_->history()->record(row);
    if (!r) return {};
    const int passages = controller_->evidence()->rowCount();
    QString meta = tr("%1 · %2 · %3")
                       .arg(methodLabel(QString::fromStdString(r->method)), QString::fromStdString(r->model),
                            passages == 1 ? tr("1 passage") : tr("%1 passages").arg(passages));
    if (const QString where = contextText(QString::fromStdString(r->scope_label), r->follows_id); !where.isEmpty())
        meta += QStringLiteral(" · ") + where;
    const QString answer = r->answer.empty() ? tr("(no answer)") : QString::fromStdString(r->answer);
    // An answer given before the reading finished says how much of the book it rests on.
    QString partial;
    if (const double fraction = app::readFractionOf(r->timings_json); fraction < 1.0) {
        partial = tr("Based on the %1% of the book read so far, and the question's words in the rest.")
                      .arg(qRound(100 * fraction))
                      .toHtmlEscaped();
        partial += controller_->bookRead()
                       ? QStringLiteral(" <a href=\"reask:\">%1</a>").arg(tr("Ask again now that the book is read").toHtmlEscaped())
                       : QLatin1Char(' ') + tr("The reading goes on; the answer can be asked again when it is done.").toHtmlEscaped();
        partial = QStringLiteral("<p style=\"color:#8a5a00\"><small>%1</small></p>").arg(partial);
    }
    return QStringLiteral("<p><b>%1</b></p><p>%2</p>%4<p style=\"color:gray\"><small>%3</small></p>")
        .arg(QString::fromStdString(r->question).toHtmlEscaped(), citationLinks(paragraphs(answer)), meta.toHtmlEscaped(),
             partial);
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
    // The reader's own marks follow the questions; they are cited in the document they were made in.
    QString md = app::historyToMarkdown(documentTitle, controller_->history()->records(), doc.get());
    if (annotations_) {
        const QString marks = app::annotationsToMarkdown(annotations_->bookmarks(), annotations_->highlights(),
                                                         annotations_->document().get());
        if (!marks.isEmpty()) md += QStringLiteral("\n") + marks;
    }
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
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Questions and Notes as Markdown"), suggested,
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
