#include "device_select.h"

#include <charconv>

namespace gleaner {

std::optional<DeviceRequest> parse_device(std::string_view s, std::string* error) {
    DeviceRequest r;
    if (s == "cpu") {
        r.kind = DeviceRequest::Kind::Cpu;
        return r;
    }
    if (s == "auto" || s.empty()) {
        r.kind = DeviceRequest::Kind::Auto;
        return r;
    }
    if (s == "cuda" || s == "gpu") {
        r.kind = DeviceRequest::Kind::Cuda;
        return r;
    }
    if (s.substr(0, 5) == "cuda:") {
        const std::string_view digits = s.substr(5);
        int idx = -1;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
        if (ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty() && idx >= 0 && idx < 1024) {
            r.kind = DeviceRequest::Kind::Cuda;
            r.index = idx;
            return r;
        }
    }
    if (error) *error = "unknown device '" + std::string(s) + "' (expected cpu, cuda, cuda:N or auto)";
    return std::nullopt;
}

DeviceChoice choose_device(const DeviceRequest& r, bool cuda_built, int n_devices,
                           const std::string& unavailable_reason) {
    DeviceChoice c;
    if (r.kind == DeviceRequest::Kind::Cpu) return c;
    if (!cuda_built) {
        // auto is silent on a CPU-only build: nothing was asked for that could not be given.
        if (r.kind == DeviceRequest::Kind::Cuda)
            c.note = "this build has no CUDA backend (built without nvcc): running on the CPU";
        return c;
    }
    if (n_devices <= 0) {
        c.note = (unavailable_reason.empty() ? std::string("no CUDA device") : unavailable_reason) +
                 ": running on the CPU";
        return c;
    }
    if (r.index >= n_devices) {
        c.error = "device cuda:" + std::to_string(r.index) + " does not exist (" + std::to_string(n_devices) +
                  " CUDA device" + (n_devices == 1 ? "" : "s") + " found: cuda:0" +
                  (n_devices > 1 ? "..cuda:" + std::to_string(n_devices - 1) : std::string()) + ")";
        return c;
    }
    c.cuda = true;
    c.index = r.index;
    return c;
}

}  // namespace gleaner
