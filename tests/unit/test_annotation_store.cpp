// The library store's bookmarks and highlights (schema 4): a library written by the previous
// release (schema 3) keeps every row when it gains the tables; bookmarks and highlights round
// trip, their notes can be edited, they go with their document, and places outside the
// document's text are refused with a message that says why.
#include <QtTest>

#include <sqlite3.h>

#include <string>

#include "library_store.h"
#include "released_library_schemas.h"

using namespace gleaner;

namespace {

// The schema as release 3 left it (migrations 0..2 applied), with a document, a follow-up
// question about a chapter, a reading state and a setting.
const char* kSchema3 =
    GLEANER_LIBRARY_SCHEMA_3
    "INSERT INTO documents (path, content_hash, format, title, characters, added_at, reading_position)"
    " VALUES ('/alice.txt', 'h-alice', 'text', 'Alice', 5000, 1, 1234);"
    "INSERT INTO questions (document_id, model, method, question, answer, asked_at, follows_id, scope_begin,"
    " scope_end, scope_label) VALUES (1, 'm', 'full', 'Who?', 'Alice.', 2, 0, 0, 0, '');"
    "INSERT INTO questions (document_id, model, method, question, answer, asked_at, follows_id, scope_begin,"
    " scope_end, scope_label) VALUES (1, 'm', 'full', 'Why?', 'Curious.', 3, 1, 100, 900, 'Chapter I');"
    "INSERT INTO reading_state (document_id, model, tokens_read, status) VALUES (1, 'm', 77, 'paused');"
    "INSERT INTO settings (key, value) VALUES ('method', 'infllm');"
    "PRAGMA user_version=3;";

// The message of the LibraryError `fn` throws ("" when it throws none).
template <class Fn>
QString refusal(Fn fn) {
    try {
        fn();
    } catch (const LibraryError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace

class TestAnnotationStore : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    int64_t addAlice(LibraryStore& store, int64_t characters = 5000) {
        return store.add_document(LibraryDocument{0, "/alice.txt", "h-alice", "text", "Alice", "", 0, characters, 1, 0, 0});
    }

private slots:
    void migratesFromSchemaThreeKeepingEveryRow() {
        const std::string path = dir_.filePath("v3.sqlite").toStdString();
        {
            sqlite3* db = nullptr;
            QCOMPARE(sqlite3_open(path.c_str(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, kSchema3, nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        LibraryStore store(path);
        QCOMPARE(store.schema_version(), 4);
        const auto docs = store.documents();
        QCOMPARE(docs.size(), size_t{1});
        QCOMPARE(docs[0].title, std::string("Alice"));
        QCOMPARE(docs[0].reading_position, int64_t{1234});
        const auto qs = store.questions(docs[0].id);
        QCOMPARE(qs.size(), size_t{2});
        QCOMPARE(qs[1].follows_id, qs[0].id);
        QCOMPARE(qs[1].scope, (TextRange{100, 900}));
        QCOMPARE(qs[1].scope_label, std::string("Chapter I"));
        QCOMPARE(store.reading_state(docs[0].id, "m")->tokens_read, int64_t{77});
        QCOMPARE(*store.setting("method"), std::string("infllm"));
        // The new tables are there and empty, and take rows for the old document.
        QVERIFY(store.bookmarks(docs[0].id).empty());
        QVERIFY(store.highlights(docs[0].id).empty());
        QVERIFY(store.add_highlight(HighlightRecord{0, docs[0].id, {10, 20}, "", "a note", 5, 5}) > 0);
        QCOMPARE(store.highlights(docs[0].id).size(), size_t{1});
        QCOMPARE(store.integrity_check(), std::string("ok"));
    }

    void bookmarksRoundTripInTextOrder() {
        LibraryStore store(dir_.filePath("b.sqlite").toStdString());
        const int64_t doc = addAlice(store);
        const int64_t late = store.add_bookmark(BookmarkRecord{0, doc, 4000, 11, "xii", "Down the Rabbit-Hole", "", 10});
        const int64_t early = store.add_bookmark(BookmarkRecord{0, doc, 0, -1, "", "The start", "first", 11});
        QVERIFY(late > 0 && early > 0 && late != early);
        auto bs = store.bookmarks(doc);
        QCOMPARE(bs.size(), size_t{2});
        QCOMPARE(bs[0].id, early);  // ordered by where they are, not when they were made
        QCOMPARE(bs[0].note, std::string("first"));
        QCOMPARE(bs[1].offset, int64_t{4000});
        QCOMPARE(bs[1].page, 11);
        QCOMPARE(bs[1].page_label, std::string("xii"));
        QCOMPARE(bs[1].title, std::string("Down the Rabbit-Hole"));
        QCOMPARE(bs[1].created_at, int64_t{10});

        store.set_bookmark_note(late, "come back here");
        store.set_bookmark_title(late, "Renamed");
        bs = store.bookmarks(doc);
        QCOMPARE(bs[1].note, std::string("come back here"));
        QCOMPARE(bs[1].title, std::string("Renamed"));
        QVERIFY(refusal([&] { store.set_bookmark_note(99999, "x"); }).contains("no such"));

        store.remove_bookmark(early);
        bs = store.bookmarks(doc);
        QCOMPARE(bs.size(), size_t{1});
        QCOMPARE(bs[0].id, late);
    }

    void highlightsRoundTripAndNotesEdit() {
        LibraryStore store(dir_.filePath("h.sqlite").toStdString());
        const int64_t doc = addAlice(store);
        const int64_t a = store.add_highlight(HighlightRecord{0, doc, {300, 420}, "#ff88aa", "", 20, 0});
        const int64_t b = store.add_highlight(HighlightRecord{0, doc, {100, 150}, "", "curious", 21, 21});
        auto hs = store.highlights(doc);
        QCOMPARE(hs.size(), size_t{2});
        QCOMPARE(hs[0].id, b);
        QCOMPARE(hs[0].range, (TextRange{100, 150}));
        QCOMPARE(hs[0].note, std::string("curious"));
        QCOMPARE(hs[1].range, (TextRange{300, 420}));
        QCOMPARE(hs[1].color, std::string("#ff88aa"));
        QCOMPARE(hs[1].modified_at, int64_t{20});  // unset: when it was made

        store.set_highlight_note(a, "the Cheshire Cat grins", 30);
        hs = store.highlights(doc);
        QCOMPARE(hs[1].note, std::string("the Cheshire Cat grins"));
        QCOMPARE(hs[1].modified_at, int64_t{30});
        QCOMPARE(hs[1].created_at, int64_t{20});
        QCOMPARE(hs[0].note, std::string("curious"));  // the other one untouched

        store.remove_highlight(b);
        hs = store.highlights(doc);
        QCOMPARE(hs.size(), size_t{1});
        QCOMPARE(hs[0].id, a);
        // Another document's list is its own.
        const int64_t other = store.add_document(LibraryDocument{0, "/b.txt", "h-b", "text", "B", "", 0, 100, 1, 0, 0});
        QVERIFY(store.highlights(other).empty());
    }

    void removingTheDocumentRemovesItsMarks() {
        LibraryStore store(dir_.filePath("r.sqlite").toStdString());
        const int64_t doc = addAlice(store);
        const int64_t keep = store.add_document(LibraryDocument{0, "/b.txt", "h-b", "text", "B", "", 0, 100, 1, 0, 0});
        store.add_bookmark(BookmarkRecord{0, doc, 10, -1, "", "t", "", 1});
        store.add_highlight(HighlightRecord{0, doc, {10, 20}, "", "n", 1, 1});
        store.add_highlight(HighlightRecord{0, keep, {1, 2}, "", "", 1, 1});
        store.remove_document(doc);
        QVERIFY(store.bookmarks(doc).empty());
        QVERIFY(store.highlights(doc).empty());
        QCOMPARE(store.highlights(keep).size(), size_t{1});
        // The same book added again starts without the old marks (its rows are gone, not hidden).
        const int64_t again = addAlice(store);
        QVERIFY(store.bookmarks(again).empty());
        QVERIFY(store.highlights(again).empty());
        QCOMPARE(store.integrity_check(), std::string("ok"));
    }

    void badPlacesAreRefusedWithAClearMessage() {
        LibraryStore store(dir_.filePath("bad.sqlite").toStdString());
        const int64_t doc = addAlice(store, 5000);
        QString why = refusal([&] { store.add_highlight(HighlightRecord{0, doc, {200, 100}, "", "", 1, 1}); });
        QVERIFY2(why.contains("highlight") && why.contains("reversed"), qPrintable(why));
        why = refusal([&] { store.add_highlight(HighlightRecord{0, doc, {100, 100}, "", "", 1, 1}); });
        QVERIFY2(why.contains("empty"), qPrintable(why));
        why = refusal([&] { store.add_highlight(HighlightRecord{0, doc, {4990, 5010}, "", "", 1, 1}); });
        QVERIFY2(why.contains("text ends at 5000"), qPrintable(why));
        why = refusal([&] { store.add_bookmark(BookmarkRecord{0, doc, 6000, -1, "", "", "", 1}); });
        QVERIFY2(why.contains("bookmark") && why.contains("text ends at 5000"), qPrintable(why));
        why = refusal([&] { store.add_bookmark(BookmarkRecord{0, doc, -5, -1, "", "", "", 1}); });
        QVERIFY2(why.contains("negative"), qPrintable(why));
        why = refusal([&] { store.add_highlight(HighlightRecord{0, 424242, {1, 2}, "", "", 1, 1}); });
        QVERIFY2(why.contains("not in the library"), qPrintable(why));
        // Nothing refused was written; the end of the text itself is a fine place.
        QVERIFY(store.highlights(doc).empty());
        QVERIFY(store.bookmarks(doc).empty());
        QVERIFY(store.add_highlight(HighlightRecord{0, doc, {4990, 5000}, "", "", 1, 1}) > 0);
        QVERIFY(store.add_bookmark(BookmarkRecord{0, doc, 5000, -1, "", "", "", 1}) > 0);
    }
};

QTEST_APPLESS_MAIN(TestAnnotationStore)
#include "test_annotation_store.moc"
