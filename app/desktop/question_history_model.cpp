#include "question_history_model.h"

#include <QDateTime>

#include "answer_engine.h"
#include "evidence_json.h"
#include "method_registry.h"

namespace gleaner::app {

QuestionHistoryModel::QuestionHistoryModel(QObject* parent) : QAbstractListModel(parent) {}

void QuestionHistoryModel::setRecords(std::vector<QuestionRecord> records) {
    beginResetModel();
    records_ = std::move(records);
    evidence_.clear();
    for (const QuestionRecord& r : records_)
        evidence_.push_back({evidenceFromJson(r.evidence_json), layersFromJson(r.evidence_json)});
    endResetModel();
}

void QuestionHistoryModel::append(const QuestionRecord& record, std::vector<EvidencePassage> evidence,
                                  std::vector<LayerEvidence> layers) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    records_.push_back(record);
    evidence_.push_back({std::move(evidence), std::move(layers)});
    endInsertRows();
}

const std::vector<EvidencePassage>& QuestionHistoryModel::evidence(int row) const {
    static const std::vector<EvidencePassage> none;
    return row >= 0 && row < rowCount() ? evidence_[size_t(row)].passages : none;
}

const std::vector<LayerEvidence>& QuestionHistoryModel::layers(int row) const {
    static const std::vector<LayerEvidence> none;
    return row >= 0 && row < rowCount() ? evidence_[size_t(row)].layers : none;
}

void QuestionHistoryModel::remove(int row) {
    if (row < 0 || row >= rowCount()) return;
    beginRemoveRows({}, row, row);
    records_.erase(records_.begin() + row);
    evidence_.erase(evidence_.begin() + row);
    endRemoveRows();
}

int QuestionHistoryModel::rowOfId(int64_t id) const {
    for (size_t i = 0; i < records_.size(); ++i)
        if (records_[i].id == id && id > 0) return static_cast<int>(i);
    return -1;
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
            // An answer stopped by the user is marked: it may end mid-sentence.
            const bool stopped = r->timings_json.find("\"stopped\":true") != std::string::npos;
            QString line = (stopped ? tr("%1 — %2 (stopped)") : tr("%1 — %2"))
                               .arg(QString::fromStdString(r->question).simplified(), method);
            // What it was about, and that it continued a conversation.
            if (!r->scope_label.empty()) line = tr("[%1] %2").arg(QString::fromStdString(r->scope_label), line);
            if (r->follows_id > 0) line = QStringLiteral("↳ ") + line;
            return line;
        }
        case ScopeRole: return QString::fromStdString(r->scope_label);
        case FollowsRole: return QVariant::fromValue<qint64>(r->follows_id);
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
