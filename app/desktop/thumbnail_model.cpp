#include "thumbnail_model.h"

#include <QColor>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "pdf_page_renderer.h"

namespace gleaner::app {

namespace {
// Rows rendered ahead of the visible ones on each side, so that a short scroll finds them ready.
constexpr int kLookAhead = 4;
}  // namespace

ThumbnailModel::ThumbnailModel(QObject* parent, int capacity, int thumbnailWidth)
    // One thread: the reader's own renderer has the others, and what the reader shows matters more.
    // Its cache only hands pictures over to ours, a few MiB is plenty.
    : QAbstractListModel(parent), renderer_(new PdfPageRenderer(this, 1, 4ll << 20)), width_(std::max(16, thumbnailWidth)) {
    cache_.setMaxCost(std::max(1, capacity));
    connect(renderer_, &PdfPageRenderer::pageRendered, this, &ThumbnailModel::onPageRendered);
    connect(renderer_, &PdfPageRenderer::renderFailed, this, &ThumbnailModel::onRenderFailed);
}

void ThumbnailModel::setDocument(const LoadedDocument& document) {
    if (!document.document || !document.document->is_paginated()) return clear();
    beginResetModel();
    document_ = document.document;
    cache_.clear();
    failures_.clear();
    labels_.clear();
    for (size_t i = 0; i < document_->pages.size(); ++i) {
        const QString label = QString::fromStdString(document_->pages[i].label).trimmed();
        labels_.push_back(label.isEmpty() ? QString::number(i + 1) : label);
    }
    renderer_->open(document.path, document.password);
    endResetModel();
}

void ThumbnailModel::clear() {
    beginResetModel();
    document_.reset();
    labels_.clear();
    cache_.clear();
    failures_.clear();
    renderer_->open(QString());
    endResetModel();
}

int ThumbnailModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(labels_.size()); }

QString ThumbnailModel::labelOf(int page) const { return page >= 0 && page < labels_.size() ? labels_[page] : QString(); }

QVariant ThumbnailModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const int page = index.row();
    switch (role) {
        case Qt::DisplayRole: return labels_[page];
        case Qt::ToolTipRole: {
            QString tip = labels_[page] == QString::number(page + 1)
                              ? tr("Page %1 of %2").arg(page + 1).arg(rowCount())
                              : tr("Page %1 (%2 of %3)").arg(labels_[page]).arg(page + 1).arg(rowCount());
            if (failures_.contains(page)) tip += QStringLiteral("\n") + failures_.value(page);
            return tip;
        }
        case Qt::DecorationRole:
            if (const QImage* image = cache_.object(page)) return *image;
            return placeholder(page);
        case Qt::TextAlignmentRole: return int(Qt::AlignHCenter | Qt::AlignTop);
        case PageRole: return page;
        case RenderedRole: return cache_.contains(page);
        default: return {};
    }
}

QSize ThumbnailModel::thumbnailSize(int page) const {
    if (!document_ || page < 0 || page >= document_->page_count()) return {width_, int(width_ * 1.3)};
    const PageInfo& info = document_->pages[size_t(page)];
    const double aspect = info.width > 0 && info.height > 0 ? info.height / info.width : 1.3;
    // A very tall or very wide page still gets a usable picture.
    return {width_, int(std::lround(width_ * std::clamp(aspect, 0.3, 3.0)))};
}

QSize ThumbnailModel::pixelSize(int page) const {
    const QSize logical = thumbnailSize(page);
    return {int(std::lround(logical.width() * ratio_)), int(std::lround(logical.height() * ratio_))};
}

QImage ThumbnailModel::placeholder(int page) const {
    // Blank paper with a thin edge, at the picture's size, so the list does not jump when the
    // page arrives.
    QImage image(pixelSize(page), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio_);
    image.fill(QColor(246, 246, 246));
    QPainter p(&image);
    p.setPen(QColor(200, 200, 200));
    p.drawRect(QRectF(QPointF(0, 0), image.deviceIndependentSize()).adjusted(0, 0, -1, -1));
    return image;
}

void ThumbnailModel::setVisibleRange(int first, int last) {
    if (!document_ || rowCount() == 0) return;
    first = std::clamp(first, 0, rowCount() - 1);
    last = std::clamp(last, first, rowCount() - 1);
    QVector<PageRequest> wanted;
    auto want = [&](int page) {
        if (page < 0 || page >= rowCount() || cache_.contains(page) || failures_.contains(page)) return;
        const QSize size = pixelSize(page);
        wanted.push_back({page, size.width(), size.height()});
    };
    for (int page = first; page <= last; ++page) want(page);
    for (int step = 1; step <= kLookAhead; ++step) {
        want(last + step);
        want(first - step);
    }
    // Never more than the cache holds: what would be evicted before it is shown is not wanted.
    if (wanted.size() > capacity()) wanted.resize(capacity());
    renderer_->request(wanted);  // replaces the wishes for rows no longer shown
}

void ThumbnailModel::setDevicePixelRatio(qreal ratio) {
    if (ratio <= 0 || qFuzzyCompare(ratio, ratio_)) return;
    ratio_ = ratio;
    cache_.clear();  // drawn at the old resolution; the panel asks for the visible rows again
    if (rowCount() > 0) emit dataChanged(index(0), index(rowCount() - 1), {Qt::DecorationRole, RenderedRole});
}

void ThumbnailModel::onPageRendered(int page) {
    if (!document_ || page < 0 || page >= rowCount()) return;
    QImage image = renderer_->cached(page, pixelSize(page).width());
    if (image.isNull()) return;  // rendered for another resolution, or already evicted
    image.setDevicePixelRatio(ratio_);
    {
        // The paper's edge, so that white pages stand apart from the white list around them.
        QPainter p(&image);
        p.setPen(QColor(160, 160, 160));
        p.drawRect(QRectF(QPointF(0, 0), image.deviceIndependentSize()).adjusted(0, 0, -1, -1));
    }
    cache_.insert(page, new QImage(std::move(image)), 1);
    emit dataChanged(index(page), index(page), {Qt::DecorationRole, RenderedRole});
}

void ThumbnailModel::onRenderFailed(int page, const QString& message) {
    if (!document_ || page < 0 || page >= rowCount()) return;
    failures_.insert(page, message);
    emit dataChanged(index(page), index(page), {Qt::ToolTipRole});
}

}  // namespace gleaner::app
