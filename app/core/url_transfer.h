#pragma once
// Fetching a URL (https://, http:// or file://) with libcurl: a small text answer (the package
// index), or a large file appended to what an earlier, interrupted transfer left (HTTP Range).
// Both stop promptly when *cancel turns true (DownloadCancelled) and throw DownloadError with a
// message a user can act on: no network, the server's HTTP error, a stalled connection.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace gleaner {

// The body of `url`, at most max_bytes long. accept: the Accept header (empty: none).
std::string fetch_text(const std::string& url, const std::string& accept, size_t max_bytes,
                       const std::atomic<bool>* cancel);

// Appends url's bytes from `offset` on to the file at `path`, which must hold `offset` bytes
// already (0: a new file; it is created or emptied). When the server cannot resume (no Range
// support), the file is started again from byte 0. on_bytes(file_size) after every chunk
// written. Returns the bytes received by this call. A full disk throws OutOfSpaceError.
uint64_t fetch_to_file(const std::string& url, const std::string& path, uint64_t offset,
                       const std::function<void(uint64_t file_size)>& on_bytes, const std::atomic<bool>* cancel);

// "file:///abs/path" for a local path (made absolute; characters URLs reserve are escaped).
std::string file_url(const std::string& path);

}  // namespace gleaner
