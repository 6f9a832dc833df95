#include "inference_worker.h"

#include <QElapsedTimer>

#include <exception>

#include "app_settings.h"
#include "model_paths.h"

namespace gleaner::app {

namespace {
// Progress callbacks come per chunk of tokens; the GUI needs a few updates a second, not more.
class Throttle {
public:
    bool ready() {
        if (timer_.isValid() && timer_.elapsed() < 200) return false;
        timer_.start();
        return true;
    }

private:
    QElapsedTimer timer_;
};
}  // namespace

InferenceWorker::InferenceWorker() {
    qRegisterMetaType<gleaner::Answer>();
    qRegisterMetaType<AnswerJob>();
    qRegisterMetaType<ReadJob>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::unloadModel() {
    engine_.reset();
    loaded_ = {};
}

AnswerEngine& InferenceWorker::engine(const EngineChoice& choice) {
    if (!engine_ || !(choice == loaded_)) {
        engine_.reset();
        loaded_ = {};
        emit modelLoading(choice.modelPath);
        engine_ = make_answer_engine(choice.modelPath.toStdString(), choice.threads, reading_memory_root(),
                                     choice.device.toStdString(), choice.answerModelPath.toStdString());
        loaded_ = choice;
        emit modelReady(QString::fromStdString(engine_->model_description()));
    }
    return *engine_;
}

EngineChoice engine_choice(const AppSettings& settings) {
    return {settings.modelPath(), settings.threads(), settings.device(), settings.answerModelPath()};
}

void InferenceWorker::answer(const AnswerJob& job) {
    if (job.stop->load()) {  // stopped before it started
        Answer a;
        a.method = job.request.method;
        a.cancelled = true;
        emit answerFinished(job.id, a);
        return;
    }
    try {
        AnswerEngine& e = engine(job.engine);
        Throttle throttle;
        AnswerCallbacks callbacks;
        callbacks.cancel = job.stop.get();
        callbacks.on_text = [this, id = job.id](const std::string& piece) {
            emit answerText(id, QString::fromStdString(piece));
        };
        callbacks.on_progress = [this, &throttle, id = job.id](const std::string& stage, int64_t done, int64_t total) {
            if (throttle.ready() || done == total) emit answerProgress(id, QString::fromStdString(stage), done, total);
        };
        const Answer a = e.answer(*job.document, job.request, callbacks);
        emit answerFinished(job.id, a);
    } catch (const std::exception& ex) {
        emit answerFailed(job.id, QString::fromStdString(ex.what()));
    }
}

void InferenceWorker::read(const ReadJob& job) {
    if (job.stop->load()) {
        emit readingFinished(job.id, 0, 0, false, true);
        return;
    }
    try {
        AnswerEngine& e = engine(job.engine);
        Throttle throttle;
        const ReadingOutcome r = e.read(*job.document, job.settings, [&](const ReadingUpdate& u) {
            if (throttle.ready() || u.done == u.total)
                emit readingProgress(job.id, u.done, u.total, u.tokens_per_s, u.eta_s, u.waiting);
        }, job.stop.get());
        emit readingFinished(job.id, r.done, r.total, r.complete, r.cancelled);
    } catch (const std::exception& ex) {
        emit readingFailed(job.id, QString::fromStdString(ex.what()));
    }
}

}  // namespace gleaner::app
