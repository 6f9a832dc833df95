// gleaner-cli perplexity: computed as llama.cpp's perplexity tool does, so the two compare:
// the file's tokens (BOS first when the model adds one) in non-overlapping chunks of --ctx
// tokens, each chunk's first token replaced by BOS when the model uses one, and only the second
// half of each chunk scored. With --memory infllm every chunk is read through InfLLM's block
// memory (fresh per chunk; its knobs as for `ask`), which measures what the memory loses.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "cli/method_args.h"
#include "methods/infllm.h"
#include "perplexity.h"
#include "vocab.h"

namespace gleaner::cli {


int cmd_perplexity(const CommandArgs& argv) {
    std::set<std::string> valued = {"model", "file", "ctx", "threads", "chunks", "device", "kv-type", "memory"};
    valued.insert(method_option_names().begin(), method_option_names().end());
    Args args(argv, valued, {"json"});
    const std::string memory = args.get_or("memory", "none");
    if (memory != "none" && memory != "infllm") throw UsageError("--memory: none or infllm");
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
    Transformer tf(*model, *backend, memory == "none" ? n_ctx : 1, 512, kv_type);
    // InfLLM's memory: its defaults for this model, the command line's knobs, --kv-type's elements
    std::unique_ptr<InfLlmPolicy> policy;
    InfLlmConfig memory_config;
    std::function<void()> fresh_memory;
    if (memory == "infllm") {
        MethodSettings settings = method_settings_from_args(args);
        settings.set("kv_type", kv_type_name(kv_type));
        try {
            memory_config = infllm_config_from(settings, infllm_defaults(model->config()));
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
        fresh_memory = [&] {
            tf.set_attention_policy(nullptr);
            policy = std::make_unique<InfLlmPolicy>(tf, memory_config);
            tf.set_attention_policy(policy.get());
        };
    }
    const bool quiet = args.flag("json");
    const PerplexityResult r = compute_perplexity(
        tf, tokens, n_ctx, max_chunks,
        [&](int done, int total, double ppl) {
            if (!quiet) std::fprintf(stderr, "[%d/%d] ppl %.4f\n", done, total, ppl);
        },
        fresh_memory);
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
            .key("memory").value(memory == "none" ? std::string("none") : "infllm: " + memory_config.describe())
            .end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        std::printf("perplexity %.4f over %lld scored tokens (%d chunks of %d)%s\n", ppl, scored, r.chunks, n_ctx,
                    memory == "none" ? "" : (", InfLLM memory: " + memory_config.describe()).c_str());
    }
    return 0;
}

}  // namespace gleaner::cli
