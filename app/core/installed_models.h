#pragma once
// The model files in the models folder, and removing one of them. Removal is confined to that
// folder: a path elsewhere (a model the user keeps in their own folder) is never deleted.
#include <string>
#include <vector>

namespace gleaner {

// The *.gguf files directly in `dir` (default: models_dir()), sorted by name; absolute paths.
std::vector<std::string> installed_model_files(const std::string& dir = {});

// Whether `path` names a file directly inside `dir` (after resolving "..", and symbolic links
// of the folders above it).
bool is_inside_models_dir(const std::string& path, const std::string& dir = {});

// Deletes a model file in `dir` (a symbolic link is removed, not what it points at). Throws
// std::runtime_error for a path outside `dir`, a file that is not a .gguf, or a failed delete.
void remove_installed_model(const std::string& path, const std::string& dir = {});

}  // namespace gleaner
