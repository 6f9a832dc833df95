#include "model_paths.h"

#include <cstdlib>

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

std::string missing_model_hint(const std::string& path) {
    return "model file '" + path + "' not found; download the default model in the desktop program "
           "(Settings > Manage models) or with `gleaner-cli models download` (installer/fetch-models.sh fetches "
           "all the test models), or pass --model FILE.gguf";
}

}  // namespace gleaner
