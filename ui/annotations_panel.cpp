#include "annotations_panel.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

#include "annotation_model.h"

namespace gleaner::ui {

using app::AnnotationModel;

AnnotationsPanel::AnnotationsPanel(AnnotationModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    setObjectName(QStringLiteral("annotationsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    filter_ = new QComboBox(this);
    filter_->setObjectName(QStringLiteral("annotationFilter"));
    filter_->setAccessibleName(tr("Show"));
    filter_->addItem(tr("All"), int(Filter::All));
    filter_->addItem(tr("Bookmarks"), int(Filter::Bookmarks));
    filter_->addItem(tr("Highlights"), int(Filter::Highlights));
    layout->addWidget(filter_);

    filtered_ = new QSortFilterProxyModel(this);
    filtered_->setSourceModel(model_);
    filtered_->setFilterRole(AnnotationModel::KindRole);
    list_ = new QListView(this);
    list_->setObjectName(QStringLiteral("annotationList"));
    list_->setModel(filtered_);
    list_->setWordWrap(true);
    list_->setTextElideMode(Qt::ElideRight);
    list_->setAlternatingRowColors(true);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setSpacing(2);
    list_->setAccessibleName(tr("Bookmarks and highlights"));
    layout->addWidget(list_, 1);

    empty_ = new QLabel(tr("No bookmarks or highlights yet.\nCtrl+D bookmarks the place you are reading; "
                           "Ctrl+H highlights the selected text."),
                        this);
    empty_->setObjectName(QStringLiteral("annotationsEmpty"));
    empty_->setWordWrap(true);
    empty_->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(empty_);

    auto* buttons = new QHBoxLayout;
    edit_ = new QPushButton(tr("Edit Note…"), this);
    edit_->setObjectName(QStringLiteral("editNoteButton"));
    delete_ = new QPushButton(tr("Delete"), this);
    delete_->setObjectName(QStringLiteral("deleteAnnotationButton"));
    buttons->addWidget(edit_);
    buttons->addWidget(delete_);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    // The same commands on the list's context menu and keys.
    auto* goTo = new QAction(tr("Go To"), list_);
    auto* editNote = new QAction(tr("Edit Note…"), list_);
    auto* remove = new QAction(tr("Delete"), list_);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetShortcut);
    list_->addActions({goTo, editNote, remove});
    list_->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(filter_, &QComboBox::activated, this, [this] { setFilter(Filter(filter_->currentData().toInt())); });
    connect(list_, &QListView::activated, this, &AnnotationsPanel::activate);
    connect(goTo, &QAction::triggered, this, [this] { activate(list_->currentIndex()); });
    connect(edit_, &QPushButton::clicked, this, &AnnotationsPanel::editNote);
    connect(editNote, &QAction::triggered, this, &AnnotationsPanel::editNote);
    connect(delete_, &QPushButton::clicked, this, &AnnotationsPanel::removeCurrent);
    connect(remove, &QAction::triggered, this, &AnnotationsPanel::removeCurrent);
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this, &AnnotationsPanel::updateState);
    connect(filtered_, &QAbstractItemModel::modelReset, this, &AnnotationsPanel::updateState);
    connect(filtered_, &QAbstractItemModel::layoutChanged, this, &AnnotationsPanel::updateState);
    connect(filtered_, &QAbstractItemModel::rowsInserted, this, &AnnotationsPanel::updateState);
    connect(filtered_, &QAbstractItemModel::rowsRemoved, this, &AnnotationsPanel::updateState);
    updateState();
}

void AnnotationsPanel::setFilter(Filter filter) {
    filter_->setCurrentIndex(filter_->findData(int(filter)));
    switch (filter) {
        case Filter::All: filtered_->setFilterRegularExpression(QString()); break;
        case Filter::Bookmarks:
            filtered_->setFilterFixedString(QString::number(int(AnnotationModel::Kind::Bookmark)));
            break;
        case Filter::Highlights:
            filtered_->setFilterFixedString(QString::number(int(AnnotationModel::Kind::Highlight)));
            break;
    }
    updateState();
}

int AnnotationsPanel::currentRow() const {
    const QModelIndex current = list_->currentIndex();
    return current.isValid() ? filtered_->mapToSource(current).row() : -1;
}

void AnnotationsPanel::selectRow(int row) {
    const QModelIndex index = filtered_->mapFromSource(model_->index(row));
    if (!index.isValid()) return;
    list_->setCurrentIndex(index);
    list_->scrollTo(index);
}

void AnnotationsPanel::addBookmark(size_t offset, int page) {
    QString error;
    const int row = model_->addBookmark(offset, page, &error);
    if (row < 0) return showError(tr("The bookmark could not be saved"), error);
    selectRow(row);
    emit message(tr("Bookmarked %1").arg(model_->index(row).data(AnnotationModel::PlaceRole).toString()));
}

void AnnotationsPanel::highlight(TextRange range) {
    if (range.empty()) {
        emit message(tr("Select the text to highlight first, then choose Highlight Selection (Ctrl+H)."));
        return;
    }
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("highlightNoteDialog"));
    dialog->setWindowTitle(tr("Highlight Selection"));
    dialog->setLabelText(tr("A note on the highlighted passage (optional):"));
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setOkButtonText(tr("Highlight"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, range](const QString& note) {
        QString error;
        const int row = model_->addHighlight(range, note, &error);
        if (row < 0) return showError(tr("The highlight could not be saved"), error);
        selectRow(row);
        emit message(tr("Highlighted at %1").arg(model_->index(row).data(AnnotationModel::PlaceRole).toString()));
    });
    dialog->open();
}

void AnnotationsPanel::editNote() {
    const int row = currentRow();
    if (row < 0) return;
    const qlonglong id = model_->index(row).data(AnnotationModel::IdRole).toLongLong();
    const auto kind = model_->kind(row);
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("annotationNoteDialog"));
    dialog->setWindowTitle(tr("Edit Note"));
    dialog->setLabelText(tr("Note at %1:").arg(model_->index(row).data(AnnotationModel::PlaceRole).toString()));
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setTextValue(model_->index(row).data(AnnotationModel::NoteRole).toString());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // By id: the list may change while the dialog is open.
    connect(dialog, &QInputDialog::textValueSelected, this, [this, kind, id](const QString& note) {
        const int at = model_->rowOfId(kind, id);
        QString error;
        if (at >= 0 && !model_->setNote(at, note, &error)) showError(tr("The note could not be saved"), error);
    });
    dialog->open();
}

void AnnotationsPanel::removeCurrent() {
    const int row = currentRow();
    if (row < 0) return;
    QString error;
    if (!model_->remove(row, &error)) showError(tr("Could not delete it from the library"), error);
}

void AnnotationsPanel::activate(const QModelIndex& proxyIndex) {
    if (!proxyIndex.isValid()) return;
    const int row = filtered_->mapToSource(proxyIndex).row();
    emit placeActivated(model_->place(row), model_->index(row).data(AnnotationModel::PageRole).toInt());
}

void AnnotationsPanel::updateState() {
    const bool any = filtered_->rowCount() > 0;
    list_->setVisible(any);
    empty_->setVisible(!any);
    edit_->setEnabled(list_->currentIndex().isValid());
    delete_->setEnabled(list_->currentIndex().isValid());
}

void AnnotationsPanel::showError(const QString& title, const QString& text) {
    // Window-modal but not blocking, as the main window's messages.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Gleaner"), title, QMessageBox::Ok, this);
    box->setInformativeText(text);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit message(text);
}

}  // namespace gleaner::ui
