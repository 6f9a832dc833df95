#pragma once
// The desktop program's preferences, persisted with QSettings (~/.config/Gleaner/Gleaner.conf).
// Window geometry and dock layout are saved by the main window itself; this is what the
// settings dialog edits and what the engine is started with.
#include <QSettings>
#include <QString>

#include <map>
#include <optional>
#include <string>

namespace gleaner::app {

class AppSettings {
public:
    AppSettings() = default;

    // The GGUF model; the installed default model when none was chosen.
    QString modelPath() const;
    void setModelPath(const QString& path);  // empty: back to the default

    // A second GGUF that reads the passages Gleaner selects and answers (a larger model answers
    // better; the reading model still reads the book). The choice: empty = the default (the
    // installed Qwen2.5-Coder-1.5B when the default model reads; model_paths.h), "none" = the
    // reading model answers itself, else a file.
    QString answerModelChoice() const;
    void setAnswerModelChoice(const QString& choice);
    // The choice resolved for the current model: the file that answers, empty when the model
    // answers itself.
    QString answerModelPath() const;

    int threads() const;  // 0: all cores
    void setThreads(int threads);

    // The compute device: "cpu" (default), "auto", "cuda" or "cuda:N" (kernels/device_select.h).
    // Where CUDA is asked for and there is none, the engine runs on the CPU.
    QString device() const;
    void setDevice(const QString& device);

    QString method() const;  // answer method id ("excerpt", "qllm", ...)
    void setMethod(const QString& method);

    int maxAnswerTokens() const;
    void setMaxAnswerTokens(int tokens);

    // Tokens of the book the excerpt method puts in the prompt.
    int contextTokens() const;
    void setContextTokens(int tokens);

    // Method parameters (n_local, topk, ...), by method.
    std::map<std::string, std::string> methodSettings(const QString& method) const;
    void setMethodSettings(const QString& method, const std::map<std::string, std::string>& values);

    // Start reading a document with the model when it is opened.
    bool readOnOpen() const;
    void setReadOnOpen(bool on);

    // The document that was open at exit, reopened on the next start.
    QString lastDocument() const;
    void setLastDocument(const QString& path);

    // A model's speed on this machine, as the model manager measured it (by file name: the
    // manager lists the models folder, where names are unique). Empty until measured.
    struct ModelSpeed {
        double prefillTokensPerSecond = 0;
        double decodeTokensPerSecond = 0;
        int threads = 0;
    };
    std::optional<ModelSpeed> modelSpeed(const QString& modelFile) const;
    void setModelSpeed(const QString& modelFile, const ModelSpeed& speed);
    // How fast the background reading went with a model (tokens/s), the last time it read: what
    // the method selector's estimates use while the model manager has not measured the model.
    // 0 until a reading has run.
    double readingSpeed(const QString& modelFile) const;
    void setReadingSpeed(const QString& modelFile, double tokensPerSecond);

    // Where the model manager downloads from: empty for PyPI, else a folder of wheels (offline).
    QString modelSource() const;
    void setModelSource(const QString& folder);

    // The user said no to downloading the default model at the first start: not asked again
    // (the model manager in Settings still offers it).
    bool modelOfferDeclined() const;
    void setModelOfferDeclined(bool declined);

    // The reader's view settings, saved as soon as they change.
    // Page colours: "normal", "night" or "sepia" (pdf_page_renderer.h, PageColours).
    QString pageColours() const;
    void setPageColours(const QString& name);
    // The reflowed text's type size in points; 0: the default for the screen's font.
    double reflowTextSize() const;
    void setReflowTextSize(double points);
    // The reflowed text's column: at most this many characters a line; 0: the view's full width.
    int reflowTextWidth() const;
    void setReflowTextWidth(int characters);

private:
    mutable QSettings settings_;
};

}  // namespace gleaner::app
