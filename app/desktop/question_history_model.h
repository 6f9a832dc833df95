#pragma once
// The questions asked about the open document, oldest first, from the library store.
#include <QAbstractListModel>

#include <vector>

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
    };

    explicit QuestionHistoryModel(QObject* parent = nullptr);
    void setRecords(std::vector<QuestionRecord> records);
    void append(const QuestionRecord& record);
    const QuestionRecord* record(int row) const;
    const std::vector<QuestionRecord>& records() const { return records_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    std::vector<QuestionRecord> records_;
};

}  // namespace gleaner::app
