#include "backend_factory.h"

#include <cstdio>
#include <stdexcept>

#include "device_select.h"

#ifdef GLEANER_HAVE_CUDA
#include "cuda/cuda_backend.h"
#include "cuda/cuda_devices.h"
#endif

namespace gleaner {

bool cuda_backend_built() {
#ifdef GLEANER_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

int cuda_device_count(std::string* reason) {
#ifdef GLEANER_HAVE_CUDA
    const int n = static_cast<int>(cuda::list_devices().size());
    if (n == 0 && reason) *reason = cuda::unavailable_reason();
    return n;
#else
    if (reason) *reason = "this build has no CUDA backend (nvcc was not found)";
    return 0;
#endif
}

std::unique_ptr<Backend> make_backend(const std::string& device, int n_threads) {
    std::string error;
    const auto req = parse_device(device, &error);
    if (!req) throw std::invalid_argument(error);
    int n_devices = 0;
    std::string reason;
#ifdef GLEANER_HAVE_CUDA
    if (req->kind != DeviceRequest::Kind::Cpu) {
        n_devices = static_cast<int>(cuda::list_devices().size());
        if (n_devices == 0) reason = cuda::unavailable_reason();
    }
#endif
    const DeviceChoice choice = choose_device(*req, cuda_backend_built(), n_devices, reason);
    if (!choice.error.empty()) throw std::invalid_argument(choice.error);
    if (!choice.note.empty()) std::fprintf(stderr, "gleaner: %s\n", choice.note.c_str());
#ifdef GLEANER_HAVE_CUDA
    if (choice.cuda) return make_cuda_backend(choice.index, n_threads);
#endif
    return make_cpu_backend(n_threads);
}

}  // namespace gleaner
