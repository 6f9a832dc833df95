#include "toc_view.h"

#include <QHeaderView>

#include "toc_model.h"

namespace gleaner::ui {

TocView::TocView(app::TocModel* model, QWidget* parent) : QTreeView(parent), model_(model) {
    setObjectName(QStringLiteral("tocView"));
    setModel(model);
    setUniformRowHeights(true);
    setHeaderHidden(true);
    setEditTriggers(NoEditTriggers);
    setAccessibleName(tr("Table of contents"));
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    connect(this, &QTreeView::activated, this, &TocView::activate);
    connect(this, &QTreeView::clicked, this, &TocView::activate);
    // Chapters open, sections folded: once per rebuild, not once per inserted row.
    auto expandLater = [this] {
        if (expand_pending_) return;
        expand_pending_ = true;
        QMetaObject::invokeMethod(this, [this] {
            expand_pending_ = false;
            expandToDepth(0);
        }, Qt::QueuedConnection);
    };
    connect(model, &QAbstractItemModel::modelReset, this, expandLater);
    connect(model, &QAbstractItemModel::rowsInserted, this, expandLater);
}

void TocView::activate(const QModelIndex& index) {
    if (!index.isValid()) return;
    emit entryActivated(index.data(app::TocModel::PageRole).toInt(),
                        index.data(app::TocModel::OffsetRole).toULongLong());
}

void TocView::setCurrentOffset(size_t offset) {
    const QModelIndex index = model_->indexForOffset(offset);
    if (index == currentIndex()) return;
    if (!index.isValid()) {  // before the first entry (a title page, a preface)
        selectionModel()->clear();
        return;
    }
    // Select without emitting activation: the reader is already there.
    selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(index);
}

}  // namespace gleaner::ui
