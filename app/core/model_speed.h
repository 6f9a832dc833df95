#pragma once
// How fast a model runs on this machine: a short prefill and a few decode steps with the engine,
// the way `gleaner-cli bench` measures (random tokens; the numbers do not depend on the text).
// For the model manager's "measured speed" column.
#include <atomic>
#include <string>

namespace gleaner {

struct ModelSpeed {
    double prefill_tokens_per_s = 0;  // reading a book
    double decode_tokens_per_s = 0;   // writing an answer
    int threads = 0;
    std::string device;  // the backend that ran it ("cpu", "cuda:0")
};

struct SpeedTest {
    int prompt_tokens = 128;
    int decode_tokens = 16;
    int threads = 0;            // 0: all cores
    std::string device = "cpu"; // as make_backend takes it
};

// Loads the model and measures it (one untimed warm-up step first). Throws std::runtime_error
// when the model cannot be loaded, CancelledError (context_method.h) when *cancel turns true
// between steps.
ModelSpeed measure_model_speed(const std::string& path, const SpeedTest& test = {},
                               const std::atomic<bool>* cancel = nullptr);

}  // namespace gleaner
