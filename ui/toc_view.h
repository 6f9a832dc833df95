#pragma once
// The table of contents panel: a tree of the document's headings with their pages. Activating
// an entry (click, Enter) takes the reader there; the entry of the current position is selected
// as the reader moves.
#include <QTreeView>

namespace gleaner::app {
class TocModel;
}

namespace gleaner::ui {

class TocView : public QTreeView {
    Q_OBJECT
public:
    explicit TocView(app::TocModel* model, QWidget* parent = nullptr);
    // Marks the entry the reader is in, without moving the reader; `page`: the page being read,
    // -1 without pages.
    void setCurrentOffset(size_t offset, int page = -1);

signals:
    void entryActivated(int page, qulonglong offset);

private:
    void activate(const QModelIndex& index);
    app::TocModel* model_;
    bool expand_pending_ = false;
};

}  // namespace gleaner::ui
