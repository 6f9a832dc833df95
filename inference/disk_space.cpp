#include "disk_space.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace gleaner {

namespace {

std::string directory_of(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return dir.empty() ? "." : dir;
}

// Writes zeros over [from, to): the fallback for filesystems without fallocate. Returns 0 or
// the errno of the failed write.
int write_zeros(int fd, uint64_t from, uint64_t to) {
    static const std::vector<char> zeros(size_t{1} << 20, 0);
    while (from < to) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), to - from));
        const ssize_t w = ::pwrite(fd, zeros.data(), n, static_cast<off_t>(from));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return errno;
        if (w == 0) return ENOSPC;  // a write that makes no progress has no room
        from += static_cast<uint64_t>(w);
    }
    return 0;
}

}  // namespace

std::string megabytes(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, bytes < 10'000'000 ? "%.2f MB" : "%.1f MB", bytes / 1e6);
    return buf;
}

bool is_out_of_space(int err) { return err == ENOSPC || err == EDQUOT || err == EFBIG; }

OutOfSpaceError out_of_space_error(const std::string& path, uint64_t bytes_needed, int err) {
    const std::string dir = directory_of(path);
    std::string free_note;
    struct statvfs vfs {};
    if (err != EFBIG && ::statvfs(dir.c_str(), &vfs) == 0)  // a file-size limit is not about free space
        free_note = megabytes(static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize) + " free; ";
    const char* what = err == EFBIG ? "over the file-size limit (ulimit -f)" : "not enough disk space";
    return OutOfSpaceError(std::string(what) + " in " + dir + ": " +
                              std::filesystem::path(path).filename().string() + " needs " + megabytes(bytes_needed) +
                              " more (" + free_note + std::strerror(err) + ")");
}

void reserve_file_space(int fd, const std::string& path, uint64_t from, uint64_t to) {
    if (to <= from) return;
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw std::runtime_error("cannot stat " + path + ": " + std::strerror(errno));
    const off_t old_size = st.st_size;
    int rc;
    do {
        rc = ::posix_fallocate(fd, static_cast<off_t>(from), static_cast<off_t>(to - from));
    } while (rc == EINTR);
    // Filesystems without fallocate (and glibc without its emulation): allocate by writing zeros,
    // past the file's end only (bytes inside it are the file's data).
    if (rc == EOPNOTSUPP || rc == EINVAL) rc = write_zeros(fd, std::max<uint64_t>(from, old_size), to);
    if (rc == 0) return;
    // Leave the file at its old size: a partial reservation past its end only wastes room.
    if (::fstat(fd, &st) == 0 && st.st_size > old_size && ::ftruncate(fd, old_size) != 0) {
        // Nothing more to do: the file keeps a few unused bytes; the error below is what matters.
    }
    if (is_out_of_space(rc)) throw out_of_space_error(path, to - from, rc);
    throw std::runtime_error("cannot reserve space for " + path + ": " + std::strerror(rc));
}

}  // namespace gleaner
