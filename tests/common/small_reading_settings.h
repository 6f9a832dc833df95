#pragma once
// Reading-memory settings for tests: small windows so that a few thousand tokens make init
// tokens, blocks and several checkpoints (the defaults need tens of thousands).
#include "context_method.h"

namespace gleaner::test {

inline MethodSettings small_reading_settings() {
    MethodSettings s;
    s.set("n_init", "16");
    s.set("n_local", "256");
    s.set("topk", "4");
    s.set("block_size", "32");
    s.set("exc_block", "128");
    s.set("checkpoint_tokens", "512");
    return s;
}

}  // namespace gleaner::test
