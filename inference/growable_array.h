#pragma once
// A contiguous array of floats that grows, kept either on the heap or in a memory-mapped file
// (the reading memory that persists and survives a killed process). data() may move on resize.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gleaner {

// Bytes that grow, kept either on the heap or in a memory-mapped file (the reading memory that
// persists and survives a killed process). data() may move on resize.
class GrowableBytes {
public:
    virtual ~GrowableBytes() = default;
    virtual uint8_t* data() = 0;
    virtual const uint8_t* data() const = 0;
    virtual size_t size() const = 0;         // bytes
    virtual void resize(size_t bytes) = 0;   // new bytes are zero
    // Writes what changed to the backing file (no-op on the heap).
    virtual void flush() {}
};

// A contiguous array of T over a GrowableBytes store (whole elements only).
template <typename T>
class GrowableArray {
public:
    explicit GrowableArray(std::unique_ptr<GrowableBytes> store) : store_(std::move(store)) {}
    T* data() { return reinterpret_cast<T*>(store_->data()); }
    const T* data() const { return reinterpret_cast<const T*>(store_->data()); }
    size_t size() const { return store_->size() / sizeof(T); }
    void resize(size_t n) { store_->resize(n * sizeof(T)); }  // new elements are zero
    void flush() { store_->flush(); }

private:
    std::unique_ptr<GrowableBytes> store_;
};

// A growable memory-mapped file of bytes (the same growth and sync rules as the mapped array).
// Every growth reserves the file's new blocks on disk before they are mapped, so a full disk is
// an exception from resize() (naming the directory and the room needed; the bytes and size so
// far are kept), never a SIGBUS at a later store.
class MappedBytes final : public GrowableBytes {
public:
    explicit MappedBytes(std::string path);  // opens or creates; keeps an existing file's bytes
    ~MappedBytes();
    MappedBytes(const MappedBytes&) = delete;
    MappedBytes& operator=(const MappedBytes&) = delete;
    uint8_t* data() override { return static_cast<uint8_t*>(base_); }
    const uint8_t* data() const override { return static_cast<const uint8_t*>(base_); }
    size_t size() const override { return size_; }
    void resize(size_t bytes) override;
    void flush() override;
    // Cuts the file to its logical size (it grows in steps) and syncs it.
    void finalize();

private:
    void map(size_t bytes);
    std::string path_;
    int fd_ = -1;
    void* base_ = nullptr;
    size_t mapped_bytes_ = 0;  // the file's size, all of it mapped
    size_t size_ = 0;
};

std::unique_ptr<GrowableBytes> make_heap_bytes();
// Opens (creating if needed) `path` as growable bytes; an existing file keeps its contents and
// its size. Throws std::runtime_error naming the file on failure.
std::unique_ptr<GrowableBytes> make_mapped_bytes(const std::string& path);

// A read-only mapping of a whole file.
class MappedFile {
public:
    explicit MappedFile(const std::string& path);  // throws std::runtime_error
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

// Writes `bytes` to `path` atomically (temporary file, fsync, rename). On any failure the
// temporary file is removed and an existing file at `path` is left as it was; a full disk is
// reported with the directory and the room needed (disk_space.h).
void write_file_atomic(const std::string& path, const std::string& bytes);
// The whole file into out; false when it does not exist. Throws std::runtime_error naming the
// file when it exists but cannot be read.
bool read_whole_file(const std::string& path, std::string& out);

}  // namespace gleaner
