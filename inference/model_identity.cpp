#include "model_identity.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "content_hash.h"
#include "growable_array.h"

namespace gleaner {

namespace {

constexpr const char* kIdentitiesFile = "model-identities";
constexpr size_t kMaxRemembered = 64;  // lines kept; the oldest go first

// What must not change for a remembered hash to stay valid, as one token.
std::string file_stamp(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot read the model file " + path);
    std::ostringstream s;
    s << st.st_dev << ':' << st.st_ino << ':' << st.st_size << ':' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec;
    return s.str();
}

}  // namespace

std::string model_file_identity(const std::string& model_path, const std::string& cache_root) {
    const std::string absolute = std::filesystem::absolute(model_path).lexically_normal().string();
    const std::string stamp = file_stamp(absolute);
    const std::string store = (std::filesystem::path(cache_root) / kIdentitiesFile).string();
    // Each line: <stamp> <hash> <path>. Paths may hold spaces: they come last.
    std::string text;
    std::vector<std::string> kept;
    try {
        read_whole_file(store, text);
    } catch (const std::exception&) {
        text.clear();  // unreadable: hash again
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream l(line);
        std::string s, h, p;
        if (!(l >> s >> h) || h.size() != 16) continue;
        std::getline(l >> std::ws, p);
        if (p == absolute) {
            if (s == stamp) return h;
            continue;  // the file changed: forget its old hash
        }
        kept.push_back(line);
    }
    const std::string hash = hash_hex(file_content_hash(absolute));
    if (kept.size() >= kMaxRemembered) kept.erase(kept.begin(), kept.begin() + (kept.size() - kMaxRemembered + 1));
    kept.push_back(stamp + " " + hash + " " + absolute);
    std::string out;
    for (const std::string& l : kept) out += l + "\n";
    try {
        std::filesystem::create_directories(cache_root);
        write_file_atomic(store, out);
    } catch (const std::exception&) {
        // A read-only or full cache: the hash is still right, only not remembered.
    }
    return hash;
}

}  // namespace gleaner
