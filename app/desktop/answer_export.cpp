#include "answer_export.h"

#include <QDateTime>

#include <algorithm>

#include "document_scope.h"
#include "evidence_json.h"

namespace gleaner::app {

namespace {
// One Markdown blockquote line: no line breaks, Markdown's active characters at line start kept
// harmless by the "> " prefix.
QString quote(const Document& doc, const EvidencePassage& p, int maxChars) {
    const size_t cap = std::min(p.end, p.begin + size_t(maxChars) * 4 + 16);
    QString text = QString::fromUtf8(doc.text.data() + p.begin, qsizetype(cap - p.begin)).simplified();
    if (text.size() > maxChars || cap < p.end) text = text.left(maxChars).trimmed() + QStringLiteral("…");
    return text;
}

// A note as Markdown lines under a list item (its own line breaks kept, indented into the item).
QString noteLines(const std::string& note) {
    QString text = QString::fromStdString(note).trimmed();
    text.replace(QLatin1Char('\n'), QStringLiteral("\n   "));
    return QStringLiteral("   Note: %1\n").arg(text);
}
}  // namespace

QString annotationsToMarkdown(const std::vector<BookmarkRecord>& bookmarks, const std::vector<HighlightRecord>& highlights,
                              const Document* doc) {
    if (!doc || (bookmarks.empty() && highlights.empty())) return {};
    // One list in the order of the text, a bookmark before a highlight at the same place.
    struct Item {
        size_t at;
        const BookmarkRecord* bookmark;
        const HighlightRecord* highlight;
    };
    std::vector<Item> items;
    for (const BookmarkRecord& b : bookmarks) items.push_back({size_t(std::max<int64_t>(0, b.offset)), &b, nullptr});
    for (const HighlightRecord& h : highlights)
        if (h.range.end <= doc->text.size()) items.push_back({h.range.begin, nullptr, &h});
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.at < b.at; });
    QString md = QStringLiteral("## Bookmarks and highlights\n\n");
    int n = 0;
    for (const Item& it : items) {
        if (it.bookmark) {
            const BookmarkRecord& b = *it.bookmark;
            const std::string where = b.page >= 0 ? "p. " + page_name(*doc, b.page) : citation(*doc, it.at);
            md += QStringLiteral("%1. **Bookmark**, %2").arg(++n).arg(QString::fromStdString(where));
            if (!b.title.empty()) md += QStringLiteral(": %1").arg(QString::fromStdString(b.title).simplified());
            md += QLatin1Char('\n');
            if (!b.note.empty()) md += noteLines(b.note);
        } else {
            const HighlightRecord& h = *it.highlight;
            EvidencePassage words;
            static_cast<TextRange&>(words) = h.range;
            md += QStringLiteral("%1. **Highlight**, %2\n   > %3\n")
                      .arg(++n)
                      .arg(QString::fromStdString(citation(*doc, h.range.begin)))
                      .arg(quote(*doc, words, 400));
            if (!h.note.empty()) md += noteLines(h.note);
        }
    }
    return md;
}

QString answerToMarkdown(const QuestionRecord& r, const Document* doc) {
    QString md;
    md += QStringLiteral("## %1\n\n").arg(QString::fromStdString(r.question).simplified());
    md += QString::fromStdString(r.answer).trimmed() + QStringLiteral("\n\n");
    QString meta = QStringLiteral("%1 · %2 · %3")
                       .arg(QString::fromStdString(r.method), QString::fromStdString(r.model),
                            QDateTime::fromSecsSinceEpoch(r.asked_at).toString(Qt::ISODate));
    // what the question was about, and that it continued the questions before it
    if (!r.scope_label.empty()) meta += QStringLiteral(" · about ") + QString::fromStdString(r.scope_label);
    if (r.follows_id > 0) meta += QStringLiteral(" · a follow-up");
    md += QStringLiteral("*%1*\n").arg(meta);
    const std::vector<EvidencePassage> evidence = evidenceFromJson(r.evidence_json);
    if (doc && !evidence.empty()) {
        md += QStringLiteral("\n### Evidence\n\n");
        int n = 0;
        for (const EvidencePassage& p : evidence) {
            if (p.end > doc->text.size()) continue;
            const QString where = QString::fromStdString(citation(*doc, p.begin));
            md += QStringLiteral("%1. %2, score %3\n   > %4\n")
                      .arg(++n)
                      .arg(where)
                      .arg(double(p.score), 0, 'f', 2)
                      .arg(quote(*doc, p, 400));
        }
    }
    return md;
}

QString historyToMarkdown(const QString& title, const std::vector<QuestionRecord>& records, const Document* doc) {
    QString md = QStringLiteral("# %1\n\n").arg(title);
    for (const QuestionRecord& r : records) md += answerToMarkdown(r, doc) + QStringLiteral("\n");
    return md;
}

}  // namespace gleaner::app

namespace gleaner::app {

QString historyToMarkdown(const QString& title, const std::vector<QuestionRecord>& records, const Document* doc,
                          const std::vector<BookmarkRecord>& bookmarks, const std::vector<HighlightRecord>& highlights) {
    QString md = historyToMarkdown(title, records, doc);
    const QString marks = annotationsToMarkdown(bookmarks, highlights, doc);
    if (!marks.isEmpty()) md += QStringLiteral("\n") + marks;
    return md;
}

}  // namespace gleaner::app
