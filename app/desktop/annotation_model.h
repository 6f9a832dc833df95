#pragma once
// The open document's bookmarks and highlights, as the Annotations panel lists them: one list in
// the order of the text, each entry with where it is as a reader cites it ("p. 248",
// "CHAPTER II. The Pool of Tears, ¶ 4"), the words there and the reader's note. The library
// store is the truth: every change is written there first and only then shown, so what the list
// shows is what was saved. The reader observes highlightsChanged() to draw the highlights.
#include <QAbstractListModel>
#include <QString>

#include <vector>

#include "document_ptr.h"
#include "library_store.h"

namespace gleaner::app {

class AnnotationModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Kind { Bookmark, Highlight };
    enum Role {
        KindRole = Qt::UserRole + 1,  // int: Kind
        PlaceRole,                    // the citation of where it is
        ExcerptRole,                  // the highlighted words, or the first words at the bookmark
        NoteRole,
        TitleRole,                    // a bookmark's title ("" for highlights)
        BeginRole,                    // qulonglong: byte offset of the canonical text
        EndRole,                      // qulonglong: a highlight's end; a bookmark's offset
        IdRole,                       // qlonglong: the row's id in its library table
        PageRole,                     // int: a bookmark's 0-based page, -1 for none (reflowed text, highlights)
    };

    // The store is the library's (LibraryModel::store()); it outlives this model.
    explicit AnnotationModel(LibraryStore& store, QObject* parent = nullptr);

    // The document whose marks are listed (none: an empty list; one not recorded in the library
    // lists nothing and cannot be marked).
    void setDocument(const LoadedDocument& document);
    bool hasDocument() const { return document_.document && document_.libraryId > 0; }
    const DocumentPtr& document() const { return document_.document; }

    // Each returns the new or changed row, or -1 with *error saying why nothing was saved.
    // page: the page shown (paginated documents; -1: the page holding `offset`), which a page
    // without text (a cover, a plate) needs because no offset is on it.
    int addBookmark(size_t offset, int page = -1, QString* error = nullptr);
    int addHighlight(TextRange range, const QString& note, QString* error = nullptr);
    bool setNote(int row, const QString& note, QString* error = nullptr);
    bool remove(int row, QString* error = nullptr);

    Kind kind(int row) const { return entries_[size_t(row)].kind; }
    TextRange place(int row) const;  // a bookmark's is empty, at its offset
    int rowOfId(Kind kind, int64_t id) const;  // -1 when none
    std::vector<TextRange> highlightRanges() const;
    std::vector<BookmarkRecord> bookmarks() const;
    std::vector<HighlightRecord> highlights() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

signals:
    void highlightsChanged();

private:
    struct Entry {
        Kind kind = Kind::Bookmark;
        BookmarkRecord bookmark;    // when a bookmark
        HighlightRecord highlight;  // when a highlight
        size_t begin() const { return kind == Kind::Bookmark ? size_t(bookmark.offset) : highlight.range.begin; }
    };
    void reload();
    int insertSorted(Entry entry);
    QString excerpt(const Entry& e) const;

    LibraryStore& store_;
    LoadedDocument document_;
    std::vector<Entry> entries_;  // in the order of the text
};

}  // namespace gleaner::app
