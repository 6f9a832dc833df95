#pragma once
// The Annotations panel: the open document's bookmarks and highlights in the order of the text,
// each with where it is, its words and its note (app::AnnotationModel). Activating one (double
// click, Enter) sends the reader there; Edit Note changes its note, Delete (or the Delete key)
// removes it from the library; the filter shows all, only bookmarks or only highlights. It also
// makes new marks for the window's Bookmarks menu, asking for a highlight's note.
#include <QWidget>

#include "text_range.h"

class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace gleaner::app {
class AnnotationModel;
}

namespace gleaner::ui {

class AnnotationsPanel : public QWidget {
    Q_OBJECT
public:
    enum class Filter { All, Bookmarks, Highlights };

    explicit AnnotationsPanel(app::AnnotationModel* model, QWidget* parent = nullptr);

    QListView* list() const { return list_; }
    void setFilter(Filter filter);
    // The model row of the current entry (-1: none), and making a model row the current one.
    int currentRow() const;
    void selectRow(int row);

    // Bookmarks the reading position; the new entry becomes the current one.
    void addBookmark(size_t offset, int page);
    // Asks for an optional note (a window-modal dialog, "highlightNoteDialog") and highlights
    // `range` with it when the dialog is accepted. An empty range: a message says to select text.
    void highlight(TextRange range);
    // Asks for the current entry's new note ("annotationNoteDialog") and saves it.
    void editNote();
    void removeCurrent();

signals:
    // A bookmark (range empty, at its offset; page: its page or -1) or a highlight to show.
    void placeActivated(TextRange range, int page);
    // Something the user should hear about (a refusal, nothing selected): for the status bar.
    void message(const QString& text);

private:
    void activate(const QModelIndex& proxyIndex);
    void updateState();
    void showError(const QString& title, const QString& message);

    app::AnnotationModel* model_;
    QSortFilterProxyModel* filtered_;
    QComboBox* filter_;
    QListView* list_;
    QLabel* empty_;
    QPushButton* edit_;
    QPushButton* delete_;
};

}  // namespace gleaner::ui
