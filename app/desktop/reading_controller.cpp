#include "reading_controller.h"

#include <QDateTime>
#include <QFileInfo>

#include "inference_thread.h"
#include "library_model.h"
#include "method_registry.h"

namespace gleaner::app {

ReadingController::ReadingController(LibraryModel* library, InferenceThread* inference, QObject* parent)
    : QObject(parent), library_(library), inference_(inference) {
    InferenceWorker* w = inference_->worker();
    connect(w, &InferenceWorker::readingProgress, this, &ReadingController::onProgress);
    connect(w, &InferenceWorker::readingFinished, this, &ReadingController::onFinished);
    connect(w, &InferenceWorker::readingFailed, this, &ReadingController::onFailed);
}

QString ReadingController::modelName() const { return QFileInfo(AppSettings().modelPath()).fileName(); }

void ReadingController::setDocument(const LoadedDocument& document) {
    if (state_ == State::Reading) record(ReadingStatus::Paused);  // the book being left
    if (running_stop_) {
        after_stop_ = State::Paused;
        running_stop_->store(true);  // its result arrives later and is ignored (id changes)
    }
    running_id_ = 0;
    running_stop_.reset();
    suspended_ = false;
    waiting_ = false;
    document_ = document;
    done_ = total_ = 0;
    setState(State::Idle);
    if (!document_.document) return;
    if (const auto known = library_->store().reading_state(document_.libraryId, modelName().toStdString())) {
        done_ = known->tokens_read;
        total_ = known->tokens_total;
        if (known->status == ReadingStatus::Done) return setState(State::Done);
    }
    if (AppSettings().readOnOpen()) start();
}

void ReadingController::start() {
    if (!document_.document || state_ == State::Reading || state_ == State::Done) return;
    if (document_.document->needs_ocr) return;  // no text to read until OCR has run
    const AppSettings settings;
    // Without a model there is nothing to read with; the status bar already says how to get one,
    // and an error on every opened book would only nag.
    if (!QFileInfo::exists(settings.modelPath())) return;
    ReadJob job;
    job.id = next_id_++;
    job.document = document_.document;
    job.settings = settings.methodSettings(QString::fromStdString(reading_memory_method().name));
    job.engine = engine_choice(settings);
    running_id_ = job.id;
    running_stop_ = job.stop;
    suspended_ = false;
    setState(State::Reading);
    inference_->submit(job);
}

void ReadingController::pause() {
    if (state_ != State::Reading || !running_stop_) return;
    after_stop_ = State::Paused;
    running_stop_->store(true);
}

void ReadingController::cancel() {
    // The read so far is kept (it resumes from its checkpoint when started again); cancelling
    // only stops it for now and hides the progress.
    if (state_ == State::Reading && running_stop_) {
        after_stop_ = State::Idle;
        running_stop_->store(true);
    } else if (state_ == State::Paused) {
        setState(State::Idle);
    }
}

void ReadingController::suspend() {
    if (state_ != State::Reading || !running_stop_) return;
    suspended_ = true;
    after_stop_ = State::Paused;
    running_stop_->store(true);
}

void ReadingController::continueAfterSuspend() {
    if (!suspended_) return;
    suspended_ = false;
    if (state_ == State::Paused || state_ == State::Reading) {
        setState(State::Paused);
        start();
    }
}

void ReadingController::onProgress(quint64 id, qint64 done, qint64 total, double tps, double eta, bool waiting) {
    if (id != running_id_) return;
    waiting_ = waiting;
    done_ = done;
    total_ = total;
    emit progress(done, total, tps, eta);
    // The library shows how far the book is read; a write every few seconds is plenty.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - last_recorded_ms_ > 3000) {
        last_recorded_ms_ = now;
        record(ReadingStatus::Reading);
    }
}

void ReadingController::onFinished(quint64 id, qint64 done, qint64 total, bool complete, bool cancelled) {
    if (id != running_id_) return;
    running_id_ = 0;
    running_stop_.reset();
    waiting_ = false;
    if (total > 0) {
        done_ = done;
        total_ = total;
    }
    if (complete) {
        record(ReadingStatus::Done);
        return setState(State::Done);
    }
    record(ReadingStatus::Paused);
    setState(cancelled ? (suspended_ ? State::Paused : after_stop_) : State::Paused);
}

void ReadingController::onFailed(quint64 id, const QString& message) {
    if (id != running_id_) return;
    running_id_ = 0;
    running_stop_.reset();
    suspended_ = false;
    waiting_ = false;
    record(ReadingStatus::Failed);
    setState(State::Failed);
    emit failed(message);
}

void ReadingController::record(ReadingStatus status) {
    if (!document_.libraryId) return;
    ReadingState s;
    s.document_id = document_.libraryId;
    s.model = modelName().toStdString();
    s.tokens_read = done_;
    s.tokens_total = total_;
    s.status = status;
    s.updated_at = QDateTime::currentSecsSinceEpoch();
    try {
        library_->setReadingState(s);
    } catch (const std::exception&) {
        // Bookkeeping only: the reading memory itself is the engine's and is already saved.
    }
}

void ReadingController::setState(State s) {
    if (s == state_) return;
    state_ = s;
    emit stateChanged(s);
}

}  // namespace gleaner::app
