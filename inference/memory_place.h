#pragma once
// Where reading memories live. A book's memories (one per model and reading settings) sit in one
// directory named by the book's identity, Document::id (the SHA-256 of its file, the library's
// key), so that removing the book from the library can remove them with it:
//
//   <cache_root>/<document id>/<text hash>-<model identity>-<settings hash>/
//
// The text hash stays in the name because the text is what was read: an importer that extracts
// a file differently gets a new memory instead of one whose offsets no longer fit. A document that
// did not come from a file (no id) is named by its text: <cache_root>/text-<text hash>/.
#include <cstdint>
#include <string>
#include <string_view>

namespace gleaner {

struct MemoryPlace {
    std::string cache_root;   // every reading memory lives under it
    std::string document_id;  // Document::id; empty: the document is named by its text
    std::string model_path;   // the model's file (named in the memory's meta file, for people)
    std::string model_id;     // model_file_identity(model_path): part of the memory's name
};

// <cache_root>/<document id or text-<hash>>. Throws std::invalid_argument for an id that is not a
// SHA-256 in hex (the id becomes a directory name: nothing else may reach the file system).
std::string document_memory_dir(const std::string& cache_root, const std::string& document_id, uint64_t text_hash);

// The memories kept for a document (every model and setting) and the bytes they take.
struct StoredMemories {
    int count = 0;
    uint64_t bytes = 0;
};
StoredMemories document_memories(const std::string& cache_root, const std::string& document_id);
// Deletes them; returns what was deleted. Throws std::runtime_error naming what could not be.
StoredMemories remove_document_memories(const std::string& cache_root, const std::string& document_id);

}  // namespace gleaner
