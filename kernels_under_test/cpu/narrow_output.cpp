// GEMMs that accumulate in fp32 and write a 16-bit output, the usual mixed-precision layer:
// D = RN_out(alpha * acc + beta * C) with the conversion fp32 -> bf16 / fp16 rounding to
// nearest even (docs/REFERENCE.md: truncation, bits >> 16, is the classic bug). Named
// "gemm.<in>.fp32acc.sequential.<out>out".
#include "kernels_under_test/cpu/sequential.h"

namespace numguard::kernels {
namespace {

void register_narrow_output(Format in, Format out) {
  const Sequential algo;
  const Arithmetic arith{.in = in, .acc = Format::fp32, .out = out};
  register_kernel(
      cpu_kernel(kernel_name("gemm", in, Format::fp32, Sequential::name) + "." +
                     std::string(name(out)) + "out",
                 "gemm",
                 reduction_recipe("gemm", in, Format::fp32, algo.shape(),
                                  Sequential::fuses_products, out, Rounding::rne),
                 [algo, arith](const Problem& p, Tensor& y) { run_reduction(algo, arith, p, y); }));
}

const bool registered = [] {
  register_narrow_output(Format::bf16, Format::bf16);
  register_narrow_output(Format::fp16, Format::fp16);
  return true;
}();

}  // namespace
}  // namespace numguard::kernels
