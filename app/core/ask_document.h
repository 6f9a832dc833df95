#pragma once
// What the Asker needs of an imported Document: its text, and the ranges no selection may take
// (the front and back matter the importer marked: a Gutenberg header, a licence). One place for
// every front end that asks (gleaner-cli ask, the desktop engine).
#include "asker.h"
#include "document.h"

namespace gleaner {

inline AskDocument ask_document(const Document& doc) {
    AskDocument a;
    a.id = doc.id;
    a.text = doc.text;
    for (const TextRange& m : {doc.front_matter, doc.back_matter})
        if (m.end > m.begin) a.skip.push_back({static_cast<int64_t>(m.begin), static_cast<int64_t>(m.end)});
    return a;
}

}  // namespace gleaner
