#pragma once
// The main window: library and contents (left), the reader (centre), ask and evidence (right),
// the status bar with the page, reading progress and the model. It composes the views and wires
// them to the app-level models and controllers; the work itself happens there.
#include <QMainWindow>

#include "document_ptr.h"

class QComboBox;
class QDockWidget;
class QLabel;
class QSpinBox;
class QTimer;

namespace gleaner::app {
class AnnotationModel;
class DocumentLoader;
class InferenceThread;
class LibraryModel;
class OcrWorker;
class QuestionController;
class ReadingController;
class TocModel;
class ThumbnailModel;
}  // namespace gleaner::app

namespace gleaner::ui {

class AnnotationsPanel;
class AskPanel;
class EvidencePanel;
class LibraryView;
class OcrBar;
class ReaderView;
class ReadingProgressWidget;
class TocView;
class ThumbnailsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a document (imported in the background; documentOpened() or an error message follows).
    void openDocument(const QString& path);
    // Adds documents to the library without opening them.
    void addToLibrary(const QStringList& paths);
    // Reopens the document that was open when the program last closed, where the user was.
    void restoreSession();

    QString currentDocumentPath() const;
    ReaderView* reader() const { return reader_; }
    app::LibraryModel* library() const { return library_; }
    app::QuestionController* questions() const { return questions_; }
    app::OcrWorker* ocr() const { return ocr_; }
    OcrBar* ocrBar() const { return ocr_bar_; }
    // OCR of the open scanned PDF in the background (Ask › Make Askable (OCR)…).
    void makeAskable();
    app::ReadingController* reading() const { return reading_; }
    AskPanel* askPanel() const { return ask_panel_; }
    EvidencePanel* evidencePanel() const { return evidence_panel_; }
    ThumbnailsPanel* thumbnailsPanel() const { return thumbnails_panel_; }
    app::AnnotationModel* annotations() const { return annotations_; }
    AnnotationsPanel* annotationsPanel() const { return annotations_panel_; }

signals:
    void documentOpened(const QString& path);
    void documentFailed(const QString& path, const QString& message);
    void documentAddedToLibrary(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildDocks();
    QDockWidget* addDock(const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area);
    void buildActions();
    void buildStatusBar();
    void buildAnnotations();  // the Bookmarks menu and the Annotations dock
    void showAnnotatedPlace(TextRange range, int page);
    void connectModels();
    void restoreWindowState();
    void saveWindowState();
    void chooseDocuments(bool open);
    void onDocumentLoaded(const app::LoadedDocument& loaded);
    void onDocumentFailed(const QString& path, const QString& message, bool needsPassword);
    void askPassword(const QString& path, bool wrongPassword);
    void closeDocument();
    void removeFromLibrary(qint64 id, bool deleteMemories);
    void showSettings();
    void showAbout();
    void showError(const QString& title, const QString& message);
    void updatePosition();
    void updateZoomControls();
    void updateDocumentActions();
    void saveReadingPosition();
    void refreshModelStatus();
    void showReadingProgress();  // the status bar's progress: the answer's, else the reading's
    void updateHistoryActions();
    void connectOcr();
    void updateOcrState();

    app::LibraryModel* library_;
    app::DocumentLoader* loader_;
    app::DocumentLoader* library_adder_;
    app::InferenceThread* inference_;
    app::ReadingController* reading_;
    app::QuestionController* questions_;
    app::TocModel* toc_model_;
    app::OcrWorker* ocr_;
    OcrBar* ocr_bar_;
    QAction* ocr_action_ = nullptr;

    ReaderView* reader_;
    LibraryView* library_view_;
    TocView* toc_view_;
    AskPanel* ask_panel_;
    EvidencePanel* evidence_panel_;
    QDockWidget* library_dock_;
    QDockWidget* toc_dock_;
    QDockWidget* ask_dock_;
    QDockWidget* evidence_dock_;
    app::ThumbnailModel* thumbnail_model_ = nullptr;
    ThumbnailsPanel* thumbnails_panel_ = nullptr;
    QDockWidget* thumbnails_dock_ = nullptr;
    QAction* back_action_ = nullptr;
    QAction* forward_action_ = nullptr;
    app::AnnotationModel* annotations_ = nullptr;
    AnnotationsPanel* annotations_panel_ = nullptr;
    QDockWidget* annotations_dock_ = nullptr;

    QSpinBox* page_spin_;
    QLabel* page_count_label_;
    QComboBox* zoom_combo_;
    QAction* zoom_combo_action_;   // the zoom box in the toolbar: shown for pages
    QComboBox* text_size_combo_;   // ...and in its place for reflowed text, the text's size
    QAction* text_size_action_;
    QLabel* position_label_;
    QLabel* model_label_;
    ReadingProgressWidget* progress_;
    QTimer* position_timer_;

    QList<QAction*> document_actions_;  // enabled only while a document is open
    QList<QAction*> page_actions_;      // enabled only for paginated documents
    QList<QAction*> text_actions_;      // enabled only for reflowed documents
    app::LoadedDocument current_;
    bool restoring_offset_ = false;
    QString answer_stage_;  // the stage the status bar's progress shows while answering
};

}  // namespace gleaner::ui
