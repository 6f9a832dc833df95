#pragma once
// Draws an evidence score as a small bar with its value, so strong passages are seen at a glance.
#include <QStyledItemDelegate>

namespace gleaner::ui {

class EvidenceScoreDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace gleaner::ui
