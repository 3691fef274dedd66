// The tensor-core GEMMs of gemm_mma.cu in the kernel table: device cuda, twin
// `<name>.twin` (kernels_under_test/cpu/twin_mma.cpp), the twin's recipe. The recipes follow
// the twins' architecture the registry binds (hopper when no device and no NUMGUARD_TC_ARCH:
// b = 16, f = 25 for fp16 / bf16, b = 8, f = 25 for tf32; kernels_under_test/cpu/twin_arch.h).
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard::cuda {
namespace {

TcInput tc_input(Format in) {
  return in == Format::fp16 ? TcInput::fp16 : in == Format::bf16 ? TcInput::bf16 : TcInput::tf32;
}

void register_mma(const std::string& name, Format in, Format acc) {
  kernels::register_kernel(kernels::arch_dependent(
      cuda_kernel(
          name, "gemm", {},
          [in, acc](const Problem& p, Tensor& out) {
            require_inputs(p, in, true);
            const Epilogue e = epilogue_of(p, acc);
            Tensor y(acc, {p.m, p.n});
            y.bits = gemm_mma(tc_input(in), acc == Format::fp16 ? TcAcc::fp16 : TcAcc::fp32,
                              {p.m, p.n, p.k}, p.a.bits, p.b.bits, c_in(p, acc, e), e);
            out = std::move(y);
          },
          name + ".twin"),
      kernels::recipe_for_arch(
          [in, acc](std::string_view arch) { return kernels::mma_gemm_recipe(arch, in, acc); })));
}

const bool registered = [] {
  register_mma("gemm.fp16.tc-mma", Format::fp16, Format::fp32);
  register_mma("gemm.bf16.tc-mma", Format::bf16, Format::fp32);
  register_mma("gemm.tf32.tc-mma", Format::tf32, Format::fp32);
  register_mma("gemm.fp16.tc-mma.fp16acc", Format::fp16, Format::fp16);

  const std::string splitk = "gemm.fp16.tc-mma.splitk4";
  kernels::register_kernel(
      kernels::arch_dependent(cuda_kernel(
                                  splitk, "gemm", {},
                                  [](const Problem& p, Tensor& out) {
                                    require_inputs(p, Format::fp16, true);
                                    const Epilogue e = epilogue_of(p, Format::fp32);
                                    Tensor y(Format::fp32, {p.m, p.n});
                                    y.bits = gemm_mma_splitk(4, {p.m, p.n, p.k}, p.a.bits, p.b.bits,
                                                             c_in(p, Format::fp32, e), e);
                                    out = std::move(y);
                                  },
                                  splitk + ".twin"),
                              kernels::recipe_for_arch([](std::string_view arch) {
                                return kernels::mma_splitk_recipe(arch, Format::fp16, 4);
                              })));
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
