#include "evidence_score_delegate.h"

#include <QApplication>
#include <QPainter>

#include "evidence_model.h"
#include "highlight_colors.h"

namespace gleaner::ui {

void EvidenceScoreDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const double score = index.data(app::EvidenceModel::ScoreRole).toDouble();
    const QRect r = option.rect.adjusted(4, 3, -4, -3);
    const QFontMetrics fm(option.font);
    const int textWidth = fm.horizontalAdvance(QStringLiteral("0.00"));
    const QRect bar(r.left(), r.center().y() - 3, std::max(0, r.width() - textWidth - 8), 6);
    painter->save();
    QColor track = option.palette.color(QPalette::Text);
    track.setAlphaF(0.12);
    painter->fillRect(bar, track);
    painter->fillRect(QRect(bar.left(), bar.top(), int(bar.width() * std::clamp(score, 0.0, 1.0)), bar.height()),
                      pageOverlayColors().evidenceOutline);
    painter->setPen(option.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(QRect(r.right() - textWidth, r.top(), textWidth, r.height()), Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize EvidenceScoreDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), 90));
    return s;
}

}  // namespace gleaner::ui
