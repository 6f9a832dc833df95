#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gleaner {

std::unique_ptr<FileLock> FileLock::try_acquire(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open the lock file " + path + ": " + std::strerror(errno));
    int rc;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) return std::unique_ptr<FileLock>(new FileLock(fd));
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return nullptr;
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(err));
}

FileLock::~FileLock() { ::close(fd_); }  // closing the last descriptor releases the lock

}  // namespace gleaner
