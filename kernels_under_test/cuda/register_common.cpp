#include "kernels_under_test/cuda/register_common.h"

#include <stdexcept>
#include <utility>

namespace numguard::cuda {

Epilogue epilogue_of(const Problem& p, Format acc) {
  Epilogue e;
  e.identity = p.alpha == 1 && p.beta == 0;
  e.has_ab = p.alpha != 0;
  e.has_c = p.beta != 0;
  e.alpha = round_double(acc, p.alpha).bits;
  e.beta = round_double(acc, p.beta).bits;
  return e;
}

Bits c_in(const Problem& p, Format acc, const Epilogue& e) {
  if (e.identity || !e.has_c) return {};
  if (p.c.size() != static_cast<size_t>(p.m * p.n))
    throw std::invalid_argument("kernel: c must hold m*n elements");
  Bits c(p.c.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = round_double(acc, p.c.value(i)).bits;
  return c;
}

void require_inputs(const Problem& p, Format in, bool reads_b) {
  if (p.a.format != in)
    throw std::invalid_argument("kernel: a is not in the kernel's input format");
  if (reads_b && p.b.format != in)
    throw std::invalid_argument("kernel: b is not in the kernel's input format");
}

KernelDesc cuda_kernel(std::string name, std::string_view op, Recipe recipe, KernelFn run,
                       std::string twin) {
  KernelDesc d;
  d.name = std::move(name);
  d.op = std::string(op);
  d.recipe = std::move(recipe);
  d.device = Device::cuda;
  d.run = std::move(run);
  d.twin_of = std::move(twin);
  return d;
}

}  // namespace numguard::cuda
