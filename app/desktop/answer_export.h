#pragma once
// Questions and answers as Markdown, for the clipboard and for "Export…": the question, the
// answer, how it was produced, and the evidence with page numbers and quotes.
#include <QString>

#include <vector>

#include "document.h"
#include "library_store.h"

namespace gleaner::app {

QString answerToMarkdown(const QuestionRecord& record, const Document* document);
// A whole document's history, under one title heading.
QString historyToMarkdown(const QString& documentTitle, const std::vector<QuestionRecord>& records,
                          const Document* document);

}  // namespace gleaner::app
