#include "library_model.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

namespace gleaner::app {

namespace {
int64_t nowSeconds() { return QDateTime::currentSecsSinceEpoch(); }

QString statusText(const std::optional<ReadingState>& s) {
    if (!s) return LibraryModel::tr("not read");
    switch (s->status) {
        case ReadingStatus::NotStarted: return LibraryModel::tr("not read");
        case ReadingStatus::Reading: return LibraryModel::tr("reading");
        case ReadingStatus::Paused: return LibraryModel::tr("paused");
        case ReadingStatus::Done: return LibraryModel::tr("read");
        case ReadingStatus::Failed: return LibraryModel::tr("failed");
    }
    return {};
}
}  // namespace

LibraryModel::LibraryModel(const QString& databasePath, QString memoryRoot, QObject* parent)
    : QAbstractListModel(parent), database_path_(databasePath), memory_root_(std::move(memoryRoot)) {
    try {
        QDir().mkpath(QFileInfo(databasePath).absolutePath());
        store_ = std::make_unique<LibraryStore>(databasePath.toStdString());
    } catch (const std::exception& e) {
        open_error_ = QString::fromStdString(e.what());
        store_ = std::make_unique<LibraryStore>(":memory:");
    }
    reload();
}

LibraryModel::~LibraryModel() = default;

LibraryModel::Row LibraryModel::makeRow(const LibraryDocument& d) {
    Row r;
    r.document = d;
    if (!model_name_.isEmpty()) r.reading = store_->reading_state(d.id, model_name_.toStdString());
    r.fileMissing = !QFileInfo::exists(QString::fromStdString(d.path));
    return r;
}

void LibraryModel::reload() {
    beginResetModel();
    rows_.clear();
    try {
        for (const LibraryDocument& d : store_->documents()) rows_.push_back(makeRow(d));
    } catch (const LibraryError& e) {
        open_error_ = QString::fromStdString(e.what());
    }
    endResetModel();
}

int LibraryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant LibraryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Row& r = rows_[static_cast<size_t>(index.row())];
    const LibraryDocument& d = r.document;
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole: return QString::fromStdString(d.title);
        case Qt::ToolTipRole: return QString::fromStdString(d.path);
        case IdRole: return QVariant::fromValue<qint64>(d.id);
        case AuthorRole: return QString::fromStdString(d.author);
        case FormatRole: return QString::fromStdString(d.format);
        case PagesRole: return d.pages;
        case PathRole: return QString::fromStdString(d.path);
        case ReadingStatusRole: return statusText(r.reading);
        case TokensReadRole: return QVariant::fromValue<qint64>(r.reading ? r.reading->tokens_read : 0);
        case TokensTotalRole: return QVariant::fromValue<qint64>(r.reading ? r.reading->tokens_total : 0);
        case PositionFractionRole:
            return d.characters > 0 ? std::clamp(double(d.reading_position) / double(d.characters), 0.0, 1.0) : 0.0;
        case FileMissingRole: return r.fileMissing;
        default: return {};
    }
}

QHash<int, QByteArray> LibraryModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names[IdRole] = "id";
    names[TitleRole] = "title";
    names[AuthorRole] = "author";
    names[FormatRole] = "format";
    names[PagesRole] = "pages";
    names[PathRole] = "path";
    names[ReadingStatusRole] = "readingStatus";
    return names;
}

Qt::ItemFlags LibraryModel::flags(const QModelIndex& index) const {
    return QAbstractListModel::flags(index) | (index.isValid() ? Qt::ItemIsDragEnabled : Qt::NoItemFlags);
}

QStringList LibraryModel::mimeTypes() const { return {QStringLiteral("text/uri-list")}; }

QMimeData* LibraryModel::mimeData(const QModelIndexList& indexes) const {
    // Dragging a book out of the library hands its file to other programs.
    QList<QUrl> urls;
    for (const QModelIndex& i : indexes) urls << QUrl::fromLocalFile(data(i, PathRole).toString());
    auto* mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

int64_t LibraryModel::addDocument(const LoadedDocument& loaded) {
    const Document& doc = *loaded.document;
    const std::string& hash = doc.id;  // the book's identity (Document::id)
    int64_t id = 0;
    if (auto known = store_->document_by_hash(hash)) {
        // Same bytes as a known book: keep its reading state and questions, follow a move.
        LibraryDocument d = *known;
        if (d.path != loaded.path.toStdString()) {
            d.path = loaded.path.toStdString();
            store_->add_document(d);
        }
        id = known->id;
    } else {
        LibraryDocument d;
        d.path = loaded.path.toStdString();
        d.content_hash = hash;
        d.format = doc.format;
        d.title = doc.metadata.title.empty() ? QFileInfo(loaded.path).completeBaseName().toStdString()
                                             : doc.metadata.title;
        d.author = doc.metadata.author;
        d.pages = doc.page_count();
        d.characters = static_cast<int64_t>(doc.text.size());
        d.added_at = nowSeconds();
        id = store_->add_document(d);
    }
    store_->mark_opened(id, nowSeconds());
    reload();
    return id;
}

StoredMemories LibraryModel::readingMemories(int64_t id) const {
    const auto d = store_->document(id);
    if (!d || memory_root_.isEmpty()) return {};
    return document_memories(memory_root_.toStdString(), d->content_hash);
}

StoredMemories LibraryModel::removeDocument(int64_t id, bool withMemories) {
    const int row = rowOf(id);
    if (row < 0) return {};
    const std::string identity = rows_[row].document.content_hash;
    store_->remove_document(id);
    beginRemoveRows({}, row, row);
    rows_.erase(rows_.begin() + row);
    endRemoveRows();
    // After the library forgot the book: a memory that cannot be deleted is then only disk space.
    if (!withMemories || memory_root_.isEmpty()) return {};
    return remove_document_memories(memory_root_.toStdString(), identity);
}

std::optional<LibraryDocument> LibraryModel::document(int64_t id) const { return store_->document(id); }

int LibraryModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].document.id == id) return static_cast<int>(i);
    return -1;
}

void LibraryModel::setReadingPosition(int64_t id, int64_t offset) {
    store_->set_reading_position(id, offset);
    const int row = rowOf(id);
    if (row < 0) return;
    rows_[static_cast<size_t>(row)].document.reading_position = offset;
    emit dataChanged(index(row), index(row), {PositionFractionRole});
}

void LibraryModel::setModelName(const QString& modelName) {
    if (modelName == model_name_) return;
    model_name_ = modelName;
    reload();
}

void LibraryModel::setReadingState(const ReadingState& state) {
    store_->set_reading_state(state);
    const int row = rowOf(state.document_id);
    if (row < 0 || QString::fromStdString(state.model) != model_name_) return;
    rows_[static_cast<size_t>(row)].reading = state;
    emit dataChanged(index(row), index(row), {ReadingStatusRole, TokensReadRole, TokensTotalRole});
}

}  // namespace gleaner::app
