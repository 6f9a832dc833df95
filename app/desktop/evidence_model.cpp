#include "evidence_model.h"

#include <algorithm>

#include "document_scope.h"

namespace gleaner::app {

EvidenceModel::EvidenceModel(QObject* parent) : QAbstractTableModel(parent) {}

void EvidenceModel::setEvidence(DocumentPtr document, std::vector<EvidencePassage> passages, const QString& method,
                                std::vector<LayerEvidence> layers, const QString& scope) {
    beginResetModel();
    scope_ = scope;
    document_ = std::move(document);
    passages_.clear();
    layers_.clear();
    // Keep only spans inside this document's text (records may come from an older import).
    auto fits = [this](const EvidencePassage& p) { return document_ && p.end <= document_->text.size() && p.begin < p.end; };
    for (const EvidencePassage& p : passages)
        if (fits(p)) passages_.push_back(p);
    for (LayerEvidence& l : layers) {
        std::erase_if(l.passages, [&](const EvidencePassage& p) { return !fits(p); });
        if (!l.passages.empty()) layers_.push_back(std::move(l));
    }
    method_ = method;
    endResetModel();
}

void EvidenceModel::clear() { setEvidence(nullptr, {}, {}); }

namespace {
// The byte ranges a selection covers, merged and sorted.
std::vector<TextRange> coverage(std::vector<EvidencePassage> ps) {
    std::sort(ps.begin(), ps.end(), [](const EvidencePassage& x, const EvidencePassage& y) { return x.begin < y.begin; });
    std::vector<TextRange> out;
    for (const EvidencePassage& p : ps) {
        if (!out.empty() && p.begin <= out.back().end) out.back().end = std::max(out.back().end, p.end);
        else out.push_back({p.begin, p.end});
    }
    return out;
}
size_t covered(const std::vector<TextRange>& rs) {
    size_t n = 0;
    for (const TextRange& r : rs) n += r.size();
    return n;
}
}  // namespace

double evidenceOverlap(const std::vector<EvidencePassage>& a, const std::vector<EvidencePassage>& b) {
    const std::vector<TextRange> ca = coverage(a), cb = coverage(b);
    size_t both = 0;
    for (size_t i = 0, j = 0; i < ca.size() && j < cb.size();) {
        const size_t lo = std::max(ca[i].begin, cb[j].begin), hi = std::min(ca[i].end, cb[j].end);
        if (hi > lo) both += hi - lo;
        if (ca[i].end < cb[j].end) ++i;
        else ++j;
    }
    const size_t either = covered(ca) + covered(cb) - both;
    return either > 0 ? double(both) / double(either) : 0.0;
}

QString EvidenceModel::passageText(int row, int maxChars) const {
    if (row < 0 || row >= rowCount() || !document_) return {};
    const EvidencePassage& p = passages_[size_t(row)];
    // Cut in bytes first (a passage can be a whole chapter), then in characters.
    const size_t cap = std::min(p.end, p.begin + size_t(maxChars) * 4 + 16);
    QString text = QString::fromUtf8(document_->text.data() + p.begin, qsizetype(cap - p.begin)).simplified();
    if (text.size() > maxChars || cap < p.end) text = text.left(maxChars).trimmed() + QStringLiteral("…");
    return text;
}

QString EvidenceModel::locationText(int row) const {
    if (row < 0 || row >= rowCount() || !document_) return {};
    return QString::fromStdString(citation(*document_, passages_[size_t(row)].begin));
}

int EvidenceModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(passages_.size()); }
int EvidenceModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {
// "[1][2] ": the numbers the answer cites the passage by.
QString citesText(const EvidencePassage& p) {
    QString s;
    for (int32_t c : p.cites) s += QString("[%1]").arg(c);
    return s.isEmpty() ? s : s + " ";
}

// Which signals selected the passage and how strongly, where the method says.
QString signalsText(const EvidencePassage& p) {
    QStringList parts;
    if (p.attention >= 0) parts << QString("the model's attention %1").arg(double(p.attention), 0, 'f', 2);
    if (p.lexical >= 0) parts << QString("the question's words %1").arg(double(p.lexical), 0, 'f', 2);
    if (p.second_look >= 0) parts << QString("the model's second look %1").arg(double(p.second_look), 0, 'f', 2);
    return parts.isEmpty() ? QString() : "Selected by " + parts.join(", ") + "\n\n";
}
}  // namespace

int EvidenceModel::rowForCitation(int number) const {
    for (size_t r = 0; r < passages_.size(); ++r)
        for (int32_t c : passages_[r].cites)
            if (c == number) return static_cast<int>(r);
    return -1;
}

QVariant EvidenceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const EvidencePassage& p = passages_[size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case PageColumn: return locationText(index.row());
                case ScoreColumn: return QString::number(p.score, 'f', 2);
                case PassageColumn: return citesText(p) + passageText(index.row(), 160);
            }
            return {};
        case Qt::ToolTipRole: return signalsText(p) + passageText(index.row(), 1200);
        case Qt::TextAlignmentRole:
            return index.column() == PassageColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case BeginRole: return QVariant::fromValue<qulonglong>(p.begin);
        case EndRole: return QVariant::fromValue<qulonglong>(p.end);
        case ScoreRole: return double(p.score);
        case PageRole: return p.page;
        case SortRole:
            switch (index.column()) {
                case PageColumn: return QVariant::fromValue<qulonglong>(p.begin);
                case ScoreColumn: return double(p.score);
                default: return passageText(index.row(), 80);
            }
        default: return {};
    }
}

QVariant EvidenceModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case PageColumn: return tr("Where");
        case ScoreColumn: return tr("Score");
        case PassageColumn: return tr("Passage");
    }
    return {};
}

}  // namespace gleaner::app
