#include "growable_array.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "disk_space.h"

namespace gleaner {

namespace {

std::runtime_error sys_error(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

class HeapBytes final : public GrowableBytes {
public:
    uint8_t* data() override { return v_.data(); }
    const uint8_t* data() const override { return v_.data(); }
    size_t size() const override { return v_.size(); }
    void resize(size_t n) override {
        if (n > v_.capacity()) v_.reserve(std::max(n, v_.capacity() + v_.capacity() / 2));
        v_.resize(n, 0);
    }

private:
    std::vector<uint8_t> v_;  // operator new's alignment (16 bytes) suits float and f16 elements
};

}  // namespace

std::unique_ptr<GrowableBytes> make_heap_bytes() { return std::make_unique<HeapBytes>(); }
std::unique_ptr<GrowableBytes> make_mapped_bytes(const std::string& path) { return std::make_unique<MappedBytes>(path); }

// The file is grown in steps, each reserved on disk (reserve_file_space) before it is mapped;
// size() is the logical size, the file and its mapping may be larger.
MappedBytes::MappedBytes(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw sys_error("cannot open", path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const std::runtime_error e = sys_error("cannot stat", path_);
        ::close(fd_);
        throw e;
    }
    size_ = static_cast<size_t>(st.st_size);
    try {
        if (size_ > 0) map(size_);
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

MappedBytes::~MappedBytes() {
    if (base_) ::munmap(base_, mapped_bytes_);
    if (fd_ >= 0) ::close(fd_);
}

// Maps the first `bytes` of the file, replacing the old mapping only once the new one exists
// (a failure leaves the object as it was).
void MappedBytes::map(size_t bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) throw sys_error("cannot map", path_);
    if (base_) ::munmap(base_, mapped_bytes_);
    base_ = p;
    mapped_bytes_ = bytes;
}

namespace {
// Growth in steps of an eighth (at least 1 MiB): few remaps, and at most an eighth of the file
// reserved ahead of its data (the blocks are real now, not sparse).
size_t grown_size(size_t current, size_t needed) {
    const size_t step = size_t{1} << 20;
    const size_t want = std::max(needed, current + current / 8);
    return (want + step - 1) / step * step;
}
}  // namespace

void MappedBytes::resize(size_t bytes) {
    if (bytes > mapped_bytes_) {
        const size_t want = grown_size(mapped_bytes_, bytes);
        reserve_file_space(fd_, path_, mapped_bytes_, want);
        map(want);
    }
    size_ = bytes;
}

void MappedBytes::finalize() {
    flush();
    if (size_ == mapped_bytes_) {
        if (::fsync(fd_) != 0) throw sys_error("cannot sync", path_);
        return;
    }
    if (base_) ::munmap(base_, mapped_bytes_);
    base_ = nullptr;
    mapped_bytes_ = 0;
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) throw sys_error("cannot truncate", path_);
    if (size_ > 0) map(size_);
    if (::fsync(fd_) != 0) throw sys_error("cannot sync", path_);
}

void MappedBytes::flush() {
    if (base_ && ::msync(base_, mapped_bytes_, MS_SYNC) != 0) throw sys_error("cannot sync", path_);
}

MappedFile::MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw sys_error("cannot open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw sys_error("cannot stat", path);
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            ::close(fd);
            throw sys_error("cannot map", path);
        }
        data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

namespace {

// Removes the temporary file of a write that did not finish.
class TempFileGuard {
public:
    explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
    ~TempFileGuard() {
        if (fd_ >= 0) ::close(fd_);
        if (!kept_) ::unlink(path_.c_str());
    }
    void set_fd(int fd) { fd_ = fd; }
    // Closes the file, reporting a failed close (a delayed write error on some filesystems).
    void close() {
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) throw sys_error("cannot write", path_);
    }
    void keep() { kept_ = true; }

private:
    std::string path_;
    int fd_ = -1;
    bool kept_ = false;
};

void write_all(int fd, const std::string& path, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && is_out_of_space(errno)) throw out_of_space_error(path, bytes.size() - done, errno);
        if (w < 0) throw sys_error("cannot write", path);
        if (w == 0) throw out_of_space_error(path, bytes.size() - done, ENOSPC);
        done += static_cast<size_t>(w);
    }
}

// The rename is durable once the directory is synced; a failure here loses nothing written.
void sync_directory_of(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp";
    TempFileGuard guard(tmp);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw sys_error("cannot write", tmp);
    guard.set_fd(fd);
    // Room first: a full disk is reported with the size needed before anything is written.
    reserve_file_space(fd, tmp, 0, bytes.size());
    write_all(fd, tmp, bytes);
    if (::fsync(fd) != 0) throw sys_error("cannot sync", tmp);
    guard.close();
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw sys_error("cannot rename", tmp);
    guard.keep();
    sync_directory_of(path);
}

bool read_whole_file(const std::string& path, std::string& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return false;
        throw sys_error("cannot read", path);
    }
    out.clear();
    char buf[1 << 16];
    for (;;) {
        const ssize_t r = ::read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            const std::runtime_error e = sys_error("cannot read", path);
            ::close(fd);
            throw e;
        }
        if (r == 0) break;
        out.append(buf, static_cast<size_t>(r));
    }
    ::close(fd);
    return true;
}

}  // namespace gleaner
