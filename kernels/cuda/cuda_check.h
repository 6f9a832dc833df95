#pragma once
// Error checks for every CUDA runtime and cuBLAS call (a failed call throws with the call's text
// and location: nothing is silently ignored), and an owning device allocation.
#include <cublas_v2.h>

#include "cublas_loader.h"
#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace gleaner::gpu {

[[noreturn]] inline void throw_cuda(const char* what, const std::string& err, const char* file, int line) {
    throw std::runtime_error(std::string("CUDA: ") + what + " failed: " + err + " (" + file + ":" +
                             std::to_string(line) + ")");
}

inline void check_cuda(cudaError_t e, const char* what, const char* file, int line) {
    if (e != cudaSuccess) {
        cudaGetLastError();  // clear a non-sticky error so the message is about this call
        throw_cuda(what, std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e), file, line);
    }
}

inline void check_cublas(cublasStatus_t s, const char* what, const char* file, int line) {
    if (s != CUBLAS_STATUS_SUCCESS) throw_cuda(what, cublas().status_string ? cublas().status_string(s) : "cuBLAS error", file, line);
}

}  // namespace gleaner::gpu

#define GLEANER_CUDA_CHECK(expr) ::gleaner::gpu::check_cuda((expr), #expr, __FILE__, __LINE__)
#define GLEANER_CUBLAS_CHECK(expr) ::gleaner::gpu::check_cublas((expr), #expr, __FILE__, __LINE__)
// After a kernel launch: launch-configuration errors surface here, not at the next sync.
#define GLEANER_CUDA_CHECK_LAUNCH() GLEANER_CUDA_CHECK(cudaGetLastError())

namespace gleaner::gpu {

// cudaMalloc'd bytes, freed on destruction (errors in the destructor are not thrown).
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t bytes) { resize(bytes); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            release();
            p_ = o.p_, n_ = o.n_;
            o.p_ = nullptr, o.n_ = 0;
        }
        return *this;
    }
    ~DeviceBuffer() { release(); }

    // Grows to at least `bytes` (contents are not kept). cudaFree waits for the device, so
    // growing never frees memory a queued kernel still uses.
    void resize(size_t bytes) {
        if (bytes <= n_) return;
        release();
        GLEANER_CUDA_CHECK(cudaMalloc(&p_, bytes));
        n_ = bytes;
    }
    // Like resize, but returns false (and stays empty) when the device is out of memory.
    bool try_resize(size_t bytes) {
        if (bytes <= n_) return true;
        release();
        const cudaError_t e = cudaMalloc(&p_, bytes);
        if (e == cudaErrorMemoryAllocation) {
            cudaGetLastError();
            p_ = nullptr;
            return false;
        }
        GLEANER_CUDA_CHECK(e);
        n_ = bytes;
        return true;
    }
    template <typename T = void>
    T* get() const { return static_cast<T*>(p_); }
    size_t size() const { return n_; }

private:
    void release() {
        if (p_) cudaFree(p_);
        p_ = nullptr;
        n_ = 0;
    }
    void* p_ = nullptr;
    size_t n_ = 0;
};

}  // namespace gleaner::gpu
