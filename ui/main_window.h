#pragma once
// The main window: library (left), reader (centre), ask + evidence (right), status bar.
#include <QMainWindow>

class QListWidget;
class QPlainTextEdit;
class QDockWidget;
class QLabel;

namespace gleaner::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Opens a document in the reader; returns false and shows a message when it can't.
    bool openDocument(const QString& path);
    QString currentDocumentPath() const { return current_path_; }
    QPlainTextEdit* reader() const { return reader_; }

private:
    void buildMenus();
    void chooseDocument();
    void showError(const QString& title, const QString& message);

    QListWidget* library_ = nullptr;
    QPlainTextEdit* reader_ = nullptr;
    QPlainTextEdit* ask_ = nullptr;
    QLabel* status_ = nullptr;
    QString current_path_;
};

}  // namespace gleaner::ui
