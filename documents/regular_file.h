#pragma once
// Opening a document's file for reading. Only regular files are read: opening a FIFO blocks
// until some other process writes to it (the import, and the window waiting for it, would hang
// for ever), a device can have side effects on open, and a socket or directory has no bytes to
// read. Symbolic links to regular files are fine (stat follows them).
#include <cstddef>
#include <string>

namespace gleaner {

// An open regular file; closes on destruction.
class RegularFile {
public:
    // Throws ImportError: NotFound, or Unreadable naming the file and what it is instead
    // ("'x.txt' is a named pipe (FIFO), not a regular file").
    explicit RegularFile(const std::string& path);
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    // Size when opened.
    size_t size() const { return size_; }
    // Reads up to `max_bytes` from the current position (fewer only at the end of the file).
    // Throws ImportError Unreadable on an I/O error.
    std::string read(size_t max_bytes);

private:
    int fd_ = -1;
    size_t size_ = 0;
};

// The stat-only check, for importers that hand the path to a library which opens it itself
// (poppler, libzip): NotFound, or Unreadable when it is not a regular file.
void require_regular_file(const std::string& path);

// Reads the whole file, at most `max_bytes`. Throws ImportError (NotFound / Unreadable /
// TooLarge).
std::string read_file_bytes(const std::string& path, size_t max_bytes);

}  // namespace gleaner
