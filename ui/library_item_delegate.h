#pragma once
// Draws one book of the library: title, then author · pages or format · the model's reading
// state, and a thin bar for how far the user has read.
#include <QStyledItemDelegate>

namespace gleaner::ui {

class LibraryItemDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    // The second line, as it is drawn (also the accessible description).
    static QString detailText(const QModelIndex& index);
};

}  // namespace gleaner::ui
