#include "thumbnails_panel.h"

#include <QLabel>
#include <QListView>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "document_ptr.h"
#include "thumbnail_model.h"

namespace gleaner::ui {

ThumbnailsPanel::ThumbnailsPanel(app::ThumbnailModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    setObjectName(QStringLiteral("thumbnailsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    stack_ = new QStackedWidget(this);
    layout->addWidget(stack_);

    list_ = new QListView(this);
    list_->setObjectName(QStringLiteral("thumbnailList"));
    list_->setAccessibleName(tr("Page thumbnails"));
    list_->setModel(model);
    // One column of pictures with their labels below, like Okular's sidebar.
    list_->setViewMode(QListView::IconMode);
    list_->setFlow(QListView::TopToBottom);
    list_->setWrapping(false);
    list_->setMovement(QListView::Static);
    list_->setResizeMode(QListView::Adjust);
    list_->setUniformItemSizes(true);  // sizes come from one row: the others are not asked for pictures
    list_->setSpacing(6);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    list_->setIconSize(model->thumbnailSize(0));
    stack_->addWidget(list_);

    note_ = new QLabel(tr("This document flows as text and has no pages to show. "
                          "Use the Contents panel to move through it."), this);
    note_->setObjectName(QStringLiteral("thumbnailsNote"));
    note_->setWordWrap(true);
    note_->setAlignment(Qt::AlignCenter);
    note_->setMargin(12);
    note_->setForegroundRole(QPalette::PlaceholderText);
    stack_->addWidget(note_);
    stack_->setCurrentWidget(note_);

    // Scrolling fires many times a second; ask for pictures once it settles a little.
    visible_timer_ = new QTimer(this);
    visible_timer_->setSingleShot(true);
    visible_timer_->setInterval(30);
    connect(visible_timer_, &QTimer::timeout, this, &ThumbnailsPanel::requestVisible);
    auto later = [this] { visible_timer_->start(); };
    connect(list_->verticalScrollBar(), &QScrollBar::valueChanged, this, later);
    connect(list_->verticalScrollBar(), &QScrollBar::rangeChanged, this, later);
    connect(model, &QAbstractItemModel::modelReset, this, later);
    connect(model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
        // A new resolution empties the model's pictures: the visible ones are wanted again.
        if (roles.contains(app::ThumbnailModel::RenderedRole) && !model_->cachedCount()) visible_timer_->start();
    });
    connect(list_, &QListView::clicked, this, [this](const QModelIndex& index) {
        if (index.isValid()) emit pageActivated(index.row());
    });
    connect(list_, &QListView::activated, this, [this](const QModelIndex& index) {
        if (index.isValid()) emit pageActivated(index.row());
    });
}

void ThumbnailsPanel::setDocument(const app::LoadedDocument& document) {
    model_->setDevicePixelRatio(devicePixelRatioF());
    model_->setDocument(document);
    const bool pages = model_->rowCount() > 0;
    if (pages) list_->setIconSize(model_->thumbnailSize(0));
    stack_->setCurrentWidget(pages ? static_cast<QWidget*>(list_) : note_);
    if (pages) setCurrentPage(0);
}

void ThumbnailsPanel::clear() {
    model_->clear();
    stack_->setCurrentWidget(note_);
}

bool ThumbnailsPanel::showsPages() const { return stack_->currentWidget() == list_; }

void ThumbnailsPanel::setCurrentPage(int page) {
    const QModelIndex index = model_->index(page, 0);
    if (!index.isValid()) return;
    if (list_->currentIndex() != index)
        list_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    list_->scrollTo(index, QAbstractItemView::EnsureVisible);
}

int ThumbnailsPanel::currentPage() const {
    const QModelIndex index = list_->currentIndex();
    return index.isValid() ? index.row() : -1;
}

void ThumbnailsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    model_->setDevicePixelRatio(devicePixelRatioF());
    visible_timer_->start();  // hidden, the panel asked for nothing
}

void ThumbnailsPanel::requestVisible() {
    if (!isVisible() || !showsPages() || model_->rowCount() == 0) return;
    model_->setVisibleRange(firstVisibleRow(), lastVisibleRow());
}

// Rows run top to bottom in one column: the first whose bottom is inside the viewport, found by
// bisection so a long book costs a few rectangles, not one per page.
int ThumbnailsPanel::firstVisibleRow() const {
    int lo = 0, hi = model_->rowCount() - 1;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (list_->visualRect(model_->index(mid, 0)).bottom() < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int ThumbnailsPanel::lastVisibleRow() const {
    const int height = list_->viewport()->height();
    int lo = 0, hi = model_->rowCount() - 1;
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (list_->visualRect(model_->index(mid, 0)).top() > height) hi = mid - 1;
        else lo = mid;
    }
    return lo;
}

}  // namespace gleaner::ui
