#pragma once
// Discovery of CUDA devices. Returns an empty list (never throws) when there is no driver or no
// device, so callers fall back to the CPU backend.
#include <cstddef>
#include <string>
#include <vector>

namespace gleaner::cuda {

struct DeviceInfo {
    int index = 0;
    std::string name;
    size_t total_memory = 0;  // bytes
    size_t free_memory = 0;   // bytes, at discovery time
    int compute_major = 0;
    int compute_minor = 0;
};

std::vector<DeviceInfo> list_devices();
// Why list_devices() is empty ("no CUDA driver", "no device"), or "" when it is not.
std::string unavailable_reason();

}  // namespace gleaner::cuda
