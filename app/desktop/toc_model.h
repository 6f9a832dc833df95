#pragma once
// The document's table of contents as a tree model (title, page) for the contents panel.
#include <QStandardItemModel>

#include "document.h"

namespace gleaner::app {

class TocModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum Role {
        PageRole = Qt::UserRole + 1,  // int, 0-based; -1 for reflowable formats
        OffsetRole,                   // qulonglong: byte offset of the target in the canonical text
    };

    explicit TocModel(QObject* parent = nullptr);
    // Rebuilds the tree from doc.toc (nullptr: empty).
    void setDocument(const Document* doc);
    // Where the reader at `offset` is, for highlighting in the tree: the last entry (in the
    // contents' order) whose target is at or before it. In a document with pages the target is
    // the entry's page and the reader's position the page holding `offset` (a heading half-way
    // down the page being read has been reached); entries without a page (links to web sites)
    // are never current. Entries listed out of order are compared by their targets. `page`, where
    // the caller knows it, is the page being read (a page without text shares its offset with
    // the next page).
    QModelIndex indexForOffset(size_t offset, int page = -1) const;

private:
    std::vector<QPersistentModelIndex> in_order_;  // entries in document order
    // Entries that can be current, by target (page, else offset), ties in contents' order.
    std::vector<std::pair<size_t, size_t>> by_target_;  // (target, index into in_order_)
    std::vector<size_t> page_begins_;                   // empty: a document without pages
};

}  // namespace gleaner::app
