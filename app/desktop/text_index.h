#pragma once
// The canonical text as Qt sees it (UTF-16), with the map back to the UTF-8 byte offsets that
// Document, evidence and the library speak. Built once per opened document, off the GUI thread,
// so searching and mapping offsets to text positions never re-decodes the book.
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

#include "document.h"

namespace gleaner::app {

class TextIndex {
public:
    explicit TextIndex(const std::string& utf8);

    const QString& text() const { return text_; }
    qsizetype size() const { return text_.size(); }

    // UTF-16 index of the character that holds byte `offset` (text().size() past the end).
    qsizetype unitOfByte(size_t offset) const;
    // Byte offset where UTF-16 unit `unit` starts (the text's byte size past the end).
    size_t byteOfUnit(qsizetype unit) const;

    // Every occurrence of `needle` in text order, as byte ranges; at most `limit` of them.
    std::vector<TextRange> findAll(const QString& needle, Qt::CaseSensitivity cs,
                                   size_t limit = 10000) const;

private:
    QString text_;
    std::vector<uint32_t> byte_of_unit_;  // text_.size() + 1 entries, ascending
};

}  // namespace gleaner::app
