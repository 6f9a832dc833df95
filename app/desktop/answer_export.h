#pragma once
// Questions and answers as Markdown, for the clipboard and for "Export…": the question, the
// answer, how it was produced, and the evidence with page numbers and quotes; after them, the
// reader's own bookmarks and highlights with their places and notes.
#include <QString>

#include <vector>

#include "document.h"
#include "library_store.h"

namespace gleaner::app {

QString answerToMarkdown(const QuestionRecord& record, const Document* document);
// A whole document's history, under one title heading.
QString historyToMarkdown(const QString& documentTitle, const std::vector<QuestionRecord>& records,
                          const Document* document);
// The same, followed by the document's bookmarks and highlights (annotationsToMarkdown).
QString historyToMarkdown(const QString& documentTitle, const std::vector<QuestionRecord>& records,
                          const Document* document, const std::vector<BookmarkRecord>& bookmarks,
                          const std::vector<HighlightRecord>& highlights);
// A "Bookmarks and highlights" section in the order of the text: each with its citation, the
// highlighted words quoted, and its note; empty when there are none (or no document to cite).
QString annotationsToMarkdown(const std::vector<BookmarkRecord>& bookmarks, const std::vector<HighlightRecord>& highlights,
                              const Document* document);

}  // namespace gleaner::app
