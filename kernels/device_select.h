#pragma once
// Which backend a device string asks for ("cpu", "cuda", "cuda:N", "auto") and what runs when
// the machine cannot give it. Plain C++ (no CUDA headers), unit-tested on the CPU.
#include <optional>
#include <string>
#include <string_view>

namespace gleaner {

struct DeviceRequest {
    enum class Kind { Cpu, Cuda, Auto };
    Kind kind = Kind::Auto;
    int index = 0;  // CUDA device index (cuda = cuda:0)
};

// nullopt (and *error set) for anything else.
std::optional<DeviceRequest> parse_device(std::string_view s, std::string* error = nullptr);

struct DeviceChoice {
    bool cuda = false;   // false: the CPU backend
    int index = 0;       // CUDA device index when cuda
    std::string note;    // one line for stderr when the request could not be met as asked ("" else)
    std::string error;   // non-empty: refuse (e.g. cuda:3 on a machine with two GPUs)
};

// cuda_built: the program was compiled with the CUDA backend. n_devices: CUDA devices found
// (0 when there is no driver). unavailable_reason: why there are none ("no CUDA driver ...").
DeviceChoice choose_device(const DeviceRequest& r, bool cuda_built, int n_devices,
                           const std::string& unavailable_reason);

}  // namespace gleaner
