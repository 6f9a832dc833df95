#include "library_store.h"

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <string_view>

namespace gleaner {
namespace {

// Migration i takes the schema from version i to i + 1. Never edit a released step; append.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the library.
    R"sql(
    CREATE TABLE documents (
        id               INTEGER PRIMARY KEY,
        path             TEXT NOT NULL,
        content_hash     TEXT NOT NULL UNIQUE,
        format           TEXT NOT NULL,
        title            TEXT NOT NULL DEFAULT '',
        author           TEXT NOT NULL DEFAULT '',
        pages            INTEGER NOT NULL DEFAULT 0,
        characters       INTEGER NOT NULL DEFAULT 0,
        added_at         INTEGER NOT NULL,
        last_opened_at   INTEGER NOT NULL DEFAULT 0,
        reading_position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE reading_state (
        document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        model        TEXT NOT NULL,
        tokens_read  INTEGER NOT NULL DEFAULT 0,
        tokens_total INTEGER NOT NULL DEFAULT 0,
        status       TEXT NOT NULL DEFAULT 'not_started',
        updated_at   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (document_id, model)
    );
    CREATE TABLE questions (
        id            INTEGER PRIMARY KEY,
        document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        model         TEXT NOT NULL,
        method        TEXT NOT NULL,
        question      TEXT NOT NULL,
        answer        TEXT NOT NULL DEFAULT '',
        timings_json  TEXT NOT NULL DEFAULT '{}',
        evidence_json TEXT NOT NULL DEFAULT '[]',
        asked_at      INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    )sql",
    // 1 -> 2: history per document is listed by time; keep that query off a table scan.
    R"sql(
    CREATE INDEX questions_by_document ON questions(document_id, asked_at);
    )sql",
    // 2 -> 3: conversations (the answer a follow-up continues) and what a question was about.
    R"sql(
    ALTER TABLE questions ADD COLUMN follows_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN scope_begin INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN scope_end INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN scope_label TEXT NOT NULL DEFAULT '';
    )sql",
    // 3 -> 4: the reader's own marks: bookmarks, and highlights with notes. They go with their
    // document (ON DELETE CASCADE), as its questions do.
    R"sql(
    CREATE TABLE bookmarks (
        id          INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        text_offset INTEGER NOT NULL CHECK (text_offset >= 0),
        page        INTEGER NOT NULL DEFAULT -1,
        page_label  TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL DEFAULT '',
        note        TEXT NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL
    );
    CREATE INDEX bookmarks_by_document ON bookmarks(document_id, text_offset);
    CREATE TABLE highlights (
        id          INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        range_begin INTEGER NOT NULL CHECK (range_begin >= 0),
        range_end   INTEGER NOT NULL CHECK (range_end > range_begin),
        color       TEXT NOT NULL DEFAULT '',
        note        TEXT NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL,
        modified_at INTEGER NOT NULL
    );
    CREATE INDEX highlights_by_document ON highlights(document_id, range_begin);
    )sql",
};
static_assert(std::size(kMigrations) == LibraryStore::kSchemaVersion);

}  // namespace

std::string to_string(ReadingStatus s) {
    switch (s) {
    case ReadingStatus::NotStarted: return "not_started";
    case ReadingStatus::Reading: return "reading";
    case ReadingStatus::Paused: return "paused";
    case ReadingStatus::Done: return "done";
    case ReadingStatus::Failed: return "failed";
    }
    return "not_started";
}

ReadingStatus reading_status_from_string(const std::string& s) {
    if (s == "reading") return ReadingStatus::Reading;
    if (s == "paused") return ReadingStatus::Paused;
    if (s == "done") return ReadingStatus::Done;
    if (s == "failed") return ReadingStatus::Failed;
    return ReadingStatus::NotStarted;
}

// A prepared statement; throws LibraryError with SQLite's message on failure.
class LibraryStore::Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            throw LibraryError(std::string("library database error: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); return *this; }
    int parameters() const { return sqlite3_bind_parameter_count(stmt_); }
    Statement& bind(int i, const std::string& v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    // True while rows come; false when done.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw LibraryError(std::string("library database error: ") + sqlite3_errmsg(db_));
    }
    int64_t int64(int col) { return sqlite3_column_int64(stmt_, col); }
    std::string text(int col) {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw LibraryError(std::string("library database error: ") + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE (take the write lock up front, so the busy timeout applies at the start and
// not at a deadlock-prone upgrade) ... COMMIT; ROLLBACK when destroyed uncommitted.
class LibraryStore::WriteTransaction {
public:
    explicit WriteTransaction(LibraryStore& s) : s_(s), outer_(s.transaction_depth_ == 0) {
        if (outer_) s_.exec("BEGIN IMMEDIATE");
        ++s_.transaction_depth_;
    }
    ~WriteTransaction() {
        --s_.transaction_depth_;
        if (outer_ && !committed_) sqlite3_exec(s_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
        if (outer_) s_.exec("COMMIT");
        committed_ = true;
    }

private:
    LibraryStore& s_;
    bool outer_;
    bool committed_ = false;
};

namespace {

// SQLite's result codes that mean the database cannot be written where it is (a read-only or
// full data directory, a read-only file) while reading it may still work.
bool cannot_write_here(int code) {
    switch (code & 0xff) {
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
        return true;
    default:
        return false;
    }
}

// A file path as an SQLite URI path ('%', '?' and '#' would end or escape it).
std::string uri_path(const std::string& path) {
    std::string out;
    for (const char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

int user_version(sqlite3* db) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) return -1;
    const int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return version;
}

// The database opened read-only, or null when even that fails. mode=ro first (it sees the
// commits of other processes; a WAL database needs its -shm file for that), then immutable=1,
// for a read-only directory where the -shm file cannot be made (nobody can write there either).
sqlite3* open_read_only(const std::string& path) {
    for (const char* how : {"mode=ro", "immutable=1"}) {
        const std::string uri = "file:" + uri_path(path) + "?" + how;
        sqlite3* db = nullptr;
        const int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                                       nullptr);
        if (rc == SQLITE_OK && user_version(db) >= 0) return db;  // a first read proves it opens
        sqlite3_close(db);
    }
    return nullptr;
}

}  // namespace

LibraryStore::LibraryStore(const std::string& path) {
    int failed_code = SQLITE_OK;
    std::string failure;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        failed_code = db_ ? sqlite3_extended_errcode(db_) : rc;
        failure = "cannot open library database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    } else {
        try {
            sqlite3_busy_timeout(db_, 5000);
            exec("PRAGMA journal_mode=WAL");
            exec("PRAGMA synchronous=FULL");
            exec("PRAGMA foreign_keys=ON");
            migrate();
            return;
        } catch (const LibraryError& e) {
            failed_code = sqlite3_extended_errcode(db_);
            failure = e.what();
        } catch (...) {
            sqlite3_close(db_);
            db_ = nullptr;
            throw;
        }
    }
    sqlite3_close(db_);
    db_ = nullptr;
    // A library in a read-only or full data directory can still be listed: the same database,
    // read-only (writes then fail with SQLite's "attempt to write a readonly database").
    std::error_code ec;
    if (!cannot_write_here(failed_code) || !std::filesystem::is_regular_file(path, ec)) throw LibraryError(failure);
    db_ = open_read_only(path);
    if (!db_) throw LibraryError(failure);
    const int version = user_version(db_);
    if (version != kSchemaVersion) {
        sqlite3_close(db_);
        db_ = nullptr;
        if (version > kSchemaVersion)
            throw LibraryError("library database is from a newer version of Gleaner (schema " + std::to_string(version) + ")");
        throw LibraryError(failure + " (the library needs an upgrade, which cannot be written there)");
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys=ON");
}

LibraryStore::~LibraryStore() {
    if (db_) sqlite3_close(db_);
}

void LibraryStore::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw LibraryError("library database error: " + msg);
    }
}

int LibraryStore::schema_version() {
    Statement st(db_, "PRAGMA user_version");
    return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

void LibraryStore::write_by_id(const char* sql, int64_t id, int64_t value) {
    WriteTransaction tx(*this);
    Statement st(db_, sql);
    st.bind(1, id);
    if (st.parameters() >= 2) st.bind(2, value);
    st.step();
    tx.commit();
}

void LibraryStore::migrate() {
    int version = schema_version();
    if (version > kSchemaVersion)
        throw LibraryError("library database is from a newer version of Gleaner (schema " + std::to_string(version) + ")");
    while (version < kSchemaVersion) {
        WriteTransaction tx(*this);
        // Re-read under the write lock: another process may have migrated meanwhile.
        version = schema_version();
        if (version >= kSchemaVersion) break;
        exec(kMigrations[version]);
        exec(("PRAGMA user_version=" + std::to_string(version + 1)).c_str());
        tx.commit();
        ++version;
    }
}

namespace {
constexpr const char* kDocumentColumns =
    "id, path, content_hash, format, title, author, pages, characters, added_at, last_opened_at, reading_position";
}

static LibraryDocument read_document_row(auto& st) {
    LibraryDocument d;
    d.id = st.int64(0);
    d.path = st.text(1);
    d.content_hash = st.text(2);
    d.format = st.text(3);
    d.title = st.text(4);
    d.author = st.text(5);
    d.pages = static_cast<int>(st.int64(6));
    d.characters = st.int64(7);
    d.added_at = st.int64(8);
    d.last_opened_at = st.int64(9);
    d.reading_position = st.int64(10);
    return d;
}

int64_t LibraryStore::add_document(const LibraryDocument& doc) {
    if (doc.content_hash.empty()) throw LibraryError("library: a document needs a content hash");
    WriteTransaction tx(*this);
    Statement st(db_,
                 "INSERT INTO documents (path, content_hash, format, title, author, pages, characters, added_at, "
                 "last_opened_at, reading_position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                 "ON CONFLICT(content_hash) DO UPDATE SET path=excluded.path, format=excluded.format, "
                 "title=excluded.title, author=excluded.author, pages=excluded.pages, characters=excluded.characters");
    st.bind(1, doc.path).bind(2, doc.content_hash).bind(3, doc.format).bind(4, doc.title).bind(5, doc.author);
    st.bind(6, int64_t{doc.pages}).bind(7, doc.characters).bind(8, doc.added_at).bind(9, doc.last_opened_at);
    st.bind(10, doc.reading_position);
    st.step();
    Statement id(db_, "SELECT id FROM documents WHERE content_hash = ?1");
    id.bind(1, doc.content_hash);
    if (!id.step()) throw LibraryError("library database error: document vanished after insert");
    const int64_t result = id.int64(0);
    tx.commit();
    return result;
}

std::optional<LibraryDocument> LibraryStore::document(int64_t id) {
    Statement st(db_, (std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id = ?1").c_str());
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_document_row(st);
}

std::optional<LibraryDocument> LibraryStore::document_by_hash(const std::string& content_hash) {
    Statement st(db_, (std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE content_hash = ?1").c_str());
    st.bind(1, content_hash);
    if (!st.step()) return std::nullopt;
    return read_document_row(st);
}

std::vector<LibraryDocument> LibraryStore::documents() {
    Statement st(db_, (std::string("SELECT ") + kDocumentColumns +
                       " FROM documents ORDER BY last_opened_at DESC, added_at DESC, id DESC").c_str());
    std::vector<LibraryDocument> out;
    while (st.step()) out.push_back(read_document_row(st));
    return out;
}

void LibraryStore::remove_document(int64_t id) {
    write_by_id("DELETE FROM documents WHERE id = ?1", id);
}

void LibraryStore::mark_opened(int64_t id, int64_t when) {
    write_by_id("UPDATE documents SET last_opened_at = ?2 WHERE id = ?1", id, when);
}

void LibraryStore::set_reading_position(int64_t id, int64_t position) {
    write_by_id("UPDATE documents SET reading_position = ?2 WHERE id = ?1", id, position);
}

void LibraryStore::set_reading_state(const ReadingState& s) {
    WriteTransaction tx(*this);
    Statement st(db_,
                 "INSERT INTO reading_state (document_id, model, tokens_read, tokens_total, status, updated_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(document_id, model) DO UPDATE SET "
                 "tokens_read=excluded.tokens_read, tokens_total=excluded.tokens_total, status=excluded.status, "
                 "updated_at=excluded.updated_at");
    st.bind(1, s.document_id).bind(2, s.model).bind(3, s.tokens_read).bind(4, s.tokens_total);
    st.bind(5, to_string(s.status)).bind(6, s.updated_at);
    st.step();
    tx.commit();
}

namespace {
ReadingState read_state_row(auto& st) {
    ReadingState s;
    s.document_id = st.int64(0);
    s.model = st.text(1);
    s.tokens_read = st.int64(2);
    s.tokens_total = st.int64(3);
    s.status = reading_status_from_string(st.text(4));
    s.updated_at = st.int64(5);
    return s;
}
}  // namespace

std::optional<ReadingState> LibraryStore::reading_state(int64_t document_id, const std::string& model) {
    Statement st(db_,
                 "SELECT document_id, model, tokens_read, tokens_total, status, updated_at FROM reading_state "
                 "WHERE document_id = ?1 AND model = ?2");
    st.bind(1, document_id).bind(2, model);
    if (!st.step()) return std::nullopt;
    return read_state_row(st);
}

std::vector<ReadingState> LibraryStore::reading_states(int64_t document_id) {
    Statement st(db_,
                 "SELECT document_id, model, tokens_read, tokens_total, status, updated_at FROM reading_state "
                 "WHERE document_id = ?1 ORDER BY updated_at DESC, model");
    st.bind(1, document_id);
    std::vector<ReadingState> out;
    while (st.step()) out.push_back(read_state_row(st));
    return out;
}

int64_t LibraryStore::add_question(const QuestionRecord& q) {
    WriteTransaction tx(*this);
    Statement st(db_,
                 "INSERT INTO questions (document_id, model, method, question, answer, timings_json, evidence_json, "
                 "asked_at, follows_id, scope_begin, scope_end, scope_label) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    st.bind(1, q.document_id).bind(2, q.model).bind(3, q.method).bind(4, q.question).bind(5, q.answer);
    st.bind(6, q.timings_json.empty() ? std::string("{}") : q.timings_json);
    st.bind(7, q.evidence_json.empty() ? std::string("[]") : q.evidence_json);
    st.bind(8, q.asked_at).bind(9, q.follows_id);
    st.bind(10, static_cast<int64_t>(q.scope.begin)).bind(11, static_cast<int64_t>(q.scope.end)).bind(12, q.scope_label);
    st.step();
    const int64_t id = sqlite3_last_insert_rowid(db_);
    tx.commit();
    return id;
}

void LibraryStore::remove_question(int64_t id) {
    write_by_id("DELETE FROM questions WHERE id = ?1", id);
}

void LibraryStore::remove_questions(int64_t document_id) {
    write_by_id("DELETE FROM questions WHERE document_id = ?1", document_id);
}

std::vector<QuestionRecord> LibraryStore::questions(int64_t document_id) {
    Statement st(db_,
                 "SELECT id, document_id, model, method, question, answer, timings_json, evidence_json, asked_at, "
                 "follows_id, scope_begin, scope_end, scope_label FROM questions WHERE document_id = ?1 ORDER BY asked_at, id");
    st.bind(1, document_id);
    std::vector<QuestionRecord> out;
    while (st.step()) {
        QuestionRecord q;
        q.id = st.int64(0);
        q.document_id = st.int64(1);
        q.model = st.text(2);
        q.method = st.text(3);
        q.question = st.text(4);
        q.answer = st.text(5);
        q.timings_json = st.text(6);
        q.evidence_json = st.text(7);
        q.asked_at = st.int64(8);
        q.follows_id = st.int64(9);
        q.scope = {static_cast<size_t>(std::max<int64_t>(0, st.int64(10))), static_cast<size_t>(std::max<int64_t>(0, st.int64(11)))};
        q.scope_label = st.text(12);
        out.push_back(std::move(q));
    }
    return out;
}

void LibraryStore::check_place(int64_t document_id, int64_t begin, int64_t end, const char* what) {
    Statement st(db_, "SELECT characters FROM documents WHERE id = ?1");
    st.bind(1, document_id);
    if (!st.step())
        throw LibraryError(std::string("library: cannot add a ") + what + ": document " + std::to_string(document_id) +
                           " is not in the library");
    const int64_t characters = st.int64(0);
    const std::string place = std::to_string(begin) + (end != begin ? ".." + std::to_string(end) : std::string());
    if (begin < 0 || end < begin)
        throw LibraryError(std::string("library: cannot add a ") + what + " at " + place + ": it is reversed or negative");
    // A document recorded without its size (0) cannot be checked against it.
    if (characters > 0 && end > characters)
        throw LibraryError(std::string("library: cannot add a ") + what + " at " + place + ": the document's text ends at " +
                           std::to_string(characters));
}

void LibraryStore::set_text_by_id(const char* sql, int64_t id, const std::string& text, int64_t value) {
    WriteTransaction tx(*this);
    Statement st(db_, sql);
    st.bind(1, id).bind(2, text);
    if (st.parameters() >= 3) st.bind(3, value);
    st.step();
    if (sqlite3_changes(db_) == 0) throw LibraryError("library: no such bookmark or highlight (id " + std::to_string(id) + ")");
    tx.commit();
}

int64_t LibraryStore::add_bookmark(const BookmarkRecord& b) {
    WriteTransaction tx(*this);
    check_place(b.document_id, b.offset, b.offset, "bookmark");
    Statement st(db_,
                 "INSERT INTO bookmarks (document_id, text_offset, page, page_label, title, note, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    st.bind(1, b.document_id).bind(2, b.offset).bind(3, int64_t{b.page}).bind(4, b.page_label).bind(5, b.title);
    st.bind(6, b.note).bind(7, b.created_at);
    st.step();
    const int64_t id = sqlite3_last_insert_rowid(db_);
    tx.commit();
    return id;
}

std::vector<BookmarkRecord> LibraryStore::bookmarks(int64_t document_id) {
    Statement st(db_,
                 "SELECT id, document_id, text_offset, page, page_label, title, note, created_at FROM bookmarks "
                 "WHERE document_id = ?1 ORDER BY text_offset, id");
    st.bind(1, document_id);
    std::vector<BookmarkRecord> out;
    while (st.step()) {
        BookmarkRecord b;
        b.id = st.int64(0);
        b.document_id = st.int64(1);
        b.offset = st.int64(2);
        b.page = static_cast<int>(st.int64(3));
        b.page_label = st.text(4);
        b.title = st.text(5);
        b.note = st.text(6);
        b.created_at = st.int64(7);
        out.push_back(std::move(b));
    }
    return out;
}

void LibraryStore::set_bookmark_note(int64_t id, const std::string& note) {
    set_text_by_id("UPDATE bookmarks SET note = ?2 WHERE id = ?1", id, note);
}

void LibraryStore::set_bookmark_title(int64_t id, const std::string& title) {
    set_text_by_id("UPDATE bookmarks SET title = ?2 WHERE id = ?1", id, title);
}

void LibraryStore::remove_bookmark(int64_t id) {
    write_by_id("DELETE FROM bookmarks WHERE id = ?1", id);
}

int64_t LibraryStore::add_highlight(const HighlightRecord& h) {
    WriteTransaction tx(*this);
    const auto begin = static_cast<int64_t>(h.range.begin), end = static_cast<int64_t>(h.range.end);
    check_place(h.document_id, begin, end, "highlight");
    if (end == begin) throw LibraryError("library: cannot add a highlight at " + std::to_string(begin) + ": it is empty");
    Statement st(db_,
                 "INSERT INTO highlights (document_id, range_begin, range_end, color, note, created_at, modified_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    st.bind(1, h.document_id).bind(2, begin).bind(3, end).bind(4, h.color).bind(5, h.note).bind(6, h.created_at);
    st.bind(7, h.modified_at ? h.modified_at : h.created_at);
    st.step();
    const int64_t id = sqlite3_last_insert_rowid(db_);
    tx.commit();
    return id;
}

std::vector<HighlightRecord> LibraryStore::highlights(int64_t document_id) {
    Statement st(db_,
                 "SELECT id, document_id, range_begin, range_end, color, note, created_at, modified_at FROM highlights "
                 "WHERE document_id = ?1 ORDER BY range_begin, id");
    st.bind(1, document_id);
    std::vector<HighlightRecord> out;
    while (st.step()) {
        HighlightRecord h;
        h.id = st.int64(0);
        h.document_id = st.int64(1);
        h.range = {static_cast<size_t>(st.int64(2)), static_cast<size_t>(st.int64(3))};  // CHECKed non-negative
        h.color = st.text(4);
        h.note = st.text(5);
        h.created_at = st.int64(6);
        h.modified_at = st.int64(7);
        out.push_back(std::move(h));
    }
    return out;
}

void LibraryStore::set_highlight_note(int64_t id, const std::string& note, int64_t modified_at) {
    set_text_by_id("UPDATE highlights SET note = ?2, modified_at = ?3 WHERE id = ?1", id, note, modified_at);
}

void LibraryStore::remove_highlight(int64_t id) {
    write_by_id("DELETE FROM highlights WHERE id = ?1", id);
}

void LibraryStore::set_setting(const std::string& key, const std::string& value) {
    WriteTransaction tx(*this);
    Statement st(db_, "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    st.bind(1, key).bind(2, value);
    st.step();
    tx.commit();
}

std::optional<std::string> LibraryStore::setting(const std::string& key) {
    Statement st(db_, "SELECT value FROM settings WHERE key = ?1");
    st.bind(1, key);
    if (!st.step()) return std::nullopt;
    return st.text(0);
}

void LibraryStore::transaction(const std::function<void()>& fn) {
    WriteTransaction tx(*this);
    fn();
    tx.commit();
}

std::string LibraryStore::integrity_check() {
    Statement st(db_, "PRAGMA integrity_check");
    return st.step() ? st.text(0) : std::string("no result");
}

}  // namespace gleaner
