// Kernels that compute as the tensor-core model of one architecture: dot and gemm named
// "<op>.<in>.tc-<arch>" (fp32 output, RZ) and "<op>.fp16.tc-<arch>.fp16out" (fp16 C/D, RNE).
// These are the CPU twins a CUDA mma / wgmma kernel is compared with bit for bit.
#include "kernels_under_test/cpu/tensor_core_algorithm.h"

namespace numguard::kernels {
namespace {

void register_tensor_core(std::string_view arch, Format in, Format acc) {
  const TensorCoreBlocks algo{.model = tc::preset(arch, in, acc), .acc = acc};
  const Arithmetic arith{.in = in, .acc = acc, .out = acc, .out_rounding = Rounding::rne};
  for (const char* op : {"dot", "gemm"}) {
    std::string n = std::string(op) + "." + std::string(name(in)) + ".tc-" + std::string(arch);
    if (acc != Format::fp32) n += "." + std::string(name(acc)) + "out";
    register_kernel(cpu_kernel(
        n, op, tensor_core_recipe(in, acc, algo.model),
        [algo, arith](const Problem& p, Tensor& y) { run_tensor_core(algo, arith, p, y); }));
  }
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::tf32, Format::e4m3, Format::e5m2})
    register_tensor_core("hopper", in, Format::fp32);
  register_tensor_core("hopper", Format::fp16, Format::fp16);
  for (Format in : {Format::fp16, Format::bf16, Format::tf32})
    register_tensor_core("ampere", in, Format::fp32);
  register_tensor_core("ampere", Format::fp16, Format::fp16);
  register_tensor_core("volta", Format::fp16, Format::fp32);
  register_tensor_core("volta", Format::fp16, Format::fp16);
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
