#include "cublas_loader.h"

#include <dlfcn.h>

#include <stdexcept>

namespace gleaner::gpu {

namespace {

#define GLEANER_STR2(x) #x
#define GLEANER_STR(x) GLEANER_STR2(x)

template <typename Fn>
void bind(void* lib, const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(dlsym(lib, name));
    if (!fn) throw std::runtime_error(std::string("cuBLAS has no ") + name + " (" + dlerror() + ")");
}

Cublas load() {
    void* lib = nullptr;
    std::string tried;
    // the system's search path first, then the toolkit this was built with
    for (const char* name : {"libcublas.so." GLEANER_STR(CUBLAS_VER_MAJOR), "libcublas.so",
                             GLEANER_CUDA_LIB_DIR "/libcublas.so." GLEANER_STR(CUBLAS_VER_MAJOR)}) {
        lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (lib) break;
        tried += std::string(tried.empty() ? "" : "; ") + dlerror();
    }
    if (!lib) throw std::runtime_error("cannot load cuBLAS (" + tried + "); install the CUDA toolkit's cuBLAS");
    Cublas c;  // the library stays loaded for the life of the process
    bind(lib, "cublasCreate_v2", c.create);
    bind(lib, "cublasDestroy_v2", c.destroy);
    bind(lib, "cublasSetStream_v2", c.set_stream);
    bind(lib, "cublasGemmEx", c.gemm_ex);
    bind(lib, "cublasGetStatusString", c.status_string);
    return c;
}

}  // namespace

const Cublas& cublas() {
    static const Cublas c = load();  // a function-local static: C++ makes its initialisation thread-safe
    return c;
}

}  // namespace gleaner::gpu
