#include "selection_heat_strip.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "highlight_colors.h"

namespace gleaner::ui {

SelectionHeatStrip::SelectionHeatStrip(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("heatStrip"));
    setFixedWidth(14);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Where the answer's evidence lies in the whole document (teal) and the search hits (yellow). "
                  "Click to go there."));
    setAccessibleName(tr("Evidence map"));
}

void SelectionHeatStrip::setEvidenceMarks(std::vector<Mark> marks) {
    evidence_ = std::move(marks);
    update();
}

void SelectionHeatStrip::setComparisonMarks(std::vector<Mark> marks) {
    comparison_ = std::move(marks);
    update();
}

void SelectionHeatStrip::setSearchMarks(std::vector<double> positions) {
    search_ = std::move(positions);
    update();
}

void SelectionHeatStrip::setViewport(double top, double bottom) {
    if (std::abs(top - view_top_) < 1e-4 && std::abs(bottom - view_bottom_) < 1e-4) return;
    view_top_ = top;
    view_bottom_ = bottom;
    update();
}

void SelectionHeatStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette pal = palette();
    const int h = height(), w = width();
    p.fillRect(rect(), pal.color(QPalette::AlternateBase));

    // Heat per pixel row: the strongest selection touching it, so one strong passage is not
    // drowned by many weak ones and adjacent passages do not add up past "fully selected".
    auto paintHeat = [&](const std::vector<Mark>& marks, const QColor& base, int x, int width) {
        std::vector<double> heat(size_t(std::max(1, h)), 0.0);
        for (const Mark& m : marks) {
            const int y0 = std::clamp(int(std::floor(m.from * h)), 0, h - 1);
            const int y1 = std::clamp(int(std::ceil(m.to * h)), y0 + 1, h);
            for (int y = y0; y < y1; ++y) heat[size_t(y)] = std::max(heat[size_t(y)], m.weight);
        }
        for (int y = 0; y < h; ++y) {
            if (heat[size_t(y)] <= 0) continue;
            QColor c = base;
            c.setAlphaF(0.25 + 0.75 * std::clamp(heat[size_t(y)], 0.0, 1.0));
            p.fillRect(QRect(x, y, width, 1), c);
        }
    };
    const HighlightColors colors = pageOverlayColors();
    if (comparison_.empty()) {
        paintHeat(evidence_, colors.evidenceOutline, 0, w);
    } else {
        paintHeat(evidence_, colors.evidenceOutline, 0, w / 2);
        paintHeat(comparison_, colors.comparisonMark, w / 2, w - w / 2);
    }
    // Search hits: short ticks on the left half, above the heat so both stay visible.
    const QColor tick(230, 170, 0);
    for (const double f : search_) {
        const int y = std::clamp(int(f * h), 0, h - 2);
        p.fillRect(QRect(0, y, w / 2, 2), tick);
    }
    // The visible part of the document.
    if (view_bottom_ > view_top_) {
        QColor frame = pal.color(QPalette::WindowText);
        frame.setAlphaF(0.55);
        p.setPen(frame);
        const int y0 = int(view_top_ * h), y1 = std::max(y0 + 3, int(view_bottom_ * h));
        p.drawRect(QRect(0, y0, w - 1, std::min(y1, h) - y0 - 1));
    }
}

double SelectionHeatStrip::fractionAt(int y) const { return std::clamp(double(y) / std::max(1, height()), 0.0, 1.0); }

void SelectionHeatStrip::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) emit positionClicked(fractionAt(int(event->position().y())));
}

void SelectionHeatStrip::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) emit positionClicked(fractionAt(int(event->position().y())));
}

}  // namespace gleaner::ui
