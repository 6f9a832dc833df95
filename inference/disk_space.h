#pragma once
// Room on disk for a file before it is written. A store into a memory-mapped page that the
// filesystem cannot back (a sparse file on a full disk) kills the process with SIGBUS; reserving
// the blocks first turns a full disk into an error that can be reported and recovered from.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gleaner {

// True for the errno values that mean "no room for more bytes": a full disk (ENOSPC), a full
// quota (EDQUOT), or the process's file-size limit (EFBIG, `ulimit -f`).
bool is_out_of_space(int err);

// No room on disk for a write; the message names the directory and the room needed.
class OutOfSpaceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "not enough disk space in <directory>: <file> needs N MB more (M MB free; <strerror>)".
OutOfSpaceError out_of_space_error(const std::string& path, uint64_t bytes_needed, int err);
// "12.3 MB" (two decimals below 10 MB, where one would round a shortfall away).
std::string megabytes(uint64_t bytes);

// Gives the open file `fd` (at `path`) real blocks for bytes [from, to), growing it to at least
// `to` bytes. posix_fallocate where the filesystem supports it, else zeros written past the
// file's end (holes inside it stay: callers reserve from the end). Throws
// out_of_space_error when there is no room (the file is left at its old size), another
// std::runtime_error naming the file on other failures.
void reserve_file_space(int fd, const std::string& path, uint64_t from, uint64_t to);

}  // namespace gleaner
