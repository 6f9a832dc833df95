#pragma once
// The CUDA backend (kernels/cuda/README.md explains the design). No CUDA headers here, so plain
// C++ code can create it.
#include <memory>

#include "backend.h"

namespace gleaner {

// The backend on CUDA device `device`; n_threads host threads for the long-context methods' host
// work and for matmuls of weights the memory plan leaves on the CPU. Throws std::runtime_error
// (with the CUDA error) when the device cannot be initialised.
std::unique_ptr<Backend> make_cuda_backend(int device, int n_threads);

}  // namespace gleaner
