#pragma once
// Imports documents on the thread pool so that opening a 500-page PDF never freezes the window.
// For opening, one load at a time matters to the user: with LatestOnly a newer load() makes the
// result of an unfinished one be dropped (the import itself runs to its end; importers have no
// cancellation point). Adding several files to the library wants every result: EveryResult.
#include <QObject>
#include <QString>

#include "document_ptr.h"
#include "importer.h"

namespace gleaner::app {

class DocumentLoader : public QObject {
    Q_OBJECT
public:
    enum class Policy { LatestOnly, EveryResult };
    explicit DocumentLoader(Policy policy = Policy::LatestOnly, QObject* parent = nullptr);
    ~DocumentLoader() override;

    // Starts importing `path` (with a PDF password when one is needed). Emits loaded() or
    // failed() later, on this object's thread.
    void load(const QString& path, const QString& password = {});
    bool isLoading() const { return pending_ > 0; }

signals:
    void loadingStarted(const QString& path);
    void loaded(const gleaner::app::LoadedDocument& document);
    // `message` is one line a user can act on; `needsPassword` when a password would open it.
    void failed(const QString& path, const QString& message, bool needsPassword);

private:
    Policy policy_;
    quint64 serial_ = 0;  // of the newest load(); older results are dropped
    int pending_ = 0;
};

}  // namespace gleaner::app
