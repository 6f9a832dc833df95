#include "evidence_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace gleaner::app {

namespace {
QJsonObject toJson(const EvidencePassage& p) {
    QJsonObject o;
    o["begin"] = static_cast<qint64>(p.begin);
    o["end"] = static_cast<qint64>(p.end);
    o["score"] = static_cast<double>(p.score);
    o["page"] = p.page;
    if (p.attention >= 0) o["attention"] = static_cast<double>(p.attention);
    if (p.lexical >= 0) o["lexical"] = static_cast<double>(p.lexical);
    if (p.second_look >= 0) o["second_look"] = static_cast<double>(p.second_look);
    if (!p.cites.empty()) {
        QJsonArray c;
        for (int32_t n : p.cites) c.append(n);
        o["cites"] = c;
    }
    return o;
}

// Calls fn(layer or -1, passage) for every well-formed entry.
template <typename Fn>
void forEachEntry(const std::string& json, Fn fn) {
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    if (!doc.isArray()) return;
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject o = v.toObject();
        const qint64 begin = o["begin"].toInteger(-1), end = o["end"].toInteger(-1);
        if (begin < 0 || end <= begin) continue;
        EvidencePassage p;
        p.begin = static_cast<size_t>(begin);
        p.end = static_cast<size_t>(end);
        p.score = static_cast<float>(o["score"].toDouble());
        p.page = o["page"].toInt(-1);
        p.attention = static_cast<float>(o["attention"].toDouble(-1));
        p.lexical = static_cast<float>(o["lexical"].toDouble(-1));
        p.second_look = static_cast<float>(o["second_look"].toDouble(-1));
        for (const QJsonValue& c : o["cites"].toArray()) p.cites.push_back(c.toInt());
        fn(o.contains("layer") ? o["layer"].toInt(-1) : -1, p);
    }
}
}  // namespace

std::string evidenceToJson(const std::vector<EvidencePassage>& passages, const std::vector<LayerEvidence>& layers) {
    QJsonArray array;
    for (const EvidencePassage& p : passages) array.append(toJson(p));
    for (const LayerEvidence& l : layers)
        for (const EvidencePassage& p : l.passages) {
            QJsonObject o = toJson(p);
            o["layer"] = l.layer;
            array.append(o);
        }
    return QJsonDocument(array).toJson(QJsonDocument::Compact).toStdString();
}

std::vector<EvidencePassage> evidenceFromJson(const std::string& json) {
    std::vector<EvidencePassage> out;
    forEachEntry(json, [&](int layer, const EvidencePassage& p) {
        if (layer < 0) out.push_back(p);
    });
    return out;
}

std::vector<LayerEvidence> layersFromJson(const std::string& json) {
    std::map<int, std::vector<EvidencePassage>> by_layer;
    forEachEntry(json, [&](int layer, const EvidencePassage& p) {
        if (layer >= 0) by_layer[layer].push_back(p);
    });
    std::vector<LayerEvidence> out;
    for (auto& [layer, passages] : by_layer) out.push_back({layer, std::move(passages)});
    return out;
}

double readFractionOf(const std::string& timings_json) {
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(timings_json)).object();
    return std::clamp(o.value("read_fraction").toDouble(1.0), 0.0, 1.0);
}

std::string timingsToJson(const Answer& a) {
    QJsonObject o;
    o["prompt_tokens"] = a.prompt_tokens;
    o["selected_tokens"] = a.selected_tokens;
    o["read_s"] = a.read_s;
    o["generated_tokens"] = a.generated_tokens;
    o["prompt_s"] = a.prompt_s;
    o["decode_s"] = a.decode_s;
    if (a.cancelled) o["stopped"] = true;
    if (a.read_fraction < 1.0) o["read_fraction"] = a.read_fraction;  // answered before the reading finished
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

}  // namespace gleaner::app
