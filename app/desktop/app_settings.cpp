#include "app_settings.h"

#include <QFileInfo>

#include "answer_engine.h"
#include "device_select.h"
#include "model_paths.h"

namespace gleaner::app {

QString AppSettings::modelPath() const {
    const QString chosen = settings_.value("engine/model").toString();
    return chosen.isEmpty() ? QString::fromStdString(default_model_path()) : chosen;
}
void AppSettings::setModelPath(const QString& path) {
    if (path.isEmpty() || path == QString::fromStdString(default_model_path())) settings_.remove("engine/model");
    else settings_.setValue("engine/model", path);
}

QString AppSettings::answerModelChoice() const { return settings_.value("engine/answerModel").toString(); }

void AppSettings::setAnswerModelChoice(const QString& choice) {
    if (choice.isEmpty()) settings_.remove("engine/answerModel");
    else settings_.setValue("engine/answerModel", choice);
}

QString AppSettings::answerModelPath() const {
    return QString::fromStdString(answer_model_path(answerModelChoice().toStdString(), modelPath().toStdString()));
}

int AppSettings::threads() const { return std::max(0, settings_.value("engine/threads", 0).toInt()); }
void AppSettings::setThreads(int threads) { settings_.setValue("engine/threads", std::max(0, threads)); }

QString AppSettings::device() const {
    const QString d = settings_.value("engine/device", QStringLiteral("cpu")).toString();
    return parse_device(d.toStdString()) ? d : QStringLiteral("cpu");  // a stale or edited value
}
void AppSettings::setDevice(const QString& device) { settings_.setValue("engine/device", device); }

QString AppSettings::method() const { return settings_.value("engine/method", QString::fromLatin1(kDefaultAnswerMethod)).toString(); }
void AppSettings::setMethod(const QString& method) { settings_.setValue("engine/method", method); }

int AppSettings::maxAnswerTokens() const { return std::clamp(settings_.value("engine/maxAnswerTokens", 256).toInt(), 1, 4096); }
void AppSettings::setMaxAnswerTokens(int tokens) { settings_.setValue("engine/maxAnswerTokens", tokens); }

int AppSettings::contextTokens() const { return std::clamp(settings_.value("engine/contextTokens", 2048).toInt(), 64, 1 << 20); }
void AppSettings::setContextTokens(int tokens) { settings_.setValue("engine/contextTokens", tokens); }

std::map<std::string, std::string> AppSettings::methodSettings(const QString& method) const {
    std::map<std::string, std::string> values;
    settings_.beginGroup(QStringLiteral("methods/") + method);
    for (const QString& key : settings_.childKeys()) values[key.toStdString()] = settings_.value(key).toString().toStdString();
    settings_.endGroup();
    return values;
}

void AppSettings::setMethodSettings(const QString& method, const std::map<std::string, std::string>& values) {
    settings_.beginGroup(QStringLiteral("methods/") + method);
    settings_.remove(QString());  // the group's old keys
    for (const auto& [key, value] : values)
        if (!key.empty()) settings_.setValue(QString::fromStdString(key), QString::fromStdString(value));
    settings_.endGroup();
}

bool AppSettings::readOnOpen() const { return settings_.value("engine/readOnOpen", true).toBool(); }
void AppSettings::setReadOnOpen(bool on) { settings_.setValue("engine/readOnOpen", on); }

QString AppSettings::lastDocument() const { return settings_.value("session/lastDocument").toString(); }
void AppSettings::setLastDocument(const QString& path) { settings_.setValue("session/lastDocument", path); }

namespace {
// Settings keys group on '/', which a file name cannot hold; the rest QSettings escapes itself.
QString speedKey(const QString& modelFile) { return QStringLiteral("modelSpeed/") + QFileInfo(modelFile).fileName(); }
}  // namespace

std::optional<AppSettings::ModelSpeed> AppSettings::modelSpeed(const QString& modelFile) const {
    const QStringList v = settings_.value(speedKey(modelFile)).toStringList();
    if (v.size() != 3) return std::nullopt;
    ModelSpeed s{v[0].toDouble(), v[1].toDouble(), v[2].toInt()};
    if (!(s.prefillTokensPerSecond > 0) || !(s.decodeTokensPerSecond > 0)) return std::nullopt;  // an edited value
    return s;
}
void AppSettings::setModelSpeed(const QString& modelFile, const ModelSpeed& speed) {
    settings_.setValue(speedKey(modelFile), QStringList{QString::number(speed.prefillTokensPerSecond),
                                                        QString::number(speed.decodeTokensPerSecond),
                                                        QString::number(speed.threads)});
}

double AppSettings::readingSpeed(const QString& modelFile) const {
    const double v = settings_.value(QStringLiteral("readingSpeed/") + QFileInfo(modelFile).fileName()).toDouble();
    return v > 0 ? v : 0;
}
void AppSettings::setReadingSpeed(const QString& modelFile, double tokensPerSecond) {
    if (tokensPerSecond > 0)
        settings_.setValue(QStringLiteral("readingSpeed/") + QFileInfo(modelFile).fileName(), tokensPerSecond);
}

QString AppSettings::modelSource() const { return settings_.value("models/source").toString(); }
void AppSettings::setModelSource(const QString& folder) {
    if (folder.isEmpty()) settings_.remove("models/source");
    else settings_.setValue("models/source", folder);
}

bool AppSettings::modelOfferDeclined() const { return settings_.value("models/offerDeclined", false).toBool(); }
void AppSettings::setModelOfferDeclined(bool declined) { settings_.setValue("models/offerDeclined", declined); }

QString AppSettings::pageColours() const {
    const QString v = settings_.value("reader/pageColours", QStringLiteral("normal")).toString();
    return v == QLatin1String("night") || v == QLatin1String("sepia") ? v : QStringLiteral("normal");
}
void AppSettings::setPageColours(const QString& name) { settings_.setValue("reader/pageColours", name); }

double AppSettings::reflowTextSize() const {
    const double v = settings_.value("reader/textSize", 0.0).toDouble();
    return v >= 4 && v <= 96 ? v : 0;  // 0 (default), or an edited value out of range
}
void AppSettings::setReflowTextSize(double points) {
    if (points > 0) settings_.setValue("reader/textSize", points);
    else settings_.remove("reader/textSize");
}

int AppSettings::reflowTextWidth() const {
    const int v = settings_.value("reader/textWidth", 75).toInt();
    return v <= 0 ? 0 : std::clamp(v, 20, 400);
}
void AppSettings::setReflowTextWidth(int characters) { settings_.setValue("reader/textWidth", std::max(0, characters)); }

}  // namespace gleaner::app
