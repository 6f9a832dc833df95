#include "layer_selection_map.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "highlight_colors.h"

namespace gleaner::ui {

namespace {
constexpr int kGutter = 34;  // room for the layer numbers
constexpr int kAxis = 16;    // room for "start … end" under the map
}  // namespace

LayerSelectionMap::LayerSelectionMap(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("layerMap"));
    setMouseTracking(true);
    setCursor(Qt::PointingHandCursor);
    setAccessibleName(tr("Selection by layer"));
}

void LayerSelectionMap::setSelections(const std::vector<LayerEvidence>& layers, size_t textSize) {
    layers_ = layers;
    std::sort(layers_.begin(), layers_.end(), [](const LayerEvidence& a, const LayerEvidence& b) { return a.layer < b.layer; });
    text_size_ = textSize;
    update();
}

QRect LayerSelectionMap::mapRect() const { return rect().adjusted(kGutter, 6, -6, -kAxis); }

int LayerSelectionMap::layerAt(int y) const {
    const QRect r = mapRect();
    if (layers_.empty() || y < r.top() || y > r.bottom()) return -1;
    return std::clamp(int((y - r.top()) * double(layers_.size()) / r.height()), 0, int(layers_.size()) - 1);
}

size_t LayerSelectionMap::offsetAt(const QPoint& pos) const {
    const QRect r = mapRect();
    const double f = std::clamp(double(pos.x() - r.left()) / std::max(1, r.width()), 0.0, 1.0);
    return size_t(f * double(text_size_));
}

void LayerSelectionMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRect r = mapRect();
    if (layers_.empty() || text_size_ == 0 || r.width() <= 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("This method does not select per layer. GemFilter, Gleaner, InfLLM and Q-LLM answers show "
                      "here which parts of the book each layer looked at."));
        return;
    }
    p.fillRect(r, pal.color(QPalette::AlternateBase));
    const int n = int(layers_.size());
    const QColor base = pageOverlayColors().evidenceOutline;
    for (int i = 0; i < n; ++i) {
        const int y0 = r.top() + int(std::floor(i * double(r.height()) / n));
        const int y1 = r.top() + int(std::floor((i + 1) * double(r.height()) / n));
        // Strongest selection per pixel column of this row.
        std::vector<float> heat(size_t(r.width()), 0.0f);
        for (const EvidencePassage& e : layers_[size_t(i)].passages) {
            const int x0 = std::clamp(int(double(e.begin) / text_size_ * r.width()), 0, r.width() - 1);
            const int x1 = std::clamp(int(std::ceil(double(e.end) / text_size_ * r.width())), x0 + 1, r.width());
            for (int x = x0; x < x1; ++x) heat[size_t(x)] = std::max(heat[size_t(x)], e.score);
        }
        for (int x = 0; x < r.width(); ++x) {
            if (heat[size_t(x)] <= 0) continue;
            QColor c = base;
            c.setAlphaF(0.2 + 0.8 * std::clamp(double(heat[size_t(x)]), 0.0, 1.0));
            p.fillRect(QRect(r.left() + x, y0, 1, std::max(1, y1 - y0 - (n < 40 ? 1 : 0))), c);
        }
    }
    // Layer numbers every few rows, and the document's direction.
    p.setPen(pal.color(QPalette::Text));
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
    p.setFont(small);
    const int every = std::max(1, int(std::ceil(n / std::max(1.0, r.height() / 14.0))));
    for (int i = 0; i < n; i += every) {
        const int y = r.top() + int((i + 0.5) * double(r.height()) / n);
        p.drawText(QRect(0, y - 8, kGutter - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(layers_[size_t(i)].layer));
    }
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), kAxis - 2), Qt::AlignLeft | Qt::AlignVCenter, tr("start"));
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), kAxis - 2), Qt::AlignHCenter | Qt::AlignVCenter,
               tr("document →"));
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), kAxis - 2), Qt::AlignRight | Qt::AlignVCenter, tr("end"));
}

void LayerSelectionMap::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && !layers_.empty() && mapRect().contains(event->position().toPoint()))
        emit offsetClicked(offsetAt(event->position().toPoint()));
}

bool LayerSelectionMap::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int i = layerAt(help->pos().y());
        if (i >= 0 && mapRect().contains(help->pos())) {
            const double at = 100.0 * double(offsetAt(help->pos())) / std::max<size_t>(1, text_size_);
            QToolTip::showText(help->globalPos(), tr("Layer %1, %2% into the document").arg(layers_[size_t(i)].layer).arg(qRound(at)),
                               this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

}  // namespace gleaner::ui
