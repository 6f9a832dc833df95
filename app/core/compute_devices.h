#pragma once
// The devices a model can run on, as the front ends offer them ("cpu", "auto", "cuda:N"): the
// settings dialog lists them without reaching into the backends itself.
#include <string>
#include <vector>

namespace gleaner {

struct ComputeDevices {
    int gpus = 0;              // CUDA devices usable now (0 in a CPU-only build)
    std::string why_no_gpu;    // when gpus == 0: the reason, for the user
};

ComputeDevices compute_devices();

}  // namespace gleaner
