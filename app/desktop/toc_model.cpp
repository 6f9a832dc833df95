#include "toc_model.h"

#include <algorithm>

namespace gleaner::app {

TocModel::TocModel(QObject* parent) : QStandardItemModel(parent) { setHorizontalHeaderLabels({tr("Title"), tr("Page")}); }

void TocModel::setDocument(const Document* doc) {
    clear();
    setHorizontalHeaderLabels({tr("Title"), tr("Page")});
    in_order_.clear();
    offsets_.clear();
    if (!doc) return;
    // parents[level - 1] is the latest entry of that level; an entry that skips levels (a
    // level-3 entry under a level-1 one) hangs under the deepest open parent.
    // Built detached from the model (no signal per entry), then moved in row by row at the top.
    QStandardItem holder;
    std::vector<QStandardItem*> entries;
    std::vector<QStandardItem*> parents;
    for (const TocEntry& e : doc->toc) {
        auto* title = new QStandardItem(QString::fromStdString(e.title).simplified());
        title->setEditable(false);
        title->setData(e.page, PageRole);
        title->setData(QVariant::fromValue<qulonglong>(e.offset), OffsetRole);
        title->setToolTip(title->text());
        QString pageText;
        if (e.page >= 0) {
            const std::string& label = e.page < doc->page_count() ? doc->pages[size_t(e.page)].label : std::string();
            pageText = label.empty() ? QString::number(e.page + 1) : QString::fromStdString(label);
        }
        auto* page = new QStandardItem(pageText);
        page->setEditable(false);
        page->setData(e.page, PageRole);
        page->setData(QVariant::fromValue<qulonglong>(e.offset), OffsetRole);
        page->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);

        const int level = std::max(1, e.level);
        if (static_cast<int>(parents.size()) >= level) parents.resize(size_t(level - 1));
        QStandardItem* parent = parents.empty() ? &holder : parents.back();
        parent->appendRow({title, page});
        parents.push_back(title);
        entries.push_back(title);
        offsets_.push_back(e.offset);
    }
    while (holder.rowCount() > 0) invisibleRootItem()->appendRow(holder.takeRow(0));
    for (QStandardItem* item : entries) in_order_.emplace_back(item->index());
}

QModelIndex TocModel::indexForOffset(size_t offset) const {
    // Entries are in document order, so their offsets ascend (an importer could emit one out of
    // order; then the nearest earlier entry by position in the list is still a fair answer).
    auto it = std::upper_bound(offsets_.begin(), offsets_.end(), offset);
    if (it == offsets_.begin()) return {};
    return in_order_[size_t(it - offsets_.begin() - 1)];
}

}  // namespace gleaner::app
