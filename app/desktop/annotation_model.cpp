#include "annotation_model.h"

#include <QDateTime>

#include <algorithm>

#include "document_scope.h"

namespace gleaner::app {

namespace {
constexpr size_t kExcerptChars = 160;

// Up to `maxChars` characters of the text from `begin` (not past `end`), on one line, cut at a
// character boundary and marked with an ellipsis when cut.
QString textExcerpt(const std::string& text, size_t begin, size_t end, size_t maxChars) {
    begin = std::min(begin, text.size());
    end = std::min(end, text.size());
    size_t cut = std::min(end, begin + maxChars * 4);  // UTF-8: at most 4 bytes a character
    while (cut > begin && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    QString s = QString::fromUtf8(text.data() + begin, qsizetype(cut - begin)).simplified();
    if (size_t(s.size()) > maxChars || cut < end) s = s.left(qsizetype(maxChars)).trimmed() + QStringLiteral("…");
    return s;
}

int64_t now() { return QDateTime::currentSecsSinceEpoch(); }
}  // namespace

AnnotationModel::AnnotationModel(LibraryStore& store, QObject* parent) : QAbstractListModel(parent), store_(store) {}

void AnnotationModel::setDocument(const LoadedDocument& document) {
    document_ = document;
    reload();
}

void AnnotationModel::reload() {
    beginResetModel();
    entries_.clear();
    if (hasDocument()) {
        try {
            for (BookmarkRecord& b : store_.bookmarks(document_.libraryId)) entries_.push_back({Kind::Bookmark, std::move(b), {}});
            for (HighlightRecord& h : store_.highlights(document_.libraryId)) {
                // A mark the text no longer holds (the file changed under the same record) is kept
                // in the library but not shown where it would point at the wrong words.
                if (h.range.end <= document_.document->text.size()) entries_.push_back({Kind::Highlight, {}, std::move(h)});
            }
        } catch (const LibraryError& e) {
            qWarning("annotations of document %lld could not be read: %s", static_cast<long long>(document_.libraryId), e.what());
        }
        std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.begin() < b.begin(); });
    }
    endResetModel();
    emit highlightsChanged();
}

int AnnotationModel::insertSorted(Entry entry) {
    const auto at = std::upper_bound(entries_.begin(), entries_.end(), entry.begin(),
                                     [](size_t offset, const Entry& e) { return offset < e.begin(); });
    const int row = int(at - entries_.begin());
    beginInsertRows({}, row, row);
    entries_.insert(at, std::move(entry));
    endInsertRows();
    return row;
}

int AnnotationModel::addBookmark(size_t offset, int page, QString* error) {
    if (!hasDocument()) {
        if (error) *error = tr("Open a document from the library to add a bookmark.");
        return -1;
    }
    const Document& doc = *document_.document;
    BookmarkRecord b;
    b.document_id = document_.libraryId;
    b.offset = int64_t(offset);
    if (doc.is_paginated()) {
        b.page = page >= 0 && page < doc.page_count() ? page : doc.page_of_char(offset);
        if (b.page >= 0) b.page_label = page_name(doc, b.page);
    }
    b.title = textExcerpt(doc.text, offset, doc.text.size(), 60).toStdString();
    b.created_at = now();
    try {
        b.id = store_.add_bookmark(b);
    } catch (const LibraryError& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return -1;
    }
    return insertSorted({Kind::Bookmark, std::move(b), {}});
}

int AnnotationModel::addHighlight(TextRange range, const QString& note, QString* error) {
    if (!hasDocument()) {
        if (error) *error = tr("Open a document from the library to highlight in it.");
        return -1;
    }
    if (range.empty()) {
        if (error) *error = tr("Select the text to highlight first.");
        return -1;
    }
    HighlightRecord h;
    h.document_id = document_.libraryId;
    h.range = range;
    h.note = note.trimmed().toStdString();
    h.created_at = h.modified_at = now();
    try {
        h.id = store_.add_highlight(h);
    } catch (const LibraryError& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return -1;
    }
    const int row = insertSorted({Kind::Highlight, {}, std::move(h)});
    emit highlightsChanged();
    return row;
}

bool AnnotationModel::setNote(int row, const QString& note, QString* error) {
    if (row < 0 || row >= rowCount()) return false;
    Entry& e = entries_[size_t(row)];
    const std::string text = note.trimmed().toStdString();
    try {
        if (e.kind == Kind::Bookmark) {
            store_.set_bookmark_note(e.bookmark.id, text);
            e.bookmark.note = text;
        } else {
            const int64_t when = now();
            store_.set_highlight_note(e.highlight.id, text, when);
            e.highlight.note = text;
            e.highlight.modified_at = when;
        }
    } catch (const LibraryError& err) {
        if (error) *error = QString::fromUtf8(err.what());
        return false;
    }
    emit dataChanged(index(row), index(row));
    return true;
}

bool AnnotationModel::remove(int row, QString* error) {
    if (row < 0 || row >= rowCount()) return false;
    const Entry& e = entries_[size_t(row)];
    const bool highlight = e.kind == Kind::Highlight;
    try {
        if (highlight) store_.remove_highlight(e.highlight.id);
        else store_.remove_bookmark(e.bookmark.id);
    } catch (const LibraryError& err) {
        if (error) *error = QString::fromUtf8(err.what());
        return false;
    }
    beginRemoveRows({}, row, row);
    entries_.erase(entries_.begin() + row);
    endRemoveRows();
    if (highlight) emit highlightsChanged();
    return true;
}

TextRange AnnotationModel::place(int row) const {
    const Entry& e = entries_[size_t(row)];
    return e.kind == Kind::Highlight ? e.highlight.range : TextRange{e.begin(), e.begin()};
}

int AnnotationModel::rowOfId(Kind kind, int64_t id) const {
    for (size_t i = 0; i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        if (e.kind == kind && (kind == Kind::Bookmark ? e.bookmark.id : e.highlight.id) == id) return int(i);
    }
    return -1;
}

std::vector<TextRange> AnnotationModel::highlightRanges() const {
    std::vector<TextRange> out;
    for (const Entry& e : entries_)
        if (e.kind == Kind::Highlight) out.push_back(e.highlight.range);
    return out;
}

std::vector<BookmarkRecord> AnnotationModel::bookmarks() const {
    std::vector<BookmarkRecord> out;
    for (const Entry& e : entries_)
        if (e.kind == Kind::Bookmark) out.push_back(e.bookmark);
    return out;
}

std::vector<HighlightRecord> AnnotationModel::highlights() const {
    std::vector<HighlightRecord> out;
    for (const Entry& e : entries_)
        if (e.kind == Kind::Highlight) out.push_back(e.highlight);
    return out;
}

int AnnotationModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(entries_.size()); }

QString AnnotationModel::excerpt(const Entry& e) const {
    const std::string& text = document_.document->text;
    if (e.kind == Kind::Highlight) return textExcerpt(text, e.highlight.range.begin, e.highlight.range.end, kExcerptChars);
    return textExcerpt(text, e.begin(), text.size(), 80);
}

QVariant AnnotationModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || !document_.document) return {};
    const Entry& e = entries_[size_t(index.row())];
    const bool highlight = e.kind == Kind::Highlight;
    const QString note = QString::fromStdString(highlight ? e.highlight.note : e.bookmark.note);
    switch (role) {
        case Qt::DisplayRole: {
            // Three lines, as the panel shows them: what and where, the words, the note.
            QString s = (highlight ? tr("Highlight · %1") : tr("Bookmark · %1")).arg(data(index, PlaceRole).toString());
            const QString words = highlight ? excerpt(e) : QString::fromStdString(e.bookmark.title);
            if (!words.isEmpty()) s += QStringLiteral("\n“%1”").arg(words);
            if (!note.isEmpty()) s += QStringLiteral("\n") + tr("Note: %1").arg(note);
            return s;
        }
        case Qt::ToolTipRole: return note.isEmpty() ? excerpt(e) : note;
        case KindRole: return int(e.kind);
        case PlaceRole:
            // A bookmark names the page it was made on (which may hold no text to cite by).
            if (!highlight && e.bookmark.page >= 0) return QString::fromStdString("p. " + page_name(*document_.document, e.bookmark.page));
            return QString::fromStdString(citation(*document_.document, e.begin()));
        case PageRole: return highlight ? -1 : e.bookmark.page;
        case ExcerptRole: return excerpt(e);
        case NoteRole: return note;
        case TitleRole: return highlight ? QString() : QString::fromStdString(e.bookmark.title);
        case BeginRole: return qulonglong(e.begin());
        case EndRole: return qulonglong(highlight ? e.highlight.range.end : e.begin());
        case IdRole: return qlonglong(highlight ? e.highlight.id : e.bookmark.id);
        default: return {};
    }
}

}  // namespace gleaner::app
