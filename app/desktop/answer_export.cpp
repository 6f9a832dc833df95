#include "answer_export.h"

#include <QDateTime>

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
}  // namespace

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
