#include "cli/method_args.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/args.h"
#include "import.h"
#include "method_registry.h"
#include "model_paths.h"

namespace gleaner::cli {

namespace {
// Every setting of every registered method, once: methods share keys (k, n_local, ...) and the
// command line gives one value to whichever method runs.
std::vector<MethodSetting> every_setting() {
    std::vector<MethodSetting> all;
    for (const MethodEntry& m : method_registry())
        for (const MethodSetting& s : m.settings) {
            const bool known = std::any_of(all.begin(), all.end(), [&](const MethodSetting& a) { return a.key == s.key; });
            if (!known) all.push_back(s);
        }
    return all;
}

const std::vector<MethodSetting>& command_line_settings() {
    static const std::vector<MethodSetting> settings = every_setting();
    return settings;
}

std::set<std::string> option_names(bool switches) {
    std::set<std::string> names;
    for (const MethodSetting& s : command_line_settings())
        if (s.is_switch == switches) names.insert(option_name(s.key));
    return names;
}

std::string padded(std::string s, size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}
}  // namespace

std::string option_name(const std::string& key) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    return name;
}

const std::set<std::string>& method_option_names() {
    static const std::set<std::string> names = option_names(/*switches=*/false);
    return names;
}

const std::set<std::string>& method_switch_names() {
    static const std::set<std::string> names = option_names(/*switches=*/true);
    return names;
}

MethodSettings method_settings_from_args(const Args& args) {
    MethodSettings s;
    for (const MethodSetting& setting : command_line_settings()) {
        const std::string option = option_name(setting.key);
        if (setting.is_switch) {
            if (args.flag(option)) s.set(setting.key, "1");
        } else if (auto v = args.get(option)) {
            s.set(setting.key, *v);
        }
    }
    return s;
}

std::string method_options_help() {
    std::string help = "method knobs (defaults: the reference configurations scaled to the model; "
                       "gleaner-cli ask --method help describes each):\n";
    for (const MethodEntry& m : method_registry()) {
        if (m.settings.empty()) continue;
        std::string line = "  " + padded(m.name + ":", 11);
        for (const MethodSetting& s : m.settings) {
            const std::string option = " --" + option_name(s.key);
            if (line.size() + option.size() > 110) {
                help += line + "\n";
                line = std::string(13, ' ');
            }
            line += option;
        }
        help += line + "\n";
    }
    return help;
}

std::string methods_help() {
    std::string help = "methods (--method NAME; the first is the default):\n";
    for (const MethodEntry& m : method_registry()) {
        help += "\n" + m.name + " - " + m.display_name + ": " + std::string(describe_cost(m.cost)) +
                (m.desktop_only ? " (desktop program only)" : "") + "\n  " + m.description + "\n";
        for (const MethodSetting& s : m.settings)
            help += "    " + padded("--" + option_name(s.key) + (s.is_switch ? "" : " V"), 24) + s.help +
                    " (default: " + s.default_value + ")\n";
    }
    return help;
}

Document load_document(const std::string& path, const std::string& password, bool allow_scanned) {
    ImportOptions options;
    options.password = password;
    options.ocr_layer_dir = ocr_layer_root();
    Document doc;
    try {
        doc = import_document(path, options);
    } catch (const ImportError& e) {
        const std::string why = e.what();
        if (why.find(path) != std::string::npos) throw;  // the importer named it already
        throw ImportError(e.kind(), path + ": " + why);
    }
    if (doc.needs_ocr && !allow_scanned)
        throw ImportError(ImportErrorKind::NoTextLayer, path + ": no text layer (scanned PDF): run 'gleaner-cli ocr " + path +
                                                            "' first to recognise its text");
    return doc;
}

Document load_document(const std::string& path, const Args& args, bool allow_scanned) {
    return load_document(path, args.get_or("password", ""), allow_scanned);
}

std::string reading_cache_root(const Args& args) {
    if (auto d = args.get("cache-dir")) return *d;
    return reading_memory_root();
}

void ProgressLine::update(int64_t done, int64_t total, double tps, double eta) {
    using clock = std::chrono::steady_clock;
    const double now = std::chrono::duration<double>(clock::now().time_since_epoch()).count();
    if (done < total && now - last_ < 0.5) return;
    last_ = now;
    const bool tty = ::isatty(STDERR_FILENO);
    const int e = tps > 0 && eta < 1e7 ? static_cast<int>(eta + 0.5) : -1;
    char left[32];
    if (e < 0) std::snprintf(left, sizeof left, "?");
    else if (e >= 3600) std::snprintf(left, sizeof left, "%dh%02dm", e / 3600, e / 60 % 60);
    else std::snprintf(left, sizeof left, "%dm%02ds", e / 60, e % 60);
    std::fprintf(stderr, "%s%s %lld/%lld tokens (%.1f tok/s, %s left)%s", tty ? "\r" : "", label_.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total), tps, left, tty ? "\x1b[K" : "\n");
    std::fflush(stderr);
    printed_ = true;
}

void ProgressLine::finish() {
    if (printed_ && ::isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
    printed_ = false;
}

}  // namespace gleaner::cli
