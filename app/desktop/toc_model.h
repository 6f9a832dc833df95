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
    // The deepest entry at or before `offset`: where the reader is, for highlighting in the tree.
    QModelIndex indexForOffset(size_t offset) const;

private:
    std::vector<QPersistentModelIndex> in_order_;  // entries in document order
    std::vector<size_t> offsets_;
};

}  // namespace gleaner::app
