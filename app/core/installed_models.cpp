#include "installed_models.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "model_paths.h"

namespace gleaner {

namespace fs = std::filesystem;

namespace {
fs::path dir_or_default(const std::string& dir) { return dir.empty() ? fs::path(models_dir()) : fs::path(dir); }
}  // namespace

std::vector<std::string> installed_model_files(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    const fs::path root = fs::absolute(dir_or_default(dir), ec);
    for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) {
        std::error_code file_ec;
        if (e.path().extension() == ".gguf" && e.is_regular_file(file_ec)) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool is_inside_models_dir(const std::string& path, const std::string& dir) {
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(dir_or_default(dir), ec);
    if (ec) return false;
    const fs::path file = fs::absolute(path, ec).lexically_normal();
    if (ec || !file.has_filename()) return false;
    // The folder holding the file, resolved; the file itself may be a link into elsewhere.
    const fs::path parent = fs::weakly_canonical(file.parent_path(), ec);
    return !ec && parent == root;
}

void remove_installed_model(const std::string& path, const std::string& dir) {
    if (!is_inside_models_dir(path, dir))
        throw std::runtime_error("'" + path + "' is not in the models folder " + dir_or_default(dir).string() +
                                 "; Gleaner only deletes models it manages");
    if (fs::path(path).extension() != ".gguf") throw std::runtime_error("'" + path + "' is not a .gguf model file");
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (ec || !fs::exists(st)) throw std::runtime_error("'" + path + "' does not exist");
    if (!fs::is_regular_file(st) && !fs::is_symlink(st)) throw std::runtime_error("'" + path + "' is not a file");
    if (!fs::remove(path, ec) || ec)
        throw std::runtime_error("cannot delete '" + path + "': " + (ec ? ec.message() : std::string("not removed")));
}

}  // namespace gleaner
