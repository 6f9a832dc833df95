#pragma once
// The thumbnails panel, as Okular's: the PDF's pages as small pictures in a column, each with
// its printed label. A click goes to the page; the page being read is highlighted and kept in
// view as the reader scrolls. Pictures are rendered by the ThumbnailModel for the rows in view
// only. Flowing text has no pages: the panel says so instead.
#include <QWidget>

class QLabel;
class QListView;
class QStackedWidget;
class QTimer;

namespace gleaner::app {
class ThumbnailModel;
struct LoadedDocument;
}  // namespace gleaner::app

namespace gleaner::ui {

class ThumbnailsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ThumbnailsPanel(app::ThumbnailModel* model, QWidget* parent = nullptr);

    void setDocument(const app::LoadedDocument& document);
    void clear();
    // Highlights the page being read and scrolls it into view, without sending the reader there.
    void setCurrentPage(int page);
    int currentPage() const;

    QListView* list() const { return list_; }
    QLabel* note() const { return note_; }
    // Shows the page pictures (true) or the note that the document has none.
    bool showsPages() const;

signals:
    void pageActivated(int page);  // the user picked a thumbnail

protected:
    void showEvent(QShowEvent* event) override;

private:
    void requestVisible();  // tells the model which rows are in view
    int firstVisibleRow() const;
    int lastVisibleRow() const;

    app::ThumbnailModel* model_;
    QStackedWidget* stack_;
    QListView* list_;
    QLabel* note_;
    QTimer* visible_timer_;
};

}  // namespace gleaner::ui
