#pragma once
// The pages of the open PDF as small pictures with their printed labels, for the thumbnails
// panel. Rendering is lazy and off the GUI thread: the panel says which rows it shows and only
// those (and a few around them) are rendered, by a PdfPageRenderer of the model's own on one
// background thread, so a 352-page book opens at once and scrolling stays smooth. At most
// `capacity` pictures are kept; a page scrolled away and evicted is rendered again when shown.
// Flowing text (EPUB, TXT) has no pages: the model is then empty.
#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QStringList>

#include "document_ptr.h"

namespace gleaner::app {

class PdfPageRenderer;

class ThumbnailModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        PageRole = Qt::UserRole + 1,  // int, 0-based
        RenderedRole,                 // bool: the decoration is the rendered page, not a placeholder
    };

    explicit ThumbnailModel(QObject* parent = nullptr, int capacity = 200, int thumbnailWidth = 110);

    void setDocument(const LoadedDocument& document);  // a document without pages: empty
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    // The rows the panel shows (inclusive); they are rendered first, then a few either side.
    void setVisibleRange(int first, int last);
    // The screen's device pixels per logical pixel: pictures are rendered that much finer.
    void setDevicePixelRatio(qreal ratio);

    int thumbnailWidth() const { return width_; }
    QSize thumbnailSize(int page) const;  // logical pixels, the page's proportions
    QString labelOf(int page) const;
    bool isRendered(int page) const { return cache_.contains(page); }
    int cachedCount() const { return int(cache_.count()); }
    int capacity() const { return int(cache_.maxCost()); }

private:
    void onPageRendered(int page);
    void onRenderFailed(int page, const QString& message);
    QSize pixelSize(int page) const;
    QImage placeholder(int page) const;

    PdfPageRenderer* renderer_;
    DocumentPtr document_;
    QStringList labels_;
    int width_;
    qreal ratio_ = 1.0;
    QCache<int, QImage> cache_;    // by page; cost 1 each, so the capacity counts pictures
    QHash<int, QString> failures_;  // pages poppler could not render: not asked for again
};

}  // namespace gleaner::app
