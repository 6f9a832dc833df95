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
    // The title takes the panel's width (elided, whole in its tooltip, where the panel is
    // narrower), the page number what it needs. The model clears its columns on every document
    // and new columns come back with the header's default (a fixed 100 pixels): set again.
    auto sizeColumns = [this] {
        if (header()->count() >= 1) header()->setSectionResizeMode(0, QHeaderView::Stretch);
        if (header()->count() >= 2) header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    };
    sizeColumns();
    connect(model, &QAbstractItemModel::modelReset, this, sizeColumns);
    connect(model, &QAbstractItemModel::columnsInserted, this, sizeColumns);
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

void TocView::setCurrentOffset(size_t offset, int page) {
    const QModelIndex index = model_->indexForOffset(offset, page);
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
