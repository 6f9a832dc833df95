#pragma once
// The library panel: the user's books, most recently opened first. Activating one opens it;
// Delete (or the context menu) removes it from the library after confirmation.
#include <QListView>

namespace gleaner::app {
class LibraryModel;
}

namespace gleaner::ui {

class LibraryView : public QListView {
    Q_OBJECT
public:
    explicit LibraryView(app::LibraryModel* model, QWidget* parent = nullptr);
    // Selects the book with this library id (the one being read).
    void setCurrentDocument(qint64 id);

signals:
    void openRequested(const QString& path);
    // Already confirmed by the user; deleteMemories: the book's reading memories go too.
    void removeRequested(qint64 id, bool deleteMemories);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void confirmRemove(const QModelIndex& index);
    app::LibraryModel* model_;
};

}  // namespace gleaner::ui
