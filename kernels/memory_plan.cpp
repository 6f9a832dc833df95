#include "memory_plan.h"

#include <cstdio>
#include <numeric>

#include "cuda/launch_plan.h"

namespace gleaner {

std::string format_bytes(size_t bytes) {
    char buf[32];
    const double b = static_cast<double>(bytes);
    if (b >= 1024.0 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    else
        std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
    return buf;
}

MemoryPlan plan_memory(const ModelFootprint& f, size_t free_bytes, size_t reserve_bytes) {
    MemoryPlan p;
    const size_t layers = std::accumulate(f.layer_bytes.begin(), f.layer_bytes.end(), size_t{0});
    // Prefill dequantizes one matrix at a time to fp16 for cuBLAS (2 bytes per element).
    // (capped: bigger matrices are converted in row chunks, cuda/launch_plan.h).
    const size_t gemm_elems = f.largest_weight_elems < static_cast<size_t>(gpu::kGemmScratchElems)
                                  ? f.largest_weight_elems
                                  : static_cast<size_t>(gpu::kGemmScratchElems);
    const size_t gemm_scratch = gemm_elems * 2;
    const size_t fixed = f.other_bytes + f.kv_bytes + f.scratch_bytes + gemm_scratch;
    p.needed_bytes = fixed + layers;
    const size_t usable = free_bytes > reserve_bytes ? free_bytes - reserve_bytes : 0;
    const int n_layers = static_cast<int>(f.layer_bytes.size());
    if (p.needed_bytes <= usable) {
        p.kind = PlanKind::Fits;
        p.gpu_layers = n_layers;
        p.weight_budget = f.other_bytes + layers;
        p.message = "all " + std::to_string(n_layers) + " layers on the GPU (" + format_bytes(p.needed_bytes) +
                    " of " + format_bytes(free_bytes) + " free)";
        return p;
    }
    if (fixed > usable) {
        p.kind = PlanKind::DoesNotFit;
        p.message = "the model does not fit on the GPU: embeddings and output " + format_bytes(f.other_bytes) +
                    " + KV cache " + format_bytes(f.kv_bytes) + " + scratch " +
                    format_bytes(f.scratch_bytes + gemm_scratch) + " need " + format_bytes(fixed) +
                    " before any layer, but only " + format_bytes(usable) + " of " + format_bytes(free_bytes) +
                    " free memory is usable (use a smaller context, a smaller model, or --device cpu)";
        return p;
    }
    // Keep the first layers resident: the forward pass runs them in order, so the split is one
    // device-to-host hand-over per token batch rather than one per layer.
    size_t used = fixed;
    int k = 0;
    while (k < n_layers && used + f.layer_bytes[k] <= usable) used += f.layer_bytes[k++];
    p.kind = PlanKind::Split;
    p.gpu_layers = k;
    p.weight_budget = used - f.kv_bytes - f.scratch_bytes - gemm_scratch;
    p.message = std::to_string(k) + " of " + std::to_string(n_layers) + " layers on the GPU, " +
                std::to_string(n_layers - k) + " on the CPU (the model needs " + format_bytes(p.needed_bytes) +
                ", " + format_bytes(free_bytes) + " free)";
    return p;
}

}  // namespace gleaner
