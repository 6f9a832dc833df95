#pragma once
// An exclusive lock on a file (flock), held while the object lives: one writer of a reading
// memory at a time, across processes. flock locks belong to the open file, so two objects in
// one process exclude each other too. The lock dies with its process: a killed reader never
// leaves a stale lock behind.
#include <memory>
#include <string>

namespace gleaner {

class FileLock {
public:
    // Takes the lock on path (creating the file), or returns null when another holder has it.
    // Throws std::runtime_error naming the file when it cannot be opened or locked.
    static std::unique_ptr<FileLock> try_acquire(const std::string& path);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace gleaner
