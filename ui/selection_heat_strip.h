#pragma once
// A narrow strip beside the reader's scrollbar: the whole document from top to bottom, tinted
// where the answer's evidence lies (darker where the selection was stronger), ticked where the
// search hits are, with the visible part outlined. Clicking or dragging on it jumps there.
#include <QWidget>

#include <vector>

namespace gleaner::ui {

class SelectionHeatStrip : public QWidget {
    Q_OBJECT
public:
    struct Mark {
        double from = 0, to = 0;  // fractions of the document's height, 0 = top
        double weight = 0;         // in [0, 1]
    };

    explicit SelectionHeatStrip(QWidget* parent = nullptr);

    void setEvidenceMarks(std::vector<Mark> marks);
    // Compare mode: the second method's marks, drawn in the strip's right half.
    void setComparisonMarks(std::vector<Mark> marks);
    void setSearchMarks(std::vector<double> positions);
    void setViewport(double top, double bottom);
    const std::vector<Mark>& evidenceMarks() const { return evidence_; }
    const std::vector<Mark>& comparisonMarks() const { return comparison_; }

    QSize sizeHint() const override { return {14, 100}; }
    QSize minimumSizeHint() const override { return {14, 20}; }

signals:
    void positionClicked(double fraction);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    double fractionAt(int y) const;
    std::vector<Mark> evidence_;
    std::vector<Mark> comparison_;
    std::vector<double> search_;
    double view_top_ = 0, view_bottom_ = 0;
};

}  // namespace gleaner::ui
