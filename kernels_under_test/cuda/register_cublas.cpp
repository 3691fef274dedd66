// cuBLAS GEMMs (cublas_provider.h) in the kernel table: device "library", no twin, checked by
// the bound of an honest, conservative recipe. cuBLAS does not document its kernels' summation
// order, block sizes or split-K choices, so each recipe declares order "any": the bound that
// holds for every summation order, blocking and split-K of the declared accumulator (a depth-k
// chain's, which dominates any blocked, split-K, tree or tensor-core block order over the
// same roundings), with:
//  - acc_rounding rz where tensor cores may accumulate (fp32 output of a block is rounded
//    toward zero: docs/REFERENCE.md "Tensor-core arithmetic"; a directed rounding costs one ulp,
//    and k roundings of one ulp bound ceil(k/b) block roundings plus the per-block
//    truncation to f >= 24 bits); rne for fp32 inputs under CUBLAS_COMPUTE_32F (CUDA-core
//    FMA, no tensor cores in the default math mode) and for fp16 accumulation (the block's
//    fp16 result is rounded to nearest);
//  - input_cast for the _FAST_ compute types, which may round fp32 inputs to tf32, fp16 or
//    bf16 before the product (cuBLAS documents that _FAST_16F and _FAST_16BF may use tf32 as
//    well: the declared cast is the narrower one). The bound assumes the cast rounds to
//    nearest; a library that truncates would exceed it (docs/kernels.md, "CUDA kernels");
//  - normal inputs only for 16-bit inputs: on an H100, tensor cores align a subnormal operand
//    at the format's emin (docs/GPU_RESULTS.md), which can lose up to 2^(p-1) times more than
//    the product's size suggests; gemm.fp16.cublas.32f exceeded the sequential bound (ratio
//    1.017, seed 1 case 2903, log_uniform) on such a case;
//  - alpha * x finite for every input: cuBLAS applies alpha before the sum (docs/GPU_RESULTS.md).
#include <optional>

#include "kernels_under_test/cpu/reduction_kernel.h"
#include "kernels_under_test/cuda/cublas_provider.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard::cuda {
namespace {

BlasType blas_type(Format f) {
  return f == Format::fp16 ? BlasType::fp16 : f == Format::bf16 ? BlasType::bf16 : BlasType::fp32;
}

void register_cublas(const std::string& name, Format in, BlasCompute compute, Format acc,
                     Rounding acc_rounding, std::optional<Format> cast = std::nullopt) {
  Recipe r;
  r.in = in;
  r.input_cast = cast;
  r.product = std::nullopt;  // tensor-core blocks and FMAs both take exact products
  r.acc = acc;
  r.acc_rounding = acc_rounding;
  r.shape = {.order = Order::any};
  r.out = acc;
  r.out_rounding = Rounding::rne;
  r.domain.normal_inputs_only = desc(in).precision < desc(Format::fp32).precision;
  // gemm.fp32.cublas.32f returned inf for an element worth -1.6e25 whose row held 2.2e38 with
  // alpha = 1.9 (seed 1, case 153, H100): alpha is applied before the sum, not after it.
  r.domain.alpha_scales_inputs = true;
  KernelDesc d = cuda_kernel(
      name, "gemm", r,
      [in, compute, acc](const Problem& p, Tensor& out) {
        require_inputs(p, in, true);
        if (p.beta != 0 && p.c.format != acc)
          throw std::invalid_argument("kernel: c is not in the kernel's output format");
        Tensor y(acc, {p.m, p.n});
        y.bits = cublas_gemm(blas_type(in), blas_type(acc), compute, {p.m, p.n, p.k}, p.a.bits,
                             p.b.bits, p.c.bits, p.alpha, p.beta);
        out = std::move(y);
      },
      "");
  d.device = Device::library;
  kernels::register_kernel(std::move(d));
}

const bool registered = [] {
  register_cublas("gemm.fp16.cublas.32f", Format::fp16, BlasCompute::c32f, Format::fp32,
                  Rounding::rz);
  register_cublas("gemm.bf16.cublas.32f", Format::bf16, BlasCompute::c32f, Format::fp32,
                  Rounding::rz);
  register_cublas("gemm.fp32.cublas.32f", Format::fp32, BlasCompute::c32f, Format::fp32,
                  Rounding::rne);
  register_cublas("gemm.fp16.cublas.16f", Format::fp16, BlasCompute::c16f, Format::fp16,
                  Rounding::rne);
  register_cublas("gemm.fp32.cublas.fast-tf32", Format::fp32, BlasCompute::c32f_fast_tf32,
                  Format::fp32, Rounding::rz, Format::tf32);
  register_cublas("gemm.fp32.cublas.fast-16f", Format::fp32, BlasCompute::c32f_fast_16f,
                  Format::fp32, Rounding::rz, Format::fp16);
  register_cublas("gemm.fp32.cublas.fast-16bf", Format::fp32, BlasCompute::c32f_fast_16bf,
                  Format::fp32, Rounding::rz, Format::bf16);
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
