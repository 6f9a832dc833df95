#pragma once
// The user's library as a list model: the views observe it, it owns the LibraryStore (SQLite).
// Every library write of the desktop program goes through here, on the GUI thread; the writes
// are small transactions, and keeping one writer avoids lock contention with the UI.
#include <QAbstractListModel>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

#include "document_ptr.h"
#include "library_store.h"
#include "memory_place.h"

namespace gleaner::app {

class LibraryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        AuthorRole,
        FormatRole,
        PagesRole,          // 0 for reflowable formats
        PathRole,
        ReadingStatusRole,  // QString: "not read", "reading", "paused", "read", "failed"
        TokensReadRole,
        TokensTotalRole,
        PositionFractionRole,  // double in [0, 1]: how far the user has read
        FileMissingRole,       // bool: the file is gone from its recorded path
    };

    // Opens (or creates) the database at `databasePath`. When it cannot be opened, falls back to
    // an in-memory library so that reading still works, and openError() says why. memoryRoot:
    // where the books' reading memories live (memory_place.h; empty: none are managed here).
    explicit LibraryModel(const QString& databasePath, QString memoryRoot = {}, QObject* parent = nullptr);
    ~LibraryModel() override;

    QString openError() const { return open_error_; }
    QString databasePath() const { return database_path_; }
    LibraryStore& store() { return *store_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;

    // Records an opened document (or refreshes the known one with the same content) and moves it
    // to the top; returns its id.
    int64_t addDocument(const LoadedDocument& loaded);
    // Forgets the book (its questions and reading state); with withMemories, deletes its reading
    // memories too and returns what they were. Throws std::runtime_error when they cannot be.
    StoredMemories removeDocument(int64_t id, bool withMemories = false);
    // The reading memories kept for the book (every model and setting).
    StoredMemories readingMemories(int64_t id) const;
    std::optional<LibraryDocument> document(int64_t id) const;
    int rowOf(int64_t id) const;

    // Where the user is in the book (a byte offset of the canonical text).
    void setReadingPosition(int64_t id, int64_t offset);
    // Reading state (tokens read by the model) of `modelName` is what the list shows.
    void setModelName(const QString& modelName);
    QString modelName() const { return model_name_; }
    void setReadingState(const ReadingState& state);

    void reload();

private:
    struct Row {
        LibraryDocument document;
        std::optional<ReadingState> reading;
        bool fileMissing = false;
    };
    Row makeRow(const LibraryDocument& d);

    std::unique_ptr<LibraryStore> store_;
    QString database_path_;
    QString memory_root_;
    QString open_error_;
    QString model_name_;
    std::vector<Row> rows_;
};

}  // namespace gleaner::app
