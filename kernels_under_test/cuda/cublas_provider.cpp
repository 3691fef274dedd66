// cublasGemmEx behind the plain interface of cublas_provider.h. Compiled by the host compiler
// against the toolkit's headers; only in the CUDA build (launch_stub.cpp otherwise).
// libcublas is opened on first use (dlopen), not linked: a verb that never calls cuBLAS
// (mma, convert, every CPU check) does not pay its load at start-up.
#include "kernels_under_test/cuda/cublas_provider.h"

#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace numguard::cuda {
namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorName(e) + ": " +
                             cudaGetErrorString(e));
}

// The four cuBLAS entry points numguard calls, resolved from libcublas on first use. (The
// header overloads cublasGemmEx in C++ for a cudaDataType compute type: the exported one is
// spelled out.)
using GemmExFn = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int,
                                    int, const void*, const void*, cudaDataType, int, const void*,
                                    cudaDataType, int, const void*, void*, cudaDataType, int,
                                    cublasComputeType_t, cublasGemmAlgo_t);
struct CublasApi {
  decltype(&cublasCreate_v2) create;
  GemmExFn gemm_ex;
  decltype(&cublasGetStatusName) status_name;
  decltype(&cublasGetStatusString) status_string;
};

const CublasApi& cublas() {
  static const CublasApi api = [] {
    // The toolkit's own directory first (no rpath points there now), then the loader's path.
    const std::string soname = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
    void* lib = nullptr;
    std::string tried;
    for (const std::string& name : {std::string(NUMGUARD_CUDA_LIBRARY_DIR) + "/" + soname, soname,
                                    std::string("libcublas.so")}) {
      if ((lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL))) break;
      tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
    }
    if (!lib) throw std::runtime_error("cuBLAS: cannot load " + soname + " (" + tried + ")");
    const auto sym = [lib](const char* name) {
      void* f = dlsym(lib, name);
      if (!f) throw std::runtime_error(std::string("cuBLAS: libcublas lacks ") + name);
      return f;
    };
    return CublasApi{
        reinterpret_cast<decltype(&cublasCreate_v2)>(sym("cublasCreate_v2")),
        reinterpret_cast<GemmExFn>(sym("cublasGemmEx")),
        reinterpret_cast<decltype(&cublasGetStatusName)>(sym("cublasGetStatusName")),
        reinterpret_cast<decltype(&cublasGetStatusString)>(sym("cublasGetStatusString"))};
  }();
  return api;
}

void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLAS: ") + what + ": " + cublas().status_name(s) +
                             ": " + cublas().status_string(s));
}

// Handles are expensive to create and must not be used by two threads at once: a pool, each
// call borrows one. They live as long as the process (destroying them at exit could run after
// the runtime has shut down).
class HandlePool {
 public:
  cublasHandle_t acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        cublasHandle_t h = free_.back();
        free_.pop_back();
        return h;
      }
    }
    cublasHandle_t h = nullptr;
    check(cublas().create(&h), "cublasCreate");
    return h;
  }
  void release(cublasHandle_t h) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(h);
  }

 private:
  std::mutex mu_;
  std::vector<cublasHandle_t> free_;
};

HandlePool& pool() {
  static HandlePool* p = new HandlePool;  // never destroyed, see above
  return *p;
}

struct Handle {
  cublasHandle_t h = pool().acquire();
  ~Handle() { pool().release(h); }
};

class DeviceBytes {
 public:
  explicit DeviceBytes(size_t bytes) {
    check(cudaMalloc(&ptr_, std::max<size_t>(bytes, 16)), "cudaMalloc");
  }
  ~DeviceBytes() { cudaFree(ptr_); }
  DeviceBytes(const DeviceBytes&) = delete;
  DeviceBytes& operator=(const DeviceBytes&) = delete;
  void* get() const { return ptr_; }

 private:
  void* ptr_ = nullptr;
};

size_t width(BlasType t) {
  return t == BlasType::fp32 ? 4 : 2;
}

cudaDataType data_type(BlasType t) {
  switch (t) {
    case BlasType::fp16:
      return CUDA_R_16F;
    case BlasType::bf16:
      return CUDA_R_16BF;
    case BlasType::fp32:
      return CUDA_R_32F;
  }
  throw std::invalid_argument("cublas_gemm: unknown type");
}

cublasComputeType_t compute_type(BlasCompute c) {
  switch (c) {
    case BlasCompute::c32f:
      return CUBLAS_COMPUTE_32F;
    case BlasCompute::c16f:
      return CUBLAS_COMPUTE_16F;
    case BlasCompute::c32f_fast_tf32:
      return CUBLAS_COMPUTE_32F_FAST_TF32;
    case BlasCompute::c32f_fast_16f:
      return CUBLAS_COMPUTE_32F_FAST_16F;
    case BlasCompute::c32f_fast_16bf:
      return CUBLAS_COMPUTE_32F_FAST_16BF;
  }
  throw std::invalid_argument("cublas_gemm: unknown compute type");
}

// The low `w` bytes of each element, little-endian, as the device stores them.
std::vector<unsigned char> pack(const Bits& bits, size_t w) {
  std::vector<unsigned char> out(bits.size() * w);
  for (size_t i = 0; i < bits.size(); ++i) std::memcpy(&out[i * w], &bits[i], w);
  return out;
}

void upload(const DeviceBytes& d, const std::vector<unsigned char>& host) {
  if (!host.empty())
    check(cudaMemcpy(d.get(), host.data(), host.size(), cudaMemcpyHostToDevice),
          "cudaMemcpy to device");
}

}  // namespace

Bits cublas_gemm(BlasType in, BlasType out, BlasCompute compute, GemmShape s, const Bits& a,
                 const Bits& b, const Bits& c, double alpha, double beta) {
  if (s.m < 0 || s.n < 0 || s.k < 0) throw std::invalid_argument("cublas_gemm: negative dimension");
  if (s.m >= (int64_t{1} << 31) || s.n >= (int64_t{1} << 31) || s.k >= (int64_t{1} << 31))
    throw std::invalid_argument("cublas_gemm: dimension too large");
  if (a.size() != static_cast<size_t>(s.m * s.k) || b.size() != static_cast<size_t>(s.k * s.n))
    throw std::invalid_argument("cublas_gemm: a must hold m*k and b k*n elements");
  const bool reads_c = beta != 0;
  if (reads_c && c.size() != static_cast<size_t>(s.m * s.n))
    throw std::invalid_argument("cublas_gemm: c must hold m*n elements");
  const size_t mn = static_cast<size_t>(s.m * s.n);
  if (mn == 0) return {};

  const size_t wi = width(in), wo = width(out);
  const DeviceBytes da(a.size() * wi), db(b.size() * wi), dc(mn * wo);
  upload(da, pack(a, wi));
  upload(db, pack(b, wi));
  if (reads_c) upload(dc, pack(c, wo));

  // Scalars in the compute type's scale type: fp16 for CUBLAS_COMPUTE_16F, else fp32.
  const bool half_scale = compute == BlasCompute::c16f;
  const __half alpha_h = __double2half(alpha), beta_h = __double2half(beta);
  const float alpha_f = static_cast<float>(alpha), beta_f = static_cast<float>(beta);
  const void* alpha_p = half_scale ? static_cast<const void*>(&alpha_h) : &alpha_f;
  const void* beta_p = half_scale ? static_cast<const void*>(&beta_h) : &beta_f;

  // Row-major out (m x n) = A B is column-major out^T (n x m) = B^T A^T: B's row-major
  // storage is B^T column-major with leading dimension n, A's is A^T with leading dimension k.
  const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
  Handle handle;
  check(cublas().gemm_ex(handle.h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, alpha_p, db.get(),
                         data_type(in), std::max(n, 1), da.get(), data_type(in), std::max(k, 1),
                         beta_p, dc.get(), data_type(out), std::max(n, 1), compute_type(compute),
                         CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
  std::vector<unsigned char> host(mn * wo);
  check(cudaMemcpy(host.data(), dc.get(), host.size(), cudaMemcpyDeviceToHost),
        "cudaMemcpy to host (after cublasGemmEx)");
  Bits result(mn, 0);
  for (size_t i = 0; i < mn; ++i) std::memcpy(&result[i], &host[i * wo], wo);
  return result;
}

}  // namespace numguard::cuda
