#pragma once
// The memory plan of a device backend: does the model fit in the device's free memory, and if
// not, how many layers stay resident (the rest run on the CPU) or why it cannot run at all.
// Plain C++ so that it is unit-tested on machines without a GPU (tests/unit/test_device_plan).
#include <cstddef>
#include <string>
#include <vector>

namespace gleaner {

// What one model needs in a backend's memory, in bytes.
struct ModelFootprint {
    std::vector<size_t> layer_bytes;  // (n_layers) weights of each layer as stored (quantized)
    size_t other_bytes = 0;           // token embedding, output head and norms
    size_t kv_bytes = 0;              // the KV cache at full capacity
    size_t scratch_bytes = 0;         // activations of the largest batch
    size_t largest_weight_elems = 0;  // elements of the largest matrix (its fp16 GEMM scratch)
};

enum class PlanKind {
    Fits,        // every layer resident
    Split,       // layers [0, gpu_layers) resident, the rest run on the CPU
    DoesNotFit,  // not even the non-layer weights, KV cache and scratch fit: message says so
};

struct MemoryPlan {
    PlanKind kind = PlanKind::Fits;
    int gpu_layers = 0;          // layers resident on the device
    size_t weight_budget = 0;    // bytes of weights the device may hold (resident layers + other)
    size_t needed_bytes = 0;     // everything resident: weights + KV + scratch + fp16 GEMM scratch
    std::string message;         // one line: the plan, or why the model does not fit
};

// reserve: bytes left free for the CUDA context, cuBLAS workspace and fragmentation.
MemoryPlan plan_memory(const ModelFootprint& f, size_t free_bytes, size_t reserve_bytes);

// "1.5 GiB", "300.0 MiB": sizes in messages.
std::string format_bytes(size_t bytes);

}  // namespace gleaner
