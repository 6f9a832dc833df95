// gleaner-cli bench: prompt processing and generation speed, measured like llama-bench
// (pp: one batch of random prompt tokens into an empty cache; tg: one token at a time).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "transformer.h"

namespace gleaner::cli {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}
}  // namespace

int cmd_bench(const CommandArgs& argv) {
    Args args(argv, {"model", "prompt-tokens", "gen-tokens", "threads", "reps", "device", "kv-type"}, {"json"});
    const int n_prompt = static_cast<int>(args.get_int_or("prompt-tokens", 512, 0, 1 << 20));
    const int n_gen = static_cast<int>(args.get_int_or("gen-tokens", 128, 0, 1 << 20));
    const int reps = static_cast<int>(args.get_int_or("reps", 3, 1, 100));
    const auto model = load_model_from_args(args);
    const auto backend = backend_from_args(args);  // --device: cuda:N, or the CPU as fallback
    const DType kv_type = kv_type_from_args(args);
    Transformer tf(*model, *backend, std::max(n_prompt, n_gen) + 1, 512, kv_type);
    const ModelConfig& c = model->config();
    const size_t kv_bytes_per_token = KvCache::bytes_for(c.n_layers, 1, c.n_kv_heads, c.head_dim, kv_type) - sizeof(int32_t);

    std::mt19937 rng(42);
    std::uniform_int_distribution<int32_t> pick(0, model->config().n_vocab - 1);
    std::vector<int32_t> prompt(n_prompt);
    for (int32_t& t : prompt) t = pick(rng);

    // One untimed warm-up pass of each kind, then the mean over reps.
    double pp_s = 0.0, tg_s = 0.0;
    for (int r = 0; r <= reps; ++r) {
        if (n_prompt > 0) {
            tf.reset();
            const auto t0 = std::chrono::steady_clock::now();
            tf.forward(prompt, Logits::Last);
            if (r > 0) pp_s += seconds_since(t0);
        }
        if (n_gen > 0) {
            tf.reset();
            const auto t0 = std::chrono::steady_clock::now();
            int32_t tok = pick(rng);
            for (int i = 0; i < n_gen; ++i) {
                const int32_t one[1] = {tok};
                tf.forward(one, Logits::Last);
                tok = pick(rng);
            }
            if (r > 0) tg_s += seconds_since(t0);
        }
    }
    const double pp = n_prompt > 0 ? n_prompt * reps / pp_s : 0.0;
    const double tg = n_gen > 0 ? n_gen * reps / tg_s : 0.0;
    if (args.flag("json")) {
        JsonWriter j;
        j.begin_object()
            .key("prefill_tok_s").value(pp)
            .key("decode_tok_s").value(tg)
            .key("peak_rss_mb").value(peak_rss_mb())
            .key("kv_type").value(std::string(dtype_traits(kv_type).name))
            .key("kv_bytes_per_token").value(static_cast<int64_t>(kv_bytes_per_token))
            .key("threads").value(backend->threads())
            .key("backend").value(backend->name())
            .key("device").value(backend->name().rfind("cuda", 0) == 0 ? backend->name() : std::string("cpu"))
            .key("memory_plan").value(tf.memory_plan())
            .end_object();
        std::printf("%s\n", j.str().c_str());
    } else {
        std::printf("%s on %s, %d threads\n", model->config().name.c_str(), backend->name().c_str(), backend->threads());
        if (!tf.memory_plan().empty()) std::printf("memory: %s\n", tf.memory_plan().c_str());
        std::printf("pp%d: %.1f tok/s   tg%d: %.1f tok/s   peak RSS %.0f MB   KV cache %s, %zu bytes/token\n", n_prompt,
                    pp, n_gen, tg, peak_rss_mb(), std::string(dtype_traits(kv_type).name).c_str(), kv_bytes_per_token);
    }
    return 0;
}

}  // namespace gleaner::cli
