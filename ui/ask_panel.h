#pragma once
// The ask panel: earlier questions about the open book, the selected (or streaming) answer, the
// method selector, the question box with Ask/Stop, and copy/export as Markdown. It observes the
// QuestionController; it computes nothing itself.
#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class QTextBrowser;
class QToolButton;

namespace gleaner::app {
class QuestionController;
}

namespace gleaner::ui {

class QuestionEdit;

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
    void setDocumentTitle(const QString& title) { document_title_ = title; }

public slots:
    void send();
    void copyAnswer();
    void exportWithDialog();

signals:
    void methodChanged(const QString& id);
    void citationActivated(int number);  // a [n] in the answer was clicked

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showRecord(int row);
    void confirmClearHistory();
    void showStreaming();
    void updateButtons();
    void setAnswerHtml(const QString& html);

    app::QuestionController* controller_;
    QListView* history_;
    QTextBrowser* answer_;
    QComboBox* method_;
    QuestionEdit* question_;
    QPushButton* ask_;
    QPushButton* stop_;
    QToolButton* copy_;
    QToolButton* export_;
    QLabel* progress_;
    QString document_title_;
};

}  // namespace gleaner::ui
