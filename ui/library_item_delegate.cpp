#include "library_item_delegate.h"

#include <QApplication>
#include <QPainter>

#include "library_model.h"

namespace gleaner::ui {

using app::LibraryModel;

QString LibraryItemDelegate::detailText(const QModelIndex& index) {
    QStringList parts;
    const QString author = index.data(LibraryModel::AuthorRole).toString();
    if (!author.isEmpty()) parts << author;
    const int pages = index.data(LibraryModel::PagesRole).toInt();
    if (pages == 1) parts << LibraryModel::tr("1 page");
    else if (pages > 1) parts << LibraryModel::tr("%1 pages").arg(pages);
    else parts << index.data(LibraryModel::FormatRole).toString().toUpper();
    const qint64 read = index.data(LibraryModel::TokensReadRole).toLongLong();
    const qint64 total = index.data(LibraryModel::TokensTotalRole).toLongLong();
    QString status = index.data(LibraryModel::ReadingStatusRole).toString();
    if (total > 0 && read < total) status += QStringLiteral(" %1%").arg(100 * read / total);
    parts << status;
    if (index.data(LibraryModel::FileMissingRole).toBool()) parts << LibraryModel::tr("file missing");
    return parts.join(QStringLiteral(" · "));
}

QSize LibraryItemDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const QFontMetrics fm(option.font);
    return {200, fm.height() * 2 + 16};
}

void LibraryItemDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);  // background, selection, focus

    const bool selected = option.state & QStyle::State_Selected;
    const bool missing = index.data(LibraryModel::FileMissingRole).toBool();
    const QPalette::ColorGroup group = !(option.state & QStyle::State_Enabled) || missing ? QPalette::Disabled
                                       : (option.state & QStyle::State_Active)             ? QPalette::Active
                                                                                           : QPalette::Inactive;
    const QColor text = option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor dim = text;
    dim.setAlphaF(0.7);

    const QRect r = option.rect.adjusted(8, 5, -8, -5);
    QFont titleFont = option.font;
    titleFont.setBold(true);
    const QFontMetrics titleMetrics(titleFont), fm(option.font);
    painter->save();
    painter->setFont(titleFont);
    painter->setPen(text);
    painter->drawText(QRect(r.left(), r.top(), r.width(), titleMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      titleMetrics.elidedText(index.data(LibraryModel::TitleRole).toString(), Qt::ElideRight, r.width()));
    painter->setFont(option.font);
    painter->setPen(dim);
    painter->drawText(QRect(r.left(), r.top() + titleMetrics.height() + 1, r.width(), fm.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(detailText(index), Qt::ElideRight, r.width()));
    // How far the user has read, as a hairline under the text.
    const double read = index.data(LibraryModel::PositionFractionRole).toDouble();
    if (read > 0) {
        const QRect track(r.left(), option.rect.bottom() - 3, r.width(), 2);
        QColor trackColor = dim;
        trackColor.setAlphaF(0.2);
        painter->fillRect(track, trackColor);
        painter->fillRect(QRect(track.left(), track.top(), std::max(2, int(track.width() * read)), 2),
                          option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Highlight));
    }
    painter->restore();
}

}  // namespace gleaner::ui
