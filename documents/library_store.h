#pragma once
// The user's library: an SQLite database in the data directory (the path is given by the
// caller; there is no global instance). Holds the documents, per (document, model) reading
// state, questions with their answers and evidence, the reader's bookmarks and highlights with
// their notes, and settings.
//
// Durability: WAL journal, synchronous=FULL, every write in its own transaction (or in the
// caller's, see transaction()), so a crash or kill at any moment loses nothing committed and
// leaves a database that opens and passes `PRAGMA integrity_check`. The schema is versioned
// with `PRAGMA user_version`; opening an older database migrates it step by step, each step in
// one transaction. A busy timeout lets the UI and a background reader share the file.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "text_range.h"

struct sqlite3;

namespace gleaner {

class LibraryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LibraryDocument {
    int64_t id = 0;
    std::string path;
    std::string content_hash;  // SHA-256 of the file's bytes, lowercase hex
    std::string format;
    std::string title;
    std::string author;
    int pages = 0;             // 0 for reflowable formats
    int64_t characters = 0;    // bytes of canonical text
    int64_t added_at = 0;      // Unix seconds
    int64_t last_opened_at = 0;
    int64_t reading_position = 0;  // byte offset in the canonical text
};

enum class ReadingStatus { NotStarted, Reading, Paused, Done, Failed };
std::string to_string(ReadingStatus s);
ReadingStatus reading_status_from_string(const std::string& s);

// How far a model has read a document (its reading memory is stored by the engine; this is
// the bookkeeping the library shows).
struct ReadingState {
    int64_t document_id = 0;
    std::string model;  // model identifier (file name or hash)
    int64_t tokens_read = 0;
    int64_t tokens_total = 0;
    ReadingStatus status = ReadingStatus::NotStarted;
    int64_t updated_at = 0;
};

struct QuestionRecord {
    int64_t id = 0;
    int64_t document_id = 0;
    std::string model;
    std::string method;         // long-context method ("full", "infllm", ...)
    std::string question;
    std::string answer;
    std::string timings_json;   // {"ttft_ms":..., "decode_tps":...}
    std::string evidence_json;  // [{"begin":..,"end":..,"score":..,"layer":..}, ...]
    int64_t asked_at = 0;
    int64_t follows_id = 0;     // the answer this follow-up continues (its question and answer were
                                // in the prompt), 0 for a question asked alone
    TextRange scope;            // what the question was about (empty: the whole document)
    std::string scope_label;    // "Chapter III", "pages 12–14", ... (document_scope.h)
};

// A place the reader marked to come back to (Bookmarks › Add Bookmark).
struct BookmarkRecord {
    int64_t id = 0;
    int64_t document_id = 0;
    int64_t offset = 0;       // byte offset of the canonical text: the reading position marked
    int page = -1;            // 0-based page of a paginated document, -1 for reflowed text
    std::string page_label;   // the printed label of that page ("248", "xii"), when it has one
    std::string title;        // what the list calls it (the first words there, unless renamed)
    std::string note;
    int64_t created_at = 0;   // Unix seconds
};

// A passage the reader highlighted, with an optional note on it.
struct HighlightRecord {
    int64_t id = 0;
    int64_t document_id = 0;
    TextRange range;          // byte offsets of the canonical text, non-empty
    std::string color;        // "#rrggbb"; empty: the reader's default highlight colour
    std::string note;
    int64_t created_at = 0;   // Unix seconds
    int64_t modified_at = 0;  // the note's last change
};

class LibraryStore {
public:
    static constexpr int kSchemaVersion = 4;

    // Opens or creates the database at `path` and migrates it. Throws LibraryError (also for a
    // database written by a newer version, or a file that is not a database). A database whose
    // directory cannot be written (read-only, or a full disk) opens read-only when it needs no
    // migration: it can be listed, and writes throw LibraryError.
    explicit LibraryStore(const std::string& path);
    ~LibraryStore();
    LibraryStore(const LibraryStore&) = delete;
    LibraryStore& operator=(const LibraryStore&) = delete;

    int schema_version();

    // Adds a document, or updates the existing record with the same content hash (a moved or
    // re-imported file keeps its reading state and questions). Returns the id.
    int64_t add_document(const LibraryDocument& doc);
    std::optional<LibraryDocument> document(int64_t id);
    std::optional<LibraryDocument> document_by_hash(const std::string& content_hash);
    std::vector<LibraryDocument> documents();  // most recently opened first
    void remove_document(int64_t id);          // with its reading state, questions, bookmarks, highlights
    void mark_opened(int64_t id, int64_t when);
    void set_reading_position(int64_t id, int64_t position);

    void set_reading_state(const ReadingState& state);  // insert or replace
    std::optional<ReadingState> reading_state(int64_t document_id, const std::string& model);
    std::vector<ReadingState> reading_states(int64_t document_id);

    int64_t add_question(const QuestionRecord& q);
    std::vector<QuestionRecord> questions(int64_t document_id);  // oldest first
    void remove_question(int64_t id);
    void remove_questions(int64_t document_id);  // the book's whole history

    // Bookmarks and highlights, per document, in the order of the text. Adding one whose place is
    // not in the document's text (a reversed or empty highlight, an offset past the text's end
    // as recorded in `characters`), or for a document not in the library, throws LibraryError
    // saying so. Returns the new id.
    int64_t add_bookmark(const BookmarkRecord& b);
    std::vector<BookmarkRecord> bookmarks(int64_t document_id);
    void set_bookmark_note(int64_t id, const std::string& note);
    void set_bookmark_title(int64_t id, const std::string& title);
    void remove_bookmark(int64_t id);

    int64_t add_highlight(const HighlightRecord& h);
    std::vector<HighlightRecord> highlights(int64_t document_id);
    void set_highlight_note(int64_t id, const std::string& note, int64_t modified_at);
    void remove_highlight(int64_t id);

    void set_setting(const std::string& key, const std::string& value);
    std::optional<std::string> setting(const std::string& key);

    // Runs `fn` in one transaction: all its writes commit together or not at all (rolled back
    // when `fn` throws). Writes inside do not open their own.
    void transaction(const std::function<void()>& fn);

    // "ok" when `PRAGMA integrity_check` passes, else its first complaint.
    std::string integrity_check();

private:
    class Statement;
    class WriteTransaction;
    void exec(const char* sql);
    // One statement in its own write transaction, ?1 bound to `id` and ?2 to `value` (when the
    // statement has it): the store's one-row updates and deletes.
    void write_by_id(const char* sql, int64_t id, int64_t value = 0);
    void migrate();
    // Throws LibraryError unless [begin, end) lies in the text of document `document_id`.
    void check_place(int64_t document_id, int64_t begin, int64_t end, const char* what);
    // One text column of one row, in its own write transaction (notes and titles).
    void set_text_by_id(const char* sql, int64_t id, const std::string& text, int64_t value = 0);

    sqlite3* db_ = nullptr;
    int transaction_depth_ = 0;
};

}  // namespace gleaner
