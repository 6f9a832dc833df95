// libFuzzer target for the importers: every input is written to a file and imported as the
// format its first byte selects (so one corpus exercises all five importers). An import may
// fail with ImportError; it must never crash, hang, leak, or return a Document that breaks the
// model's invariants.
//
//   cmake -DGLEANER_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ... && ./fuzz_importers -max_total_time=300 CORPUS_DIR
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "import.h"

namespace {

std::string scratch_path(const char* extension) {
    static const std::string dir = [] {
        char tmpl[] = "/tmp/gleaner-fuzz-XXXXXX";
        const char* d = mkdtemp(tmpl);
        if (!d) std::abort();
        return std::string(d);
    }();
    return dir + "/input" + extension;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static const char* kExtensions[] = {".pdf", ".epub", ".txt", ".md", ".html"};
    const std::string path = scratch_path(kExtensions[data[0] % 5]);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);

    gleaner::ImportOptions options;
    options.max_uncompressed_bytes = size_t{64} << 20;  // keep the fuzzer's memory bounded
    try {
        const gleaner::Document doc = gleaner::import_document(path, options);
        const std::string broken = doc.check_invariants();
        if (!broken.empty()) {
            std::fprintf(stderr, "invariant broken: %s\n", broken.c_str());
            std::abort();
        }
        // Exercise the mappings over the whole text.
        for (size_t b = 0; b < doc.text.size(); b += 1 + doc.text.size() / 7) {
            (void)doc.page_of_char(b);
            (void)doc.rects_for_range(b, b + 40);
            (void)doc.section_of_char(b);
            (void)doc.block_at(b);
        }
    } catch (const gleaner::ImportError&) {
        // Expected for most inputs.
    }
    return 0;
}
