#pragma once
// Options of the long-context methods, shared by ask, read and eval: every knob of every method
// in the registry (method_registry.h; --n-local 1024 becomes the setting n_local=1024), documents,
// and the reading memory's cache.
#include <atomic>
#include <set>
#include <string>

#include "context_method.h"
#include "document.h"

namespace gleaner::cli {

class Args;

// Option names that take a value / switches, for Args.
const std::set<std::string>& method_option_names();
const std::set<std::string>& method_switch_names();
// The settings given on the command line (only those given; methods use defaults for the rest).
MethodSettings method_settings_from_args(const Args& args);
// The option of a settings key: "n-local" for n_local.
std::string option_name(const std::string& key);
// One help paragraph listing each method's knobs.
std::string method_options_help();
// Every method: name, display name, cost, description, and its settings with defaults and help
// (gleaner-cli ask --method help).
std::string methods_help();

// The imported document (text, pages, front/back matter) of a file in any format the importers
// read, opened with --password when the command was given one, with its OCR text when `ocr` has
// recognised it. An error names the file; a scanned PDF without OCR text is one (it says to run
// `gleaner-cli ocr FILE`) unless `allow_scanned`.
Document load_document(const std::string& path, const Args& args, bool allow_scanned = false);
Document load_document(const std::string& path, const std::string& password = {}, bool allow_scanned = false);

// ${XDG_CACHE_HOME:-~/.cache}/gleaner/memory, or --cache-dir.
std::string reading_cache_root(const Args& args);

// Prints "read 1234/5678 tokens (56.7 tok/s, 1m02s left)" on stderr, overwriting the line on a
// terminal; at most a few times per second.
class ProgressLine {
public:
    explicit ProgressLine(std::string label) : label_(std::move(label)) {}
    void update(int64_t done, int64_t total, double tokens_per_s, double eta_s);
    void finish();

private:
    std::string label_;
    double last_ = -1;
    bool printed_ = false;
};

}  // namespace gleaner::cli
