#pragma once
// The error for a cache file whose bytes cannot be trusted (checksum, size or values wrong): it
// names the file, so that the message can say what is damaged and the caller how to recover.
#include <stdexcept>
#include <string>

namespace gleaner {

class DamagedFileError : public std::runtime_error {
public:
    DamagedFileError(std::string path, const std::string& message)
        : std::runtime_error(message), path_(std::move(path)) {}
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// "<path> is damaged: <why>".
inline DamagedFileError damaged_file(const std::string& path, const std::string& why) {
    return DamagedFileError(path, path + " is damaged: " + why);
}

}  // namespace gleaner
