// Import benchmark (not a test): imports each file given, prints wall time and the model's
// sizes. Run under `/usr/bin/time -v` for peak RSS. `--dump` prints the canonical text with
// page and block markers, `--toc` the table of contents (for eyeballing an importer's output).
//
//   bench_import [--dump] [--toc] [--password PW] [--repeat N] FILE...
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "import.h"

int main(int argc, char** argv) {
    bool dump = false, toc = false;
    int repeat = 1;
    gleaner::ImportOptions options;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--dump")) dump = true;
        else if (!std::strcmp(argv[i], "--toc")) toc = true;
        else if (!std::strcmp(argv[i], "--password") && i + 1 < argc) options.password = argv[++i];
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
        else files.push_back(argv[i]);
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: bench_import [--dump] [--toc] [--password PW] [--repeat N] FILE...\n");
        return 2;
    }
    int failures = 0;
    for (const std::string& path : files) {
        for (int r = 0; r < repeat; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            try {
                const gleaner::Document doc = gleaner::import_document(path, options);
                const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                std::printf("%s: %.1f ms, format %s, %zu bytes of text, %zu blocks, %d pages, %zu word boxes, %zu TOC entries, %zu sections, %zu warnings\n",
                            path.c_str(), ms, doc.format.c_str(), doc.text.size(), doc.blocks.size(), doc.page_count(),
                            doc.words.size(), doc.toc.size(), doc.sections.size(), doc.warnings.size());
                if (r > 0) continue;
                std::printf("  title: %s | author: %s | language: %s%s\n", doc.metadata.title.c_str(),
                            doc.metadata.author.c_str(), doc.metadata.language.c_str(), doc.metadata.right_to_left ? " | RTL" : "");
                for (const std::string& w : doc.warnings) std::printf("  warning: %s\n", w.c_str());
                const std::string invariant = doc.check_invariants();
                if (!invariant.empty()) std::printf("  INVARIANT BROKEN: %s\n", invariant.c_str());
                if (toc)
                    for (const auto& e : doc.toc)
                        std::printf("  %*s%s  [page %d, offset %zu]\n", 2 * (e.level - 1), "", e.title.c_str(), e.page, e.offset);
                if (dump) {
                    int page = -1;
                    for (const auto& b : doc.blocks) {
                        const int p = doc.page_of_char(b.range.begin);
                        if (p != page) std::printf("\n======== page %d\n", page = p);
                        std::printf("[%s%d] %.*s\n\n", b.kind == gleaner::BlockKind::Heading ? "H" : b.kind == gleaner::BlockKind::Preformatted ? "PRE" : "P",
                                    b.level, static_cast<int>(b.range.size()), doc.text.data() + b.range.begin);
                    }
                }
            } catch (const gleaner::ImportError& e) {
                std::printf("%s: import failed (kind %d): %s\n", path.c_str(), static_cast<int>(e.kind()), e.what());
                ++failures;
                break;
            }
        }
    }
    return failures ? 1 : 0;
}
