#include "compute_devices.h"

#include "backend_factory.h"

namespace gleaner {

ComputeDevices compute_devices() {
    ComputeDevices d;
    d.gpus = cuda_device_count(&d.why_no_gpu);
    return d;
}

}  // namespace gleaner
