#include "inference_thread.h"

namespace gleaner::app {

InferenceThread::InferenceThread(QObject* parent) : QObject(parent), worker_(new InferenceWorker) {
    thread_.setObjectName(QStringLiteral("inference"));
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

InferenceThread::~InferenceThread() {
    for (const auto& weak : stops_)
        if (auto stop = weak.lock()) stop->store(true);
    thread_.quit();
    thread_.wait();
}

void InferenceThread::remember(const StopFlag& stop) {
    std::erase_if(stops_, [](const auto& weak) { return weak.expired(); });
    stops_.push_back(stop);
}

void InferenceThread::submit(const AnswerJob& job) {
    remember(job.stop);
    QMetaObject::invokeMethod(worker_, "answer", Qt::QueuedConnection, Q_ARG(gleaner::app::AnswerJob, job));
}

void InferenceThread::submit(const ReadJob& job) {
    remember(job.stop);
    QMetaObject::invokeMethod(worker_, "read", Qt::QueuedConnection, Q_ARG(gleaner::app::ReadJob, job));
}

void InferenceThread::unloadModel() { QMetaObject::invokeMethod(worker_, "unloadModel", Qt::QueuedConnection); }

}  // namespace gleaner::app
