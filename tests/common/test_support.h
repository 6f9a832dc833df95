#pragma once
// Paths the test suites share. Models are installed by installer/fetch-models.sh (CI runs it).
#include <QFileInfo>
#include <QString>
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace gleaner::test {

inline QString dataDir() { return QStringLiteral(GLEANER_TEST_DATA_DIR); }
inline QString dataFile(const QString& rel) { return dataDir() + "/" + rel; }
inline QString sourceFile(const QString& rel) { return QStringLiteral(GLEANER_SOURCE_DIR) + "/" + rel; }
inline QString binDir() { return QStringLiteral(GLEANER_BIN_DIR); }

inline QString modelsDir() {
    if (const char* d = std::getenv("GLEANER_MODELS_DIR"); d && *d) return QString::fromLocal8Bit(d);
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const QString base = xdg && *xdg ? QString::fromLocal8Bit(xdg)
                                     : QString::fromLocal8Bit(std::getenv("HOME")) + "/.local/share";
    return base + "/gleaner/models";
}

// A whole file's bytes (empty when it cannot be read).
inline std::string fileBytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline QString smollm2Path() { return modelsDir() + "/SmolLM2-135M-Instruct.Q4_1.gguf"; }
inline QString gemma3Path() { return modelsDir() + "/gemma-3-270m-q4_k_m.gguf"; }
// The shipped default model (app/core/model_paths.h).
inline QString qwen05Path() { return modelsDir() + "/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"; }
// The default answer model: answers from what the default model selects (app/core/model_paths.h).
inline QString qwen15Path() { return modelsDir() + "/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"; }

}  // namespace gleaner::test

// Fails the current test with setup instructions when a model file is missing.
#define GLEANER_REQUIRE_MODEL(path)                                                                \
    do {                                                                                           \
        if (!QFileInfo::exists(path))                                                              \
            QFAIL(qPrintable("model missing: " + (path) + " (run installer/fetch-models.sh)"));     \
    } while (0)
