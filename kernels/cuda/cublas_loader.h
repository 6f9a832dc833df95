#pragma once
// cuBLAS, loaded when the CUDA backend starts rather than linked: linking libcublas and
// libcublasLt made every gleaner process (CPU-only runs, --version) map and relocate them, about
// 200 MB of resident memory, and made the binaries fail to start where the libraries are absent.
#include <cublas_v2.h>

#include <string>

namespace gleaner::gpu {

// The cuBLAS entry points the backend uses.
struct Cublas {  // types from the header, so a mismatch cannot compile
    decltype(&cublasCreate_v2) create = nullptr;
    decltype(&cublasDestroy_v2) destroy = nullptr;
    decltype(&cublasSetStream_v2) set_stream = nullptr;
    // the C entry point (the header also has an inline C++ overload taking cudaDataType)
    cublasStatus_t (*gemm_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                              const void*, cudaDataType, int, const void*, cudaDataType, int, const void*, void*,
                              cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t) = nullptr;
    decltype(&cublasGetStatusString) status_string = nullptr;
};

// The library, loaded once (thread-safe); throws std::runtime_error naming what is missing.
const Cublas& cublas();

}  // namespace gleaner::gpu
