#pragma once
// The questions asked about the open document, oldest first, from the library store. Each
// answer's evidence is kept here as passages, ready to draw: parsed once when the history is
// loaded, and for a new answer taken as the engine gave it (the stored JSON is for the library,
// not a step on the way to the reader).
#include <QAbstractListModel>

#include <vector>

#include "answer_engine.h"
#include "library_store.h"

namespace gleaner::app {

class QuestionHistoryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        QuestionRole = Qt::UserRole + 1,
        AnswerRole,
        MethodRole,
        ModelRole,
        AskedAtRole,  // QDateTime
        IdRole,
        ScopeRole,    // what the question was about ("" for the whole document)
        FollowsRole,  // the id of the answer it follows up (0: none)
    };

    explicit QuestionHistoryModel(QObject* parent = nullptr);
    void setRecords(std::vector<QuestionRecord> records);
    // A new answer: its record (as stored) and its evidence as the engine gave it.
    void append(const QuestionRecord& record, std::vector<EvidencePassage> evidence, std::vector<LayerEvidence> layers);
    void remove(int row);
    const QuestionRecord* record(int row) const;
    int rowOfId(int64_t id) const;  // -1 when no row has it
    const std::vector<QuestionRecord>& records() const { return records_; }
    // The evidence of the answer in `row` (empty for a row that does not exist).
    const std::vector<EvidencePassage>& evidence(int row) const;
    const std::vector<LayerEvidence>& layers(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    struct Evidence {
        std::vector<EvidencePassage> passages;
        std::vector<LayerEvidence> layers;
    };
    std::vector<QuestionRecord> records_;
    std::vector<Evidence> evidence_;  // one per record
};

}  // namespace gleaner::app
