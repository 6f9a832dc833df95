#include "library_view.h"

#include <QCheckBox>
#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QUrl>

#include "library_item_delegate.h"
#include "library_model.h"

namespace gleaner::ui {

using app::LibraryModel;

LibraryView::LibraryView(LibraryModel* model, QWidget* parent) : QListView(parent), model_(model) {
    setObjectName(QStringLiteral("library"));
    setModel(model);
    setItemDelegate(new LibraryItemDelegate(this));
    setSelectionMode(SingleSelection);
    setUniformItemSizes(true);
    setDragEnabled(true);
    setDragDropMode(DragOnly);
    setAccessibleName(tr("Library"));
    setToolTip(QString());
    connect(this, &QListView::activated, this, [this](const QModelIndex& index) {
        emit openRequested(index.data(LibraryModel::PathRole).toString());
    });
}

void LibraryView::setCurrentDocument(qint64 id) {
    const int row = model_->rowOf(id);
    if (row >= 0) setCurrentIndex(model_->index(row));
    else clearSelection();
}

void LibraryView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Delete && currentIndex().isValid()) {
        confirmRemove(currentIndex());
        return;
    }
    QListView::keyPressEvent(event);
}

void LibraryView::contextMenuEvent(QContextMenuEvent* event) {
    const QModelIndex index = indexAt(event->pos());
    if (!index.isValid()) return;
    const QString path = index.data(LibraryModel::PathRole).toString();
    QMenu menu(this);
    QAction* open = menu.addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open"));
    QAction* folder = menu.addAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Open Containing &Folder"));
    folder->setEnabled(QFileInfo::exists(path));
    menu.addSeparator();
    QAction* remove = menu.addAction(QIcon::fromTheme(QStringLiteral("list-remove")), tr("&Remove from Library…"));
    QAction* chosen = menu.exec(event->globalPos());
    if (chosen == open) emit openRequested(path);
    else if (chosen == folder) QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    else if (chosen == remove) confirmRemove(index);
}

void LibraryView::confirmRemove(const QModelIndex& index) {
    const qint64 id = index.data(LibraryModel::IdRole).toLongLong();
    const QString title = index.data(LibraryModel::TitleRole).toString();
    // Window-modal and asynchronous: nothing else waits on the answer.
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove from Library"),
                                tr("Remove “%1” from the library?").arg(title), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmRemove"));
    box->setInformativeText(tr("Its questions and answers are deleted too. The file itself stays where it is."));
    // What the model read of the book is kept apart, under the book's identity: offered, checked,
    // since a book nobody keeps in the library rarely needs it; kept, it saves reading it again.
    const StoredMemories memories = model_->readingMemories(id);
    if (memories.count > 0) {
        auto* check = new QCheckBox(tr("Also delete what the model read of it (%1 MB); asking about it again "
                                       "will read the book again first")
                                        .arg(memories.bytes / 1e6, 0, 'f', 1));
        check->setObjectName(QStringLiteral("deleteReadingMemory"));
        check->setChecked(true);
        box->setCheckBox(check);
    }
    QPushButton* removeButton = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, removeButton, id] {
        const bool deleteMemories = box->checkBox() && box->checkBox()->isChecked();
        if (box->clickedButton() == removeButton) emit removeRequested(id, deleteMemories);
    });
    box->open();
}

}  // namespace gleaner::ui
