#include "toc_model.h"

#include <algorithm>

namespace gleaner::app {

TocModel::TocModel(QObject* parent) : QStandardItemModel(parent) { setHorizontalHeaderLabels({tr("Title"), tr("Page")}); }

void TocModel::setDocument(const Document* doc) {
    clear();
    setHorizontalHeaderLabels({tr("Title"), tr("Page")});
    in_order_.clear();
    by_target_.clear();
    page_begins_.clear();
    if (!doc) return;
    for (const PageInfo& p : doc->pages) page_begins_.push_back(p.range.begin);
    const bool paged = !page_begins_.empty();
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
        if (!paged) by_target_.emplace_back(e.offset, entries.size());
        else if (e.page >= 0 && e.page < doc->page_count()) by_target_.emplace_back(size_t(e.page), entries.size());
        entries.push_back(title);
    }
    while (holder.rowCount() > 0) invisibleRootItem()->appendRow(holder.takeRow(0));
    for (QStandardItem* item : entries) in_order_.emplace_back(item->index());
    std::stable_sort(by_target_.begin(), by_target_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

QModelIndex TocModel::indexForOffset(size_t offset, int page) const {
    size_t position = offset;
    if (!page_begins_.empty() && page >= 0) {
        position = size_t(page);
    } else if (!page_begins_.empty()) {
        // The page holding the offset (the last page starting at or before it).
        auto page = std::upper_bound(page_begins_.begin(), page_begins_.end(), offset);
        position = page == page_begins_.begin() ? 0 : size_t(page - page_begins_.begin() - 1);
    }
    auto it = std::upper_bound(by_target_.begin(), by_target_.end(), position,
                               [](size_t pos, const std::pair<size_t, size_t>& e) { return pos < e.first; });
    if (it == by_target_.begin()) return {};
    return in_order_[std::prev(it)->second];
}

}  // namespace gleaner::app
