// The warp-per-row norm kernels of norms.cu in the kernel table, with their CPU twins:
// CUDA kernel "layernorm.<in>.fp32acc.warp32_{twopass,welford}" / "rmsnorm.<in>.fp32acc.warp32"
// (device cuda, twin_of = the twin) and twin "<that name>.twin" = norm_rows with shape strided
// over 32 lanes (twin_of = the CUDA kernel), both declaring one recipe, so the twin's check on
// a CPU-only machine is the CUDA kernel's order checked against the op's bound
// (docs/kernels.md).
#include "kernels_under_test/cuda/register_norms.h"

#include <string>
#include <utility>

#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/register_common.h"
#include "kernels_under_test/cuda/register_softmax.h"  // row_input

namespace numguard::cuda {

kernels::NormAlgo warp_norm_algo(NormKind kind) {
  kernels::NormAlgo a;
  a.method = kind == NormKind::layernorm_welford ? Method::welford : Method::two_pass;
  a.rms = kind == NormKind::rmsnorm;
  a.shape = {.order = Order::strided, .lanes = 32};
  return a;
}

Recipe warp_norm_recipe(Format in, NormKind kind) {
  const kernels::NormAlgo a = warp_norm_algo(kind);
  // As norm_kernels.cpp declares the sequential kernels: rmsnorm's method is direct.
  return kernels::row_recipe(
      {.in = in, .out = in, .method = a.rms ? Method::direct : a.method, .shape = a.shape});
}

KernelFn run_norm_twin(Format in, const kernels::NormAlgo& a) {
  return [in, a](const Problem& p, Tensor& out) {
    require_inputs(p, in, true);
    out = Tensor(in, {p.m, p.n});  // the twin is also run on a bare tensor (cuda_kernels_test)
    kernels::norm_rows(a, p, out);
  };
}

KernelFn run_norm_device(Format in, NormKind kind) {
  const RowInput rin = row_input(in);
  return [in, rin, kind](const Problem& p, Tensor& out) {
    require_inputs(p, in, true);
    Tensor y(in, {p.m, p.n});
    // eps as norm_rows rounds it: static_cast<float> of the double scalar.
    y.bits = norm_warp(rin, kind, p.m, p.n, p.a.bits, p.b.bits,
                       kind == NormKind::rmsnorm ? Bits{} : p.c.bits,
                       static_cast<float>(p.scalars.at(0)));
    out = std::move(y);
  };
}

namespace {

void register_pair(Format in, NormKind kind) {
  const std::string_view op = kind == NormKind::rmsnorm ? "rmsnorm" : "layernorm";
  const char* algorithm = kind == NormKind::rmsnorm             ? "warp32"
                          : kind == NormKind::layernorm_welford ? "warp32_welford"
                                                                : "warp32_twopass";
  const std::string name = kernels::row_kernel_name(op, in, algorithm);
  const Recipe recipe = warp_norm_recipe(in, kind);
  kernels::register_kernel(
      cuda_kernel(name, op, recipe, run_norm_device(in, kind), name + ".twin"));
  kernels::register_twin(name, op, recipe, run_norm_twin(in, warp_norm_algo(kind)));
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32})
    for (NormKind kind :
         {NormKind::layernorm_two_pass, NormKind::layernorm_welford, NormKind::rmsnorm})
      register_pair(in, kind);
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
