#include "regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "importer.h"

namespace gleaner {
namespace {

std::string what_it_is(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "a special file";
}

[[noreturn]] void refuse(const std::string& path, mode_t mode) {
    throw ImportError(ImportErrorKind::Unreadable, "'" + path + "' is " + what_it_is(mode) + ", not a regular file");
}

[[noreturn]] void throw_errno(const char* doing, int err) {
    if (err == ENOENT || err == ENOTDIR) throw ImportError(ImportErrorKind::NotFound, "file not found");
    throw ImportError(ImportErrorKind::Unreadable, std::string(doing) + std::strerror(err));
}

}  // namespace

void require_regular_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_errno("cannot read file: ", errno);
    if (!S_ISREG(st.st_mode)) refuse(path, st.st_mode);
}

RegularFile::RegularFile(const std::string& path) {
    // stat first, so that a device is never opened at all.
    require_regular_file(path);
    // The path may have been replaced by a FIFO since: O_NONBLOCK keeps open() from waiting
    // for a writer, and fstat on what was actually opened decides.
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) throw_errno("cannot open file: ", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int err = errno;
        ::close(fd_);
        throw_errno("cannot read file: ", err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        refuse(path, st.st_mode);
    }
    size_ = static_cast<size_t>(st.st_size);
}

RegularFile::~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string RegularFile::read(size_t max_bytes) {
    std::string data;
    data.reserve(std::min(max_bytes, size_));
    char buf[1 << 16];
    while (data.size() < max_bytes) {
        const size_t want = std::min(sizeof buf, max_bytes - data.size());
        const ssize_t got = ::read(fd_, buf, want);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw ImportError(ImportErrorKind::Unreadable, "read error while loading the file");
        if (got == 0) break;
        data.append(buf, static_cast<size_t>(got));
    }
    return data;
}

std::string read_file_bytes(const std::string& path, size_t max_bytes) {
    RegularFile file(path);
    if (file.size() > max_bytes) throw ImportError(ImportErrorKind::TooLarge, "file too large to import");
    // One byte past the cap tells a file that grew since fstat from one that fits.
    std::string data = file.read(max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1);
    if (data.size() > max_bytes) throw ImportError(ImportErrorKind::TooLarge, "file too large to import");
    return data;
}

}  // namespace gleaner
