#pragma once
// What the Asker needs of an imported Document: its text, and the ranges no selection may take
// (the front and back matter the importer marked: a Gutenberg header, a licence; the printed
// contents list, whose chapter titles match questions about the chapters; and a book's
// index, whose lines are the question's words without their sentences: "Steamboat Willie, 21-23,
// 309n" outranks the page that names its maker). One place for every front end that asks
// (gleaner-cli ask, the desktop engine).
#include <algorithm>
#include <string>

#include "asker.h"
#include "document.h"
#include "text_util.h"

namespace gleaner {

// The book's index: a top-level contents entry titled "Index" (any case, "General Index" too),
// up to the next top-level entry that starts later in the text, or the end.
inline TextRange index_range(const Document& doc) {
    int top = 99;
    for (const TocEntry& e : doc.toc) top = std::min(top, e.level);
    for (size_t i = 0; i < doc.toc.size(); ++i) {
        const TocEntry& e = doc.toc[i];
        const std::string t = to_lower_ascii(e.title);
        if (e.level != top || (t != "index" && t != "general index") || e.offset == 0 || e.offset >= doc.text.size())
            continue;
        size_t end = doc.text.size();
        for (size_t j = i + 1; j < doc.toc.size(); ++j)
            if (doc.toc[j].level == top && doc.toc[j].offset > e.offset) {
                end = std::min(end, doc.toc[j].offset);
                break;
            }
        return {e.offset, end};
    }
    return {};
}

inline AskDocument ask_document(const Document& doc) {
    AskDocument a;
    a.id = doc.id;
    a.text = doc.text;
    for (const TextRange& m : {doc.front_matter, doc.back_matter, doc.contents, index_range(doc)})
        if (m.end > m.begin) a.skip.push_back({static_cast<int64_t>(m.begin), static_cast<int64_t>(m.end)});
    for (const TocEntry& e : doc.toc)
        if (e.offset > 0 && e.offset < doc.text.size()) a.breaks.push_back(static_cast<int64_t>(e.offset));
    std::sort(a.breaks.begin(), a.breaks.end());
    a.breaks.erase(std::unique(a.breaks.begin(), a.breaks.end()), a.breaks.end());
    return a;
}

}  // namespace gleaner
