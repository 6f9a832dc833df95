#include "model_speed.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "backend_factory.h"
#include "context_method.h"
#include "model.h"
#include "transformer.h"

namespace gleaner {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

ModelSpeed measure_model_speed(const std::string& path, const SpeedTest& test, const std::atomic<bool>* cancel) {
    const auto stop_if_asked = [cancel] {
        if (cancel && cancel->load()) throw CancelledError();
    };
    const auto model = Model::load(path);
    stop_if_asked();
    const auto backend = make_backend(test.device, test.threads);
    const int prompt_tokens = std::max(1, test.prompt_tokens), decode_tokens = std::max(1, test.decode_tokens);
    Transformer tf(*model, *backend, std::min(model->config().n_ctx_train > 0 ? model->config().n_ctx_train : 1 << 30,
                                              prompt_tokens + decode_tokens + 1));

    std::mt19937 rng(7);
    std::uniform_int_distribution<int32_t> pick(0, model->config().n_vocab - 1);
    std::vector<int32_t> prompt(prompt_tokens);
    for (int32_t& t : prompt) t = pick(rng);

    // Warm-up: the first pass pages the weights in and sizes the buffers.
    const int32_t first[1] = {prompt[0]};
    tf.forward(first, Logits::Last);
    stop_if_asked();

    tf.reset();
    auto t0 = std::chrono::steady_clock::now();
    tf.forward(prompt, Logits::Last);
    const double prefill_s = seconds_since(t0);
    stop_if_asked();

    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < decode_tokens; ++i) {
        const int32_t one[1] = {pick(rng)};
        tf.forward(one, Logits::Last);
        stop_if_asked();
    }
    const double decode_s = seconds_since(t0);

    ModelSpeed speed;
    speed.prefill_tokens_per_s = prompt_tokens / std::max(prefill_s, 1e-9);
    speed.decode_tokens_per_s = decode_tokens / std::max(decode_s, 1e-9);
    speed.threads = backend->threads();
    speed.device = backend->name();
    return speed;
}

}  // namespace gleaner
