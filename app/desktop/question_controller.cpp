#include "question_controller.h"

#include <QDateTime>

#include <algorithm>
#include <QFileInfo>

#include "evidence_json.h"
#include "inference_thread.h"
#include "library_model.h"
#include "method_registry.h"
#include "reading_controller.h"

namespace gleaner::app {

QuestionController::QuestionController(LibraryModel* library, InferenceThread* inference, ReadingController* reading,
                                       QObject* parent)
    : QObject(parent), library_(library), inference_(inference), reading_(reading), history_(this), evidence_(this),
      comparison_(this) {
    InferenceWorker* worker = inference_->worker();
    connect(worker, &InferenceWorker::answerText, this, [this](quint64 id, const QString& piece) {
        if (id != running_id_) return;
        streaming_ += piece;
        emit answerText(piece);
    });
    connect(worker, &InferenceWorker::answerProgress, this,
            [this](quint64 id, const QString& stage, qint64 done, qint64 total) {
                if (id == running_id_) emit answerProgress(stage, done, total);
            });
    connect(worker, &InferenceWorker::modelLoading, this, [this](const QString& path) {
        emit modelStatusChanged(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    });
    connect(worker, &InferenceWorker::modelReady, this, [this](const QString& description) {
        model_description_ = description;
        emit modelStatusChanged(description);
    });
    connect(worker, &InferenceWorker::answerFinished, this, &QuestionController::onFinished);
    if (reading_) {
        connect(reading_, &ReadingController::stateChanged, this, [this](ReadingController::State s) {
            // The reading's speed is remembered for the estimates when it stops (not on every step).
            if (s != ReadingController::State::Reading && reading_speed_ > 0)
                settings_.setReadingSpeed(settings_.modelPath(), reading_speed_);
            if (s == ReadingController::State::Done) emit bookReadChanged();
            emit costChanged();
        });
        connect(reading_, &ReadingController::progress, this, [this](qint64 done, qint64 total, double tokensPerSecond) {
            if (total > 0) {
                tokens_read_ = done;
                book_tokens_ = total;
            }
            if (tokensPerSecond > 0) reading_speed_ = tokensPerSecond;
            emit costChanged();
        });
    }
    connect(worker, &InferenceWorker::answerFailed, this, &QuestionController::onFailed);
}

void QuestionController::setDocument(const LoadedDocument& document) {
    document_ = document;
    shown_row_ = -1;
    compare_for_row_ = -1;
    evidence_.clear();
    stopComparing();
    std::vector<QuestionRecord> records;
    if (document_.libraryId > 0) {
        try {
            records = library_->store().questions(document_.libraryId);
        } catch (const std::exception& e) {
            emit answerFailed(tr("The question history could not be read: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    history_.setRecords(std::move(records));
    if (history_.rowCount() > 0) showRecord(history_.rowCount() - 1);
    loadReadingState();
    emit costChanged();
}

void QuestionController::loadReadingState() {
    book_tokens_ = tokens_read_ = 0;
    if (document_.libraryId <= 0) return;
    try {
        const std::string model = QFileInfo(settings_.modelPath()).fileName().toStdString();
        if (const auto state = library_->store().reading_state(document_.libraryId, model)) {
            book_tokens_ = state->tokens_total;
            tokens_read_ = state->tokens_read;
        }
    } catch (const std::exception&) {
        // Without it the estimates count the book by its text size.
    }
}

double QuestionController::prefillTokensPerSecond() const {
    const QString model = settings_.modelPath();
    if (const auto measured = settings_.modelSpeed(model)) return measured->prefillTokensPerSecond;
    return reading_speed_ > 0 ? reading_speed_ : settings_.readingSpeed(model);
}

QuestionController::SpeedSource QuestionController::speedSource() const {
    const QString model = settings_.modelPath();
    if (settings_.modelSpeed(model)) return SpeedSource::ModelManager;
    if (reading_speed_ > 0 || settings_.readingSpeed(model) > 0) return SpeedSource::Reading;
    return SpeedSource::NotMeasured;
}

CostEstimate QuestionController::costOf(const QString& method) const {
    const MethodEntry* entry = find_method(method.toStdString());
    if (!entry) return {};
    CostQuery query;
    // The reading counts the book's tokens with the model's tokenizer; before it has, the text's
    // size says about as much.
    query.book_tokens = book_tokens_ > 0       ? book_tokens_
                        : document_.document ? tokens_from_text_bytes(document_.document->text.size())
                                             : 0;
    if (entry->keeps_reading_memory) {
        query.read_fraction = bookRead()          ? 1.0
                              : book_tokens_ > 0 ? std::clamp(double(tokens_read_) / double(book_tokens_), 0.0, 1.0)
                                                 : 0.0;
    }
    query.excerpt_tokens = settings_.contextTokens();
    query.prefill_tokens_per_s = prefillTokensPerSecond();
    query.settings = settings_.methodSettings(method);
    return estimate_method_cost(*entry, query);
}

bool QuestionController::ask(const QString& question, const QString& method, const AskContext& context) {
    const QString q = question.trimmed();
    if (q.isEmpty()) {
        emit answerFailed(tr("Type a question first: an empty question has nothing to ask."));
        return false;
    }
    if (isBusy()) {
        emit answerFailed(tr("An answer is still being generated; stop it first."));
        return false;
    }
    if (!hasDocument()) {
        emit answerFailed(tr("Open a document first: questions are about the open document."));
        return false;
    }
    if (document_.document->needs_ocr) {
        emit answerFailed(tr("This PDF is scanned pages without text, so there is nothing to answer from yet: "
                             "run Ask › Make Askable (OCR) first."));
        return false;
    }
    if (!find_method(method.toStdString())) {
        emit answerFailed(tr("The method “%1” is unknown.").arg(method));
        return false;
    }
    AnswerJob job;
    job.id = next_id_++;
    job.document = document_.document;
    job.engine = engine_choice(settings_);
    job.request.question = q.toStdString();
    job.request.method = method.toStdString();
    job.request.max_tokens = settings_.maxAnswerTokens();
    job.request.context_tokens = settings_.contextTokens();
    job.request.settings = settings_.methodSettings(method);
    job.request.document_title = document_.document->metadata.title;
    job.request.scope = context.scope.range;
    job.request.earlier = conversationUpTo(context.followsId);
    // A question never waits for the reading: it is answered from what has been read so far (and
    // the question's words in the rest); the answer says how much that was.
    job.request.wait_for_reading = false;

    running_document_ = document_.libraryId;
    running_stop_ = job.stop;
    running_model_ = QFileInfo(job.engine.modelPath).fileName();
    running_method_ = method;
    running_context_ = context;
    if (job.request.earlier.empty()) running_context_.followsId = 0;  // what it follows is gone
    streaming_.clear();
    streaming_question_ = q;
    setBusy(job.id);
    emit answerStarted(q, method);
    if (reading_) reading_->suspend();  // the question goes first; the reading continues after it
    inference_->submit(job);
    return true;
}

bool QuestionController::bookRead() const { return reading_ && reading_->state() == ReadingController::State::Done; }

bool QuestionController::regenerate(int row, const QString& method) {
    const QuestionRecord* r = history_.record(row);
    if (!r) {
        emit answerFailed(tr("Choose an answer to regenerate first."));
        return false;
    }
    const QString m = method.isEmpty() ? QString::fromStdString(r->method) : method;
    return ask(QString::fromStdString(r->question), m, contextOf(row));
}

AskContext QuestionController::contextOf(int row) const {
    const QuestionRecord* r = history_.record(row);
    if (!r) return {};
    AskContext c;
    c.scope.range = r->scope;
    c.scope.label = r->scope_label;
    c.followsId = r->follows_id;
    return c;
}

std::vector<ConversationTurn> QuestionController::conversationUpTo(int64_t id) const {
    std::vector<ConversationTurn> turns;
    for (int row = history_.rowOfId(id); row >= 0 && turns.size() < kMaxEarlierTurns;) {
        const QuestionRecord* r = history_.record(row);
        turns.push_back({r->question, r->answer});
        const int before = history_.rowOfId(r->follows_id);
        if (before >= row) break;  // a record only follows an earlier one; never loop
        row = before;
    }
    std::reverse(turns.begin(), turns.end());
    return turns;
}

void QuestionController::stop() {
    if (isBusy() && running_stop_) running_stop_->store(true);
}

void QuestionController::settingsChanged() {
    model_description_.clear();
    inference_->unloadModel();
    reading_speed_ = 0;  // it was the previous model's, perhaps (the settings keep each model's)
    loadReadingState();  // another model counts the book's tokens its own way
    emit costChanged();
}

void QuestionController::showRecord(int row) {
    const QuestionRecord* r = history_.record(row);
    if (!r) return;
    shown_row_ = row;
    stopComparing();
    evidence_.setEvidence(document_.document, history_.evidence(row), QString::fromStdString(r->method),
                          history_.layers(row), QString::fromStdString(r->scope_label));
    emit recordShown(row);
}

void QuestionController::deleteRecord(int row) {
    const QuestionRecord* r = history_.record(row);
    if (!r) return;
    if (isBusy()) {
        emit answerFailed(tr("An answer is being generated; stop it before deleting answers."));
        return;
    }
    try {
        if (r->id > 0) library_->store().remove_question(r->id);
    } catch (const std::exception& e) {
        emit answerFailed(tr("The answer could not be deleted: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    const int shown = shown_row_;
    history_.remove(row);
    if (row == shown) {
        // The shown answer is gone: show the one before it (or the first), else nothing.
        shown_row_ = -1;
        stopComparing();
        evidence_.clear();
        if (history_.rowCount() > 0) showRecord(std::min(row, history_.rowCount() - 1));
        else emit recordShown(-1);
    } else if (row < shown) {
        --shown_row_;
    }
}

void QuestionController::clearHistory() {
    if (isBusy()) {
        emit answerFailed(tr("An answer is being generated; stop it before clearing the history."));
        return;
    }
    try {
        if (document_.libraryId > 0) library_->store().remove_questions(document_.libraryId);
    } catch (const std::exception& e) {
        emit answerFailed(tr("The history could not be cleared: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    shown_row_ = -1;
    stopComparing();
    evidence_.clear();
    history_.setRecords({});
    emit recordShown(-1);
}

bool QuestionController::compareWithMethod(const QString& method) {
    const QuestionRecord* r = history_.record(shown_row_);
    if (!r) {
        emit answerFailed(tr("Choose an answer to compare first."));
        return false;
    }
    if (isBusy()) {
        emit answerFailed(tr("An answer is still being generated; stop it first."));
        return false;
    }
    const int row = shown_row_;
    // Set before asking: the views draw the streaming comparison under the shown answer from the
    // first signal on.
    compare_for_row_ = row;
    if (!ask(QString::fromStdString(r->question), method, contextOf(row))) {
        compare_for_row_ = -1;
        return false;
    }
    return true;
}

void QuestionController::compareWithRecord(int row) {
    const QuestionRecord* r = history_.record(row);
    if (!r || row == shown_row_ || shown_row_ < 0) return;
    comparison_.setEvidence(document_.document, history_.evidence(row), QString::fromStdString(r->method));
    emit comparisonChanged();
}

void QuestionController::stopComparing() {
    if (comparison_.rowCount() == 0 && comparison_.method().isEmpty()) return;
    comparison_.clear();
    emit comparisonChanged();
}

void QuestionController::setBusy(quint64 id) {
    const bool was = isBusy();
    running_id_ = id;
    if (was != isBusy()) emit busyChanged(isBusy());
}

void QuestionController::onFinished(quint64 id, const gleaner::Answer& answer) {
    if (id != running_id_) return;
    QuestionRecord record;
    record.document_id = running_document_;
    record.model = running_model_.toStdString();
    if (!answer.answered_by.empty()) record.model += " (answered by " + answer.answered_by + ")";
    record.method = answer.method;
    record.question = streaming_question_.toStdString();
    record.answer = answer.text;
    record.timings_json = timingsToJson(answer);
    record.evidence_json = evidenceToJson(answer.evidence, answer.layers);
    record.asked_at = QDateTime::currentSecsSinceEpoch();
    record.follows_id = running_context_.followsId;
    record.scope = running_context_.scope.range;
    record.scope_label = running_context_.scope.label;
    const bool worthKeeping = !answer.cancelled || !answer.text.empty();
    if (worthKeeping && record.document_id > 0) {
        try {
            record.id = library_->store().add_question(record);
        } catch (const std::exception& e) {
            emit answerFailed(tr("The answer could not be saved: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    streaming_.clear();
    setBusy(0);
    const int compare_with = compare_for_row_;
    compare_for_row_ = -1;
    if (worthKeeping && record.document_id == document_.libraryId) {
        history_.append(record, answer.evidence, answer.layers);
        const int row = history_.rowCount() - 1;
        if (compare_with >= 0) {
            // Compare mode: the first answer stays shown, the new one is drawn beside it.
            showRecord(compare_with);
            compareWithRecord(row);
        } else {
            showRecord(row);
        }
        emit answerFinished(row);
    } else {
        emit answerFinished(-1);
    }
    running_stop_.reset();
    if (reading_) reading_->continueAfterSuspend();
}

void QuestionController::onFailed(quint64 id, const QString& message) {
    if (id != running_id_) return;
    compare_for_row_ = -1;
    streaming_.clear();
    running_stop_.reset();
    setBusy(0);
    if (reading_) reading_->continueAfterSuspend();
    emit answerFailed(message);
}

}  // namespace gleaner::app
