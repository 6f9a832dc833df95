#pragma once
// Reading a document into Gleaner's reading memory in the background, as soon as it is opened:
// progress for the status bar, pause/resume/cancel, the reading state in the library, and
// resumption after a restart (the engine keeps checkpoints; starting again continues from the
// last one). Questions take precedence: while one is answered the reading steps aside and then
// continues.
#include <QObject>
#include <QString>

#include "app_settings.h"
#include "document_ptr.h"
#include "inference_worker.h"
#include "library_store.h"

namespace gleaner::app {

class InferenceThread;
class LibraryModel;

class ReadingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Reading, Paused, Done, Failed };
    Q_ENUM(State)

    ReadingController(LibraryModel* library, InferenceThread* inference, QObject* parent = nullptr);

    // The open document; stops reading the previous one. Starts reading when the settings ask
    // for reading on open and the document is not read yet.
    void setDocument(const LoadedDocument& document);
    State state() const { return state_; }
    qint64 tokensRead() const { return done_; }
    qint64 tokensTotal() const { return total_; }
    // While Reading: another process (gleaner-cli, a second window) is reading this book into the
    // same memory, and this reading waits for it to finish or stop; tokensRead() is how far that
    // one got. This reading then continues from there, often to find the book read.
    bool isWaiting() const { return waiting_; }

public slots:
    void start();
    void pause();
    void resume() { start(); }
    void cancel();
    // A question needs the engine: stop at the next checkpoint and remember to continue.
    void suspend();
    void continueAfterSuspend();

signals:
    void stateChanged(gleaner::app::ReadingController::State state);
    // Also while isWaiting(), with the other reading's progress (and no rate).
    void progress(qint64 done, qint64 total, double tokensPerSecond, double secondsLeft);
    void failed(const QString& message);

private:
    void onProgress(quint64 id, qint64 done, qint64 total, double tps, double eta, bool waiting);
    void onFinished(quint64 id, qint64 done, qint64 total, bool complete, bool cancelled);
    void onFailed(quint64 id, const QString& message);
    void setState(State s);
    void record(ReadingStatus status);
    QString modelName() const;

    LibraryModel* library_;
    InferenceThread* inference_;
    LoadedDocument document_;
    State state_ = State::Idle;
    quint64 next_id_ = 1;
    quint64 running_id_ = 0;
    StopFlag running_stop_;
    State after_stop_ = State::Paused;  // what a stop that was asked for means
    bool suspended_ = false;
    bool waiting_ = false;
    qint64 done_ = 0, total_ = 0;
    qint64 last_recorded_ms_ = 0;
};

}  // namespace gleaner::app
