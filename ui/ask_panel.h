#pragma once
// The ask panel: earlier questions about the open book, the selected (or streaming) answer, the
// method selector, the question box with Ask/Stop, and copy/export as Markdown. It observes the
// QuestionController; it computes nothing itself.
#include <QWidget>

#include <functional>
#include <optional>

#include "question_controller.h"  // AskContext
#include "text_range.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QTextBrowser;
class QToolButton;

namespace gleaner::app {
class AnnotationModel;
}

namespace gleaner::ui {

class QuestionEdit;

// Where the reader is, for the scope selector: the reading position and the user's selection.
struct ReaderPlace {
    std::function<size_t()> position;
    std::function<TextRange()> selection;
};

class AskPanel : public QWidget {
    Q_OBJECT
public:
    explicit AskPanel(app::QuestionController* controller, QWidget* parent = nullptr);

    QString selectedMethod() const;
    void setSelectedMethod(const QString& id);
    // Writes the open document's questions and answers as Markdown; false (with `error`) when the
    // file cannot be written.
    bool exportHistory(const QString& path, const QString& documentTitle, QString* error = nullptr);
    // The shown answer as Markdown (what Copy puts on the clipboard).
    QString shownAnswerMarkdown() const;
    void focusQuestion();
    // What asking the open book with a method costs here, as the method selector says it:
    // "Gleaner — about 6 s per question", "Q-LLM — re-reads the book: about 4 min per question".
    QString costText(const QString& method) const;
    void setDocumentTitle(const QString& title) { document_title_ = title; }
    // The open document's bookmarks and highlights, which the export lists after the questions.
    void setAnnotations(const app::AnnotationModel* annotations) { annotations_ = annotations; }

    // What the next question is about ("Whole book", "This chapter", "Pages…", "Selected text")
    // and whether it follows up the shown answer (the "Follow up" box).
    void setReaderPlace(ReaderPlace place) { place_ = std::move(place); }
    app::AskContext nextContext() const;
    QString scopeKind() const;  // "whole", "chapter", "pages", "selection"
    void setWholeBookScope();
    void setPageScope(int first, int last);  // 0-based, inclusive
    // "Ask About This": the passage becomes the next question's scope and the question box has focus.
    void askAboutPassage(TextRange range);
    void setFollowUp(bool on);
    // Puts a history entry's question in the box to be edited and sent again, about the same
    // scope and in the same conversation (as a new answer).
    void editAndResend(int row);

public slots:
    void send();
    // A new document was opened: the scope goes back to the whole book.
    void documentChanged();
    // The reader moved: the chapter item names the chapter at the reading position.
    void readerMoved();
    void copyAnswer();
    void exportWithDialog();

signals:
    void methodChanged(const QString& id);
    void citationActivated(int number);  // a [n] in the answer was clicked

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showRecord(int row);
    void confirmClearHistory();
    void showStreaming();
    // The estimates under the method selector and in its items' tooltips, recomputed.
    void updateCostEstimates();
    QString costDetails(const QString& method) const;
    QString recordHtml(int row) const;
    void updateButtons();
    void setAnswerHtml(const QString& html);
    void scopeActivated(int index);
    void choosePages();
    QString contextText(const QString& scopeLabel, int64_t followsId) const;

    app::QuestionController* controller_;
    QListView* history_;
    QTextBrowser* answer_;
    QComboBox* method_;
    QLabel* cost_;  // the selected method's estimate
    QComboBox* scope_;
    QCheckBox* follow_up_;
    ReaderPlace place_;
    const app::AnnotationModel* annotations_ = nullptr;
    TextRange passage_;                     // the "Selected text" scope
    int pages_first_ = -1, pages_last_ = -1;  // the "Pages" scope
    int last_scope_index_ = 0;              // to go back to when a choice is cancelled
    std::optional<app::AskContext> resend_;  // Edit and Resend: the edited entry's context
    QuestionEdit* question_;
    QPushButton* ask_;
    QPushButton* stop_;
    QToolButton* copy_;
    QToolButton* export_;
    QLabel* progress_;
    QString document_title_;
};

}  // namespace gleaner::ui
