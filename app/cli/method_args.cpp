#include "cli/method_args.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/args.h"
#include "import.h"
#include "model_paths.h"

namespace gleaner::cli {

namespace {
// CLI name -> settings key
const std::vector<std::pair<std::string, std::string>>& valued_map() {
    static const std::vector<std::pair<std::string, std::string>> m = {
        {"n-init", "n_init"},         {"n-local", "n_local"},       {"topk", "topk"},
        {"block-size", "block_size"}, {"repr-topk", "repr_topk"},   {"max-cached-blocks", "max_cached_blocks"},
        {"exc-block", "exc_block"},   {"chunk-size", "chunk_size"}, {"question-weight", "question_weight"},
        {"filter-layer", "filter_layer"}, {"k", "k"},               {"pass1", "pass1"},
        {"score-rope", "score_rope"}, {"sinks", "sinks"},           {"window", "window"},
        {"max-len", "max_len"},       {"query", "query"},           {"checkpoint-tokens", "checkpoint_tokens"},
        {"probe-tokens", "probe_tokens"}, {"score", "score"},     {"span", "span"},
        {"contrast", "contrast"},     {"select", "select"},         {"lexical-weight", "lexical_weight"},
        {"order", "order"},
    };
    return m;
}
}  // namespace

const std::set<std::string>& method_option_names() {
    static const std::set<std::string> names = [] {
        std::set<std::string> s;
        for (const auto& [cli, key] : valued_map()) s.insert(cli);
        return s;
    }();
    return names;
}

const std::set<std::string>& method_switch_names() {
    static const std::set<std::string> names = {"reference-mask", "selection-only"};
    return names;
}

MethodSettings method_settings_from_args(const Args& args) {
    MethodSettings s;
    for (const auto& [cli, key] : valued_map())
        if (auto v = args.get(cli)) s.set(key, *v);
    if (args.flag("reference-mask")) s.set("reference_mask", "1");
    if (args.flag("selection-only")) s.set("selection_only", "1");
    return s;
}

const char* method_options_help() {
    return "method knobs (defaults: the reference configurations scaled to the model):\n"
           "  infllm/qllm/gleaner reading: --n-init --n-local --topk --block-size --repr-topk --max-cached-blocks\n"
           "                      --exc-block --chunk-size --question-weight --reference-mask --checkpoint-tokens\n"
           "  gemfilter/gleaner:  --filter-layer --k --pass1 auto|full|bounded --score-rope absolute|fixed|none\n"
           "                      --query tail|question|words --probe-tokens 8 --score softmax_max|softmax_sum|gemfilter\n"
           "                      --span 64 (0: single tokens, as GemFilter) --contrast 0|1 (gleaner)\n"
           "  streaming: --sinks --window --chunk-size      full: --max-len\n";
}

std::string load_document_text(const std::string& path) { return import_document(path).text; }
Document load_document(const std::string& path) { return import_document(path); }

std::string reading_cache_root(const Args& args) {
    if (auto d = args.get("cache-dir")) return *d;
    return reading_memory_root();
}

void ProgressLine::update(int64_t done, int64_t total, double tps, double eta) {
    using clock = std::chrono::steady_clock;
    const double now = std::chrono::duration<double>(clock::now().time_since_epoch()).count();
    if (done < total && now - last_ < 0.5) return;
    last_ = now;
    const bool tty = ::isatty(STDERR_FILENO);
    const int e = tps > 0 && eta < 1e7 ? static_cast<int>(eta + 0.5) : -1;
    char left[32];
    if (e < 0) std::snprintf(left, sizeof left, "?");
    else if (e >= 3600) std::snprintf(left, sizeof left, "%dh%02dm", e / 3600, e / 60 % 60);
    else std::snprintf(left, sizeof left, "%dm%02ds", e / 60, e % 60);
    std::fprintf(stderr, "%s%s %lld/%lld tokens (%.1f tok/s, %s left)%s", tty ? "\r" : "", label_.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total), tps, left, tty ? "\x1b[K" : "\n");
    std::fflush(stderr);
    printed_ = true;
}

void ProgressLine::finish() {
    if (printed_ && ::isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
    printed_ = false;
}

}  // namespace gleaner::cli
