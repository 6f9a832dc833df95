// gleaner-cli perplexity: computed as llama.cpp's perplexity tool does, so the two compare:
// the file's tokens (BOS first when the model adds one) in non-overlapping chunks of --ctx
// tokens, each chunk's first token replaced by BOS when the model uses one, and only the second
// half of each chunk scored.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "perplexity.h"
#include "vocab.h"

namespace gleaner::cli {


int cmd_perplexity(const CommandArgs& argv) {
    Args args(argv, {"model", "file", "ctx", "threads", "chunks", "device", "kv-type"}, {"json"});
    const auto file = args.get("file");
    if (!file) throw UsageError("--file is required");
    std::ifstream in(*file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + *file + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();  // as llama.cpp's tool reads files

    const auto model = load_model_from_args(args);
    const auto backend = backend_from_args(args);
    const int n_ctx = static_cast<int>(args.get_int_or("ctx", 512, 16, model->config().n_ctx_train));
    const Vocab& vocab = model->tokenizer().vocab();
    const std::vector<int32_t> tokens = model->tokenizer().encode(text, vocab.add_bos, false);
    const int max_chunks = static_cast<int>(args.get_int_or("chunks", 0, 0, 1 << 30));

    const DType kv_type = kv_type_from_args(args);
    Transformer tf(*model, *backend, n_ctx, 512, kv_type);
    const bool quiet = args.flag("json");
    const PerplexityResult r = compute_perplexity(tf, tokens, n_ctx, max_chunks, [&](int done, int total, double ppl) {
        if (!quiet) std::fprintf(stderr, "[%d/%d] ppl %.4f\n", done, total, ppl);
    });
    const double ppl = r.ppl;
    const long long scored = r.scored;
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object()
            .key("ppl").value(ppl)
            .key("tokens").value(static_cast<int64_t>(tokens.size()))
            .key("chunks").value(r.chunks)
            .key("scored").value(static_cast<int64_t>(scored))
            .key("ctx").value(n_ctx)
            .key("kv_type").value(std::string(dtype_traits(kv_type).name))
            .end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        std::printf("perplexity %.4f over %lld scored tokens (%d chunks of %d)\n", ppl, scored, r.chunks, n_ctx);
    }
    return 0;
}

}  // namespace gleaner::cli
