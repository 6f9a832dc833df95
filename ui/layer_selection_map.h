#pragma once
// Where each layer looked: a map with one row per layer and the document from left (start) to
// right (end), darker where that layer selected more strongly. For methods that select per layer
// (GemFilter's filter layer, the block memories of InfLLM and Q-LLM). Clicking a cell takes the
// reader to that part of the document.
#include <QWidget>

#include <vector>

#include "answer_engine.h"

namespace gleaner::ui {

class LayerSelectionMap : public QWidget {
    Q_OBJECT
public:
    explicit LayerSelectionMap(QWidget* parent = nullptr);

    // textSize: bytes of the document's text (the horizontal scale).
    void setSelections(const std::vector<LayerEvidence>& layers, size_t textSize);
    bool isEmpty() const { return layers_.empty(); }
    // The byte offset under a point of the map (for tests and tooltips).
    size_t offsetAt(const QPoint& pos) const;

    QSize sizeHint() const override { return {320, 200}; }
    QSize minimumSizeHint() const override { return {120, 60}; }

signals:
    void offsetClicked(qulonglong offset);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;  // tooltips

private:
    QRect mapRect() const;
    int layerAt(int y) const;

    std::vector<LayerEvidence> layers_;
    size_t text_size_ = 0;
};

}  // namespace gleaner::ui
