#pragma once
// The evidence of the selected answer as a table (page, score, passage) for the evidence panel;
// the reader reads the same passages from here to highlight them.
#include <QAbstractTableModel>

#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"

namespace gleaner::app {

class EvidenceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { PageColumn, ScoreColumn, PassageColumn, ColumnCount };
    enum Role {
        BeginRole = Qt::UserRole + 1,  // qulonglong byte offset
        EndRole,
        ScoreRole,                     // double in [0, 1]
        PageRole,                      // int, 0-based, -1 when the document has no pages
        SortRole,                      // what the column sorts by
    };

    explicit EvidenceModel(QObject* parent = nullptr);

    // scope: what the question was about ("" for the whole document; the passages lie inside it).
    void setEvidence(DocumentPtr document, std::vector<EvidencePassage> passages, const QString& method,
                     std::vector<LayerEvidence> layers = {}, const QString& scope = {});
    void clear();
    const std::vector<EvidencePassage>& passages() const { return passages_; }
    const std::vector<LayerEvidence>& layers() const { return layers_; }
    const DocumentPtr& document() const { return document_; }
    QString method() const { return method_; }
    QString scope() const { return scope_; }
    // The passage's text, whitespace simplified, cut to about `maxChars`.
    QString passageText(int row, int maxChars = 400) const;
    // "p. 12" (with the PDF's own page label when it has one), or "§ 3" (the chapter) for
    // reflowable documents.
    QString locationText(int row) const;
    // The row of the passage the answer cites as [number], -1 if none.
    int rowForCitation(int number) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    DocumentPtr document_;
    std::vector<EvidencePassage> passages_;
    std::vector<LayerEvidence> layers_;
    QString method_;
    QString scope_;
};

// How much two selections agree: the bytes both cover over the bytes either covers (0..1).
double evidenceOverlap(const std::vector<EvidencePassage>& a, const std::vector<EvidencePassage>& b);

}  // namespace gleaner::app
