#pragma once
// The thread the engine runs on, shared by the question and reading controllers: one model in
// memory, one job at a time. Controllers submit jobs; on shutdown every job still running or
// queued is told to stop, so closing the window waits for one chunk at most, not for a book.
#include <QObject>
#include <QThread>

#include <memory>
#include <vector>

#include "inference_worker.h"

namespace gleaner::app {

class InferenceThread : public QObject {
    Q_OBJECT
public:
    explicit InferenceThread(QObject* parent = nullptr);
    ~InferenceThread() override;

    InferenceWorker* worker() const { return worker_; }
    void submit(const AnswerJob& job);
    void submit(const ReadJob& job);
    // The next job loads the model again (the settings changed).
    void unloadModel();

private:
    void remember(const StopFlag& stop);

    QThread thread_;
    InferenceWorker* worker_;
    std::vector<std::weak_ptr<std::atomic<bool>>> stops_;
};

}  // namespace gleaner::app
