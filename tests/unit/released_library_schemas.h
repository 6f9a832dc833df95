#pragma once
// The library's SQL schemas as released, for the migration tests: a library written by an older
// Gleaner must open with every row kept. Written out, not generated from library_store.cpp,
// because they are what old files on users' disks contain.

// Release 1 (user_version 1): no questions index yet.
#define GLEANER_LIBRARY_SCHEMA_1                                                                                    \
    "CREATE TABLE documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL UNIQUE,"       \
    " format TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '',"                      \
    " pages INTEGER NOT NULL DEFAULT 0, characters INTEGER NOT NULL DEFAULT 0, added_at INTEGER NOT NULL,"         \
    " last_opened_at INTEGER NOT NULL DEFAULT 0, reading_position INTEGER NOT NULL DEFAULT 0);"                     \
    "CREATE TABLE reading_state (document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"         \
    " model TEXT NOT NULL, tokens_read INTEGER NOT NULL DEFAULT 0, tokens_total INTEGER NOT NULL DEFAULT 0,"       \
    " status TEXT NOT NULL DEFAULT 'not_started', updated_at INTEGER NOT NULL DEFAULT 0,"                          \
    " PRIMARY KEY (document_id, model));"                                                                          \
    "CREATE TABLE questions (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id)"         \
    " ON DELETE CASCADE, model TEXT NOT NULL, method TEXT NOT NULL, question TEXT NOT NULL,"                       \
    " answer TEXT NOT NULL DEFAULT '', timings_json TEXT NOT NULL DEFAULT '{}',"                                   \
    " evidence_json TEXT NOT NULL DEFAULT '[]', asked_at INTEGER NOT NULL);"                                       \
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

// Release 3 (user_version 3): release 1, the questions index, follow-ups and scopes.
#define GLEANER_LIBRARY_SCHEMA_3                                                                                    \
    GLEANER_LIBRARY_SCHEMA_1                                                                                       \
    "CREATE INDEX questions_by_document ON questions(document_id, asked_at);"                                     \
    "ALTER TABLE questions ADD COLUMN follows_id INTEGER NOT NULL DEFAULT 0;"                                      \
    "ALTER TABLE questions ADD COLUMN scope_begin INTEGER NOT NULL DEFAULT 0;"                                     \
    "ALTER TABLE questions ADD COLUMN scope_end INTEGER NOT NULL DEFAULT 0;"                                       \
    "ALTER TABLE questions ADD COLUMN scope_label TEXT NOT NULL DEFAULT '';"
