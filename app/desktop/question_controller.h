#pragma once
// The ask side of the program, between the views and the engine: sends questions to the
// InferenceWorker on its thread (the background reading steps aside meanwhile), relays the
// streamed answer, saves each answer with its evidence in the library, and keeps the history and
// evidence models the panels observe.
#include <QObject>
#include <QString>

#include "app_settings.h"
#include "conversation_turn.h"
#include "document_ptr.h"
#include "document_scope.h"
#include "evidence_model.h"
#include "inference_worker.h"
#include "method_cost_estimate.h"
#include "question_history_model.h"

namespace gleaner::app {

class InferenceThread;
class LibraryModel;
class ReadingController;

// What a question is asked in: what it is about, and the answer whose conversation it continues.
struct AskContext {
    DocumentScope scope;   // whole document when empty
    int64_t followsId = 0;  // a history record's id (its conversation goes with the question), 0: none
};

class QuestionController : public QObject {
    Q_OBJECT
public:
    QuestionController(LibraryModel* library, InferenceThread* inference, ReadingController* reading,
                       QObject* parent = nullptr);

    QuestionHistoryModel* history() { return &history_; }
    EvidenceModel* evidence() { return &evidence_; }
    // Compare mode: a second answer's evidence, drawn beside the shown one in its own colour.
    EvidenceModel* comparison() { return &comparison_; }

    // The document questions are about (an empty LoadedDocument: none).
    void setDocument(const LoadedDocument& document);
    bool hasDocument() const { return document_.document != nullptr; }
    const DocumentPtr& document() const { return document_.document; }
    // Whether the open book's reading has finished (an answer given before it can be asked again).
    bool bookRead() const;
    bool isBusy() const { return running_id_ != 0; }
    // The answer being generated so far (empty when idle).
    QString streamingAnswer() const { return streaming_; }
    QString streamingQuestion() const { return streaming_question_; }
    int shownRecord() const { return shown_row_; }
    QString modelDescription() const { return model_description_; }
    const AskContext& runningContext() const { return running_context_; }
    // The method the answer being generated is asked with (empty when idle).
    QString streamingMethod() const { return isBusy() ? running_method_ : QString(); }
    // While a comparison answer is generated: the history row it is compared with, else -1.
    int comparingRow() const { return isBusy() ? compare_for_row_ : -1; }

    // What asking the open book with `method` costs on this machine (method_cost_estimate.h):
    // from the book's tokens (the reading's count, else its text size), how much of it is read,
    // the method's settings and the model's measured speed.
    CostEstimate costOf(const QString& method) const;
    enum class SpeedSource {
        NotMeasured,    // no seconds in the estimates
        ModelManager,   // measured in the model manager
        Reading,        // the background reading's speed
    };
    SpeedSource speedSource() const;
    double prefillTokensPerSecond() const;  // what the estimates use; 0: not measured
    // The context a history entry was asked in.
    AskContext contextOf(int row) const;
    // The conversation up to and including the record `id`, oldest first: the turns a follow-up
    // of it carries (the last kMaxEarlierTurns).
    std::vector<ConversationTurn> conversationUpTo(int64_t id) const;

public slots:
    // Asks with the settings in effect; returns false (and emits answerFailed) when it cannot.
    bool ask(const QString& question, const QString& method, const AskContext& context = {});
    // Asks a history entry's question again, about the same scope and in the same conversation, as
    // a new answer (the old one stays); method empty: the entry's own.
    bool regenerate(int row, const QString& method = {});
    void stop();
    // Shows a history entry: its evidence goes to the evidence model (and compare mode ends).
    void showRecord(int row);
    // Deletes an answer from the history and the library (not while one is being generated).
    void deleteRecord(int row);
    // Deletes every question and answer about the open book.
    void clearHistory();
    // Asks the shown question again with another method and compares the two selections. The
    // shown answer stays shown meanwhile (comparingRow()).
    bool compareWithMethod(const QString& method);
    // Compares the shown answer with another answer of the history.
    void compareWithRecord(int row);
    void stopComparing();
    // The model or threads changed in the settings: the next question reloads.
    void settingsChanged();

signals:
    void busyChanged(bool busy);
    void answerStarted(const QString& question, const QString& method);
    void answerText(const QString& piece);
    // stage: "reading" (the book, before a Gleaner answer), "waiting" (for another process reading
    // it) or "prompt".
    void answerProgress(const QString& stage, qint64 done, qint64 total);
    void answerFinished(int historyRow);
    void answerFailed(const QString& message);
    void modelStatusChanged(const QString& text);
    void recordShown(int row);
    void comparisonChanged();
    void bookReadChanged();  // the reading of the open book finished (or a new book was opened)
    // What costOf() says may have changed: another book or model, the reading went on, a speed
    // was measured.
    void costChanged();

private:
    void onFinished(quint64 id, const gleaner::Answer& answer);
    void onFailed(quint64 id, const QString& message);
    void setBusy(quint64 id);
    void loadReadingState();

    LibraryModel* library_;
    InferenceThread* inference_;
    ReadingController* reading_;
    AppSettings settings_;
    QuestionHistoryModel history_;
    EvidenceModel evidence_;
    EvidenceModel comparison_;
    LoadedDocument document_;

    quint64 next_id_ = 1;
    quint64 running_id_ = 0;
    int64_t running_document_ = 0;  // the library id the running question is about
    std::shared_ptr<std::atomic<bool>> running_stop_;
    QString streaming_;
    QString streaming_question_;
    QString running_model_;
    QString running_method_;
    double reading_speed_ = 0;  // the running reading's tokens/s (0: none seen since the model changed)
    // The open book's tokens as the model counts them and how many are read (0: not counted yet),
    // from the library's reading state and then the reading's progress.
    qint64 book_tokens_ = 0;
    qint64 tokens_read_ = 0;
    AskContext running_context_;
    int shown_row_ = -1;
    int compare_for_row_ = -1;  // while a comparison answer is generated: the answer it is compared with
    QString model_description_;
};

}  // namespace gleaner::app
