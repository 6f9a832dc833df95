#include "model_paths.h"

#include <cstdlib>
#include <filesystem>

namespace gleaner {

namespace {
std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : std::string();
}

std::string xdg_dir(const char* var, const char* home_suffix) {
    std::string base = env_or_empty(var);
    if (base.empty()) base = env_or_empty("HOME") + home_suffix;
    return base + "/gleaner";
}
}  // namespace

std::string data_dir() { return xdg_dir("XDG_DATA_HOME", "/.local/share"); }
std::string cache_dir() { return xdg_dir("XDG_CACHE_HOME", "/.cache"); }
std::string reading_memory_root() { return cache_dir() + "/memory"; }
std::string ocr_layer_root() { return data_dir() + "/ocr"; }

std::string library_path() {
    std::string p = env_or_empty("GLEANER_LIBRARY");
    return p.empty() ? data_dir() + "/library.sqlite3" : p;
}

std::string models_dir() {
    std::string dir = env_or_empty("GLEANER_MODELS_DIR");
    return dir.empty() ? data_dir() + "/models" : dir;
}

std::string default_model_path() {
    std::string m = env_or_empty("GLEANER_MODEL");
    return m.empty() ? models_dir() + "/" + kDefaultModelFile : m;
}

std::string default_answer_model_path(const std::string& reading_model_path) {
    const std::string chosen = env_or_empty("GLEANER_ANSWER_MODEL");
    if (!chosen.empty()) return chosen == kNoAnswerModel ? std::string() : chosen;
    namespace fs = std::filesystem;
    if (fs::path(reading_model_path).filename() != kDefaultModelFile) return {};
    const std::string answer = models_dir() + "/" + kDefaultAnswerModelFile;
    std::error_code ec;
    return fs::is_regular_file(answer, ec) ? answer : std::string();
}

std::string answer_model_path(const std::string& choice, const std::string& reading_model_path) {
    if (choice.empty()) return default_answer_model_path(reading_model_path);
    return choice == kNoAnswerModel ? std::string() : choice;
}

std::string missing_model_hint(const std::string& path) {
    return "model file '" + path + "' not found; download the default model in the desktop program "
           "(Settings > Manage models) or with `gleaner-cli models download` (installer/fetch-models.sh fetches "
           "all the test models), or pass --model FILE.gguf";
}

}  // namespace gleaner
