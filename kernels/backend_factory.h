#pragma once
// The backend a device string names, with the fallback to the CPU where there is no CUDA
// driver or device (one line on stderr says so). Lives in gleaner_backends, which links the
// CUDA backend when the build has it.
#include <memory>
#include <string>

#include "backend.h"

namespace gleaner {

// device: "cpu", "cuda", "cuda:N" or "auto". Throws std::invalid_argument for an unknown
// string or a device index that does not exist.
std::unique_ptr<Backend> make_backend(const std::string& device, int n_threads);

// Whether this build includes the CUDA backend.
bool cuda_backend_built();
// CUDA devices usable now (0 in a CPU-only build); *reason says why there are none.
int cuda_device_count(std::string* reason = nullptr);

}  // namespace gleaner
