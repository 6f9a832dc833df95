#include "growable_array.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gleaner {

namespace {

std::runtime_error sys_error(const std::string& what, const std::string& path) {
    return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

class HeapArray final : public GrowableArray {
public:
    float* data() override { return v_.data(); }
    const float* data() const override { return v_.data(); }
    size_t size() const override { return v_.size(); }
    void resize(size_t n) override {
        if (n > v_.capacity()) v_.reserve(std::max(n, v_.capacity() + v_.capacity() / 2));
        v_.resize(n, 0.0f);
    }

private:
    std::vector<float> v_;
};

class MappedArray final : public GrowableArray {
public:
    explicit MappedArray(std::string path) : bytes_(std::move(path)) {}
    float* data() override { return reinterpret_cast<float*>(bytes_.data()); }
    const float* data() const override { return reinterpret_cast<const float*>(bytes_.data()); }
    size_t size() const override { return bytes_.size() / sizeof(float); }
    void resize(size_t n) override { bytes_.resize(n * sizeof(float)); }
    void flush() override { bytes_.flush(); }

private:
    MappedBytes bytes_;
};

}  // namespace

std::unique_ptr<GrowableArray> make_heap_array() { return std::make_unique<HeapArray>(); }
std::unique_ptr<GrowableArray> make_mapped_array(const std::string& path) { return std::make_unique<MappedArray>(path); }

// The file is grown in steps (ftruncate makes the new part read as zeros without writing it)
// and remapped; size() is the logical size, the mapping may be larger.
MappedBytes::MappedBytes(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw sys_error("cannot open", path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw sys_error("cannot stat", path_);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) map(size_);
}

MappedBytes::~MappedBytes() {
    if (base_) ::munmap(base_, mapped_bytes_);
    if (fd_ >= 0) ::close(fd_);
}

void MappedBytes::map(size_t bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) throw sys_error("cannot map", path_);
    base_ = p;
    mapped_bytes_ = bytes;
}

void MappedBytes::resize(size_t bytes) {
    if (bytes > mapped_bytes_) {
        const size_t step = size_t{16} << 20;
        size_t want = std::max(bytes, mapped_bytes_ + mapped_bytes_ / 2);
        want = (want + step - 1) / step * step;
        if (::ftruncate(fd_, static_cast<off_t>(want)) != 0) throw sys_error("cannot grow", path_);
        if (base_) ::munmap(base_, mapped_bytes_);
        base_ = nullptr;
        map(want);
    }
    size_ = bytes;
}

void MappedBytes::finalize() {
    flush();
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

void write_file_atomic(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw sys_error("cannot write", tmp);
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            throw sys_error("cannot write", tmp);
        }
        done += static_cast<size_t>(w);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        throw sys_error("cannot sync", tmp);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw sys_error("cannot rename", tmp);
}

bool read_whole_file(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    return true;
}

}  // namespace gleaner
