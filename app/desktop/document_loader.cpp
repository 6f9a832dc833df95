#include "document_loader.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "import.h"
#include "model_paths.h"

namespace gleaner::app {

namespace {

struct LoadResult {
    LoadedDocument document;
    QString error;
    bool needsPassword = false;
};

LoadResult importOnPool(const QString& path, const QString& password) {
    LoadResult r;
    r.document.path = path;
    r.document.password = password;
    try {
        ImportOptions options;
        options.password = password.toStdString();
        options.ocr_layer_dir = ocr_layer_root();  // a scanned PDF's OCR text, once recognised
        auto doc = std::make_shared<Document>(import_document(path.toStdString(), options));
        r.document.index = std::make_shared<TextIndex>(doc->text);
        r.document.document = std::move(doc);
    } catch (const ImportError& e) {
        r.error = QString::fromStdString(e.what());
        r.needsPassword = e.kind() == ImportErrorKind::PasswordRequired || e.kind() == ImportErrorKind::WrongPassword;
    } catch (const std::exception& e) {
        r.error = QString::fromStdString(e.what());
    } catch (...) {
        // Anything else escaping the pool task would be rethrown by QFuture::result() on the GUI
        // thread and end the program; the user gets a message instead.
        r.error = QStringLiteral("unexpected error while importing the file");
    }
    // Success is what the try block reached, not an empty message: an exception whose what() is
    // empty must still fail the load (an empty error used to emit loaded() with no document).
    if (!r.document.document && r.error.trimmed().isEmpty()) r.error = QStringLiteral("the file could not be imported");
    return r;
}

}  // namespace

DocumentLoader::DocumentLoader(Policy policy, QObject* parent) : QObject(parent), policy_(policy) {
    qRegisterMetaType<LoadedDocument>();
    qRegisterMetaType<DocumentPtr>();
}

DocumentLoader::~DocumentLoader() = default;

void DocumentLoader::load(const QString& path, const QString& password) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const quint64 serial = ++serial_;
    ++pending_;
    emit loadingStarted(absolute);
    auto* watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        --pending_;
        if (policy_ == Policy::LatestOnly && serial != serial_) return;  // superseded by a newer load
        const LoadResult r = watcher->result();
        if (r.document.document) emit loaded(r.document);
        else emit failed(r.document.path, r.error, r.needsPassword);
    });
    watcher->setFuture(QtConcurrent::run(importOnPool, absolute, password));
}

}  // namespace gleaner::app
