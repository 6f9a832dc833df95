#include "ocr_worker.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "model_paths.h"
#include "ocr_layer.h"
#include "pdf_ocr.h"

namespace gleaner::app {

namespace {
const QString kCancelled = QStringLiteral("\x01cancelled");  // not a message a user sees
}

OcrWorker::OcrWorker(QObject* parent) : QObject(parent) {}

OcrWorker::~OcrWorker() {
    if (cancel_) cancel_->store(true);
    if (watcher_) watcher_->waitForFinished();  // tesseract is killed within ~0.1 s of the cancel
}

bool OcrWorker::start(const LoadedDocument& document) {
    if (running_) {
        emit failed(tr("OCR is already running."));
        return false;
    }
    if (!document.document || document.document->format != "pdf" || document.document->id.empty()) {
        emit failed(tr("Only a PDF's scanned pages can be read by OCR."));
        return false;
    }
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const std::string pdf = document.path.toStdString();
    const std::string layer_path = ocr_layer_path(ocr_layer_root(), document.document->id);
    OcrOptions options;
    options.password = document.password.toStdString();
    options.cancel = cancel_.get();
    QPointer<OcrWorker> self(this);
    options.progress = [self](int page, int total) {
        // Queued to this object's thread; dropped if the worker is gone.
        QMetaObject::invokeMethod(self, [self, page, total] { if (self) emit self->progress(page, total); }, Qt::QueuedConnection);
    };
    auto cancel = cancel_;  // kept alive by the task
    watcher_ = new QFutureWatcher<QString>(this);
    connect(watcher_, &QFutureWatcher<QString>::finished, this, [this, path = document.path, password = document.password] {
        const QString error = watcher_->result();
        watcher_->deleteLater();
        watcher_ = nullptr;
        running_ = false;
        if (error == kCancelled) emit cancelled();
        else if (!error.isEmpty()) emit failed(error);
        else emit finished(path, password);
    });
    watcher_->setFuture(QtConcurrent::run([pdf, layer_path, options, cancel]() -> QString {
        try {
            const OcrLayer layer = ocr_pdf(pdf, options);
            save_ocr_layer(layer, layer_path);
            return {};
        } catch (const OcrCancelled&) {
            return kCancelled;
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        } catch (...) {
            return QStringLiteral("unexpected error during OCR");
        }
    }));
    emit started(document.path);
    return true;
}

void OcrWorker::cancel() {
    if (cancel_) cancel_->store(true);
}

}  // namespace gleaner::app
