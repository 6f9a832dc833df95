#pragma once
// Runs the engine on its own thread. Lives on a QThread (moveToThread); the GUI talks to it only
// through queued signals and slots, never a blocking call, so the window stays responsive while
// a model loads, a book is read or an answer is generated. Jobs run one after another. Stop is
// each job's atomic flag, set directly from the GUI thread (a queued "stop" would wait behind
// the very job it means to stop).
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "answer_engine.h"
#include "document_ptr.h"

Q_DECLARE_METATYPE(gleaner::Answer)

namespace gleaner::app {

using StopFlag = std::shared_ptr<std::atomic<bool>>;

// Which model a job needs; the worker loads it (again) when it differs from the loaded one.
struct EngineChoice {
    QString modelPath;
    int threads = 0;
    QString device = QStringLiteral("cpu");
    QString answerModelPath;  // empty: the model answers itself (AppSettings::answerModelPath)

    bool operator==(const EngineChoice&) const = default;
};

class AppSettings;
// The engine the preferences ask for (every job takes this one, so reading and answering share it).
EngineChoice engine_choice(const AppSettings& settings);

struct AnswerJob {
    quint64 id = 0;
    DocumentPtr document;
    AnswerRequest request;
    EngineChoice engine;
    StopFlag stop = std::make_shared<std::atomic<bool>>(false);
};

struct ReadJob {
    quint64 id = 0;
    DocumentPtr document;
    MethodParameters settings;  // the Gleaner method's parameters: they select the reading memory
    EngineChoice engine;
    StopFlag stop = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace gleaner::app

Q_DECLARE_METATYPE(gleaner::app::AnswerJob)
Q_DECLARE_METATYPE(gleaner::app::ReadJob)

namespace gleaner::app {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    InferenceWorker();
    ~InferenceWorker() override;

public slots:
    void answer(const gleaner::app::AnswerJob& job);
    void read(const gleaner::app::ReadJob& job);
    // Frees the loaded model (settings changed; it is reloaded by the next job).
    void unloadModel();

signals:
    void modelLoading(const QString& path);
    void modelReady(const QString& description);
    // stage: "reading" (the book, into the reading memory), "waiting" (for another process reading
    // it) or "prompt" (the question's prompt).
    void answerProgress(quint64 id, const QString& stage, qint64 done, qint64 total);
    void answerText(quint64 id, const QString& piece);
    void answerFinished(quint64 id, const gleaner::Answer& answer);
    void answerFailed(quint64 id, const QString& message);
    // waiting: another process is reading this book and this job waits for it (done: how far
    // that one got).
    void readingProgress(quint64 id, qint64 done, qint64 total, double tokensPerSecond, double secondsLeft,
                         bool waiting);
    void readingFinished(quint64 id, qint64 done, qint64 total, bool complete, bool cancelled);
    void readingFailed(quint64 id, const QString& message);

private:
    AnswerEngine& engine(const EngineChoice& choice);  // throws when the model cannot be loaded

    std::unique_ptr<AnswerEngine> engine_;
    EngineChoice loaded_;  // what engine_ was made from
};

}  // namespace gleaner::app
