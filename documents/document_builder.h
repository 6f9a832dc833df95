#pragma once
// Appends blocks to a Document's canonical text while recording their ranges, so that every
// importer lays text out the same way ("\n\n" between blocks, nothing empty).
#include <string_view>

#include "document.h"

namespace gleaner {

class DocumentBuilder {
public:
    explicit DocumentBuilder(Document& doc) : doc_(doc) {}

    // Opens a block; the "\n\n" separator is written lazily on the first append, so an empty
    // block leaves no trace.
    void begin_block(BlockKind kind, int level = 0);
    // Appends to the open block (opening a paragraph if none is open).
    void append(std::string_view s);
    // Closes the open block, trimming trailing spaces/newlines. Returns its range (empty if
    // nothing was appended).
    TextRange end_block();
    bool block_open() const { return open_; }
    bool block_has_text() const { return open_ && started_; }

    // Convenience: a whole block at once.
    TextRange add_block(BlockKind kind, int level, std::string_view s);

    // Offset where the next appended character will land (after a pending separator).
    size_t next_offset() const;
    size_t size() const { return doc_.text.size(); }
    Document& doc() { return doc_; }

private:
    void start_if_needed();

    Document& doc_;
    bool open_ = false;
    bool started_ = false;
    BlockKind kind_ = BlockKind::Paragraph;
    int level_ = 0;
    size_t begin_ = 0;
};

}  // namespace gleaner
