#include "question_history_model.h"

#include <QDateTime>

#include "answer_engine.h"
#include "method_registry.h"

namespace gleaner::app {

QuestionHistoryModel::QuestionHistoryModel(QObject* parent) : QAbstractListModel(parent) {}

void QuestionHistoryModel::setRecords(std::vector<QuestionRecord> records) {
    beginResetModel();
    records_ = std::move(records);
    endResetModel();
}

void QuestionHistoryModel::append(const QuestionRecord& record) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    records_.push_back(record);
    endInsertRows();
}

const QuestionRecord* QuestionHistoryModel::record(int row) const {
    return row >= 0 && row < rowCount() ? &records_[size_t(row)] : nullptr;
}

int QuestionHistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(records_.size()); }

QVariant QuestionHistoryModel::data(const QModelIndex& index, int role) const {
    const QuestionRecord* r = record(index.row());
    if (!r || !index.isValid()) return {};
    switch (role) {
        case Qt::DisplayRole: {
            // The method beside the question: the same question is often asked with several.
            const MethodEntry* m = find_method(r->method);
            const QString method = m ? QString::fromStdString(m->display_name) : QString::fromStdString(r->method);
            return tr("%1 — %2").arg(QString::fromStdString(r->question).simplified(), method);
        }
        case QuestionRole: return QString::fromStdString(r->question);
        case Qt::ToolTipRole:
            return tr("%1 · %2 · %3")
                .arg(QString::fromStdString(r->method), QString::fromStdString(r->model),
                     QDateTime::fromSecsSinceEpoch(r->asked_at).toString(Qt::TextDate));
        case AnswerRole: return QString::fromStdString(r->answer);
        case MethodRole: return QString::fromStdString(r->method);
        case ModelRole: return QString::fromStdString(r->model);
        case AskedAtRole: return QDateTime::fromSecsSinceEpoch(r->asked_at);
        case IdRole: return QVariant::fromValue<qint64>(r->id);
        default: return {};
    }
}

}  // namespace gleaner::app
