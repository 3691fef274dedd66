// The flash-style attention kernel of attention.cu in the kernel table, with its CPU twin:
// CUDA kernel "attention.<in>.fp32acc.rowblock_tiled" (one thread block per query row, key
// tiles of 8; device cuda, twin_of = the twin) and twin "<that name>.twin" = attention_rows'
// tiled algorithm with the same block (twin_of = the CUDA kernel), both declaring the CPU
// tiled kernel's recipe (attention_recipe), so the twin's check on a CPU-only machine checks
// the device kernel's arithmetic, and a device run compares the two bit for bit.
#include <stdexcept>
#include <string>

#include "kernels_under_test/cpu/attention_rows.h"
#include "kernels_under_test/cpu/row_kernel.h"
#include "kernels_under_test/cpu/twin_kernels.h"
#include "kernels_under_test/cuda/attention_launch.h"
#include "kernels_under_test/cuda/register_common.h"

namespace numguard::cuda {
namespace {

AttnInput attn_input(Format in) {
  if (in == Format::fp16) return AttnInput::fp16;
  if (in == Format::bf16) return AttnInput::bf16;
  return AttnInput::fp32;
}

void require_attention_inputs(const Problem& p, Format in) {
  if (p.a.format != in || p.b.format != in || p.c.format != in)
    throw std::invalid_argument("kernel: Q, K and V must be tensors of the kernel's input format");
  if (p.scalars.empty()) throw std::invalid_argument("kernel: attention needs scalars = {scale}");
}

void register_attention(Format in, const kernels::AttentionAlgo& algo) {
  const std::string name = kernels::row_kernel_name("attention", in, "rowblock_tiled");
  const Recipe recipe = kernels::attention_recipe(in, algo);
  kernels::register_kernel(cuda_kernel(
      name, "attention", recipe,
      [in, algo](const Problem& p, Tensor& out) {
        require_attention_inputs(p, in);
        Tensor y(in, {p.m, p.k});
        y.bits = attention_tiled(attn_input(in), algo.block, p.m, p.n, p.k, p.a.bits, p.b.bits,
                                 p.c.bits, p.lengths, static_cast<float>(p.scalars.at(0)));
        out = std::move(y);
      },
      name + ".twin"));
  kernels::register_twin(name, "attention", recipe, [in, algo](const Problem& p, Tensor& out) {
    out = Tensor(in, {p.m, p.k});  // the twin is also run on a bare tensor (cuda_kernels_test)
    kernels::attention_rows(algo, p, out);
  });
}

const bool registered = [] {
  for (Format in : {Format::fp16, Format::bf16, Format::fp32})
    register_attention(in, {.method = Method::tiled, .block = 8});
  return true;
}();

}  // namespace
}  // namespace numguard::cuda
