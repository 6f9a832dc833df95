#pragma once
// How an opened document travels between threads: immutable and shared. The loader builds it on
// a pool thread, the views, the search and the inference worker read it concurrently; nobody
// writes to it after import, so sharing needs no lock.
#include <QMetaType>
#include <QString>

#include <memory>

#include "document.h"
#include "text_index.h"

namespace gleaner::app {

using DocumentPtr = std::shared_ptr<const Document>;

// An imported document with what the views need beside it.
struct LoadedDocument {
    QString path;          // as the user named it (absolute)
    QString password;      // the PDF password that opened it, or empty
    DocumentPtr document;
    std::shared_ptr<const TextIndex> index;
    int64_t libraryId = 0; // set once the library has recorded it
};

}  // namespace gleaner::app

Q_DECLARE_METATYPE(gleaner::app::DocumentPtr)
Q_DECLARE_METATYPE(gleaner::app::LoadedDocument)
