#pragma once
// Makes a scanned PDF askable in the background: OCR of its pages without text (pdf_ocr.h) on a
// pool thread, the text layer stored under the document's id (ocr_layer_root()), progress and
// cancel for the window. When it finishes the window reloads the document, which then imports
// with the stored text; a failure or a cancel changes nothing (the pages stay viewable).
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "document_ptr.h"

template <typename T>
class QFutureWatcher;

namespace gleaner::app {

class OcrWorker : public QObject {
    Q_OBJECT
public:
    explicit OcrWorker(QObject* parent = nullptr);
    ~OcrWorker() override;  // cancels a running OCR and waits for it

    // Starts OCR of the document's file; false (with failed()) when one is running or the
    // document is not a PDF read from a file.
    bool start(const LoadedDocument& document);
    void cancel();
    bool isRunning() const { return running_; }

signals:
    void started(const QString& path);
    void progress(int page, int total);  // "OCR page 3 of 12"
    // The text layer is stored: reload `path` (with `password`) to read it.
    void finished(const QString& path, const QString& password);
    void failed(const QString& message);
    void cancelled();

private:
    bool running_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFutureWatcher<QString>* watcher_ = nullptr;
};

}  // namespace gleaner::app
