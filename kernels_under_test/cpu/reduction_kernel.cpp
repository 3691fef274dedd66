#include "kernels_under_test/cpu/reduction_kernel.h"

#include <array>
#include <bit>
#include <stdexcept>

namespace numguard::kernels {
namespace {

// decode() of every pattern of an 8- or 16-bit format, built once per format.
const std::vector<double>& decode_table(Format f) {
  static const auto tables = [] {
    std::vector<std::vector<double>> t(all_formats().size());
    for (const FormatDesc& d : all_formats()) {
      if (d.storage_bits > 16) continue;
      auto& v = t[static_cast<size_t>(d.id)];
      v.resize(size_t{1} << d.storage_bits);
      for (uint64_t bits = 0; bits < v.size(); ++bits) v[bits] = decode(d.id, bits);
    }
    return t;
  }();
  return tables[static_cast<size_t>(f)];
}

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace

std::vector<double> decode_all(const Tensor& t) {
  std::vector<double> v(t.size());
  switch (t.format) {
    case Format::fp32:
    case Format::tf32:  // tf32 travels in an fp32 container; decode() reads the container
      for (size_t i = 0; i < v.size(); ++i)
        v[i] = std::bit_cast<float>(static_cast<uint32_t>(t.bits[i]));
      break;
    case Format::fp64:
      for (size_t i = 0; i < v.size(); ++i) v[i] = std::bit_cast<double>(t.bits[i]);
      break;
    default: {
      const std::vector<double>& table = decode_table(t.format);
      const uint64_t mask = desc(t.format).storage_mask();
      for (size_t i = 0; i < v.size(); ++i) v[i] = table[t.bits[i] & mask];
    }
  }
  return v;
}

Operands decode_operands(const Problem& p, const Arithmetic& arith) {
  require(p.m >= 0 && p.n >= 0 && p.k >= 0, "kernel: negative dimension");
  require(p.a.format == arith.in, "kernel: a is not in the kernel's input format");
  require(p.a.size() == static_cast<size_t>(p.m * p.k), "kernel: a must hold m*k elements");
  Operands o;
  o.m = p.m;
  o.n = arith.sum ? 1 : p.n;
  o.k = p.k;
  o.a = decode_all(p.a);
  if (!arith.sum) {
    require(p.b.format == arith.in, "kernel: b is not in the kernel's input format");
    require(p.b.size() == static_cast<size_t>(p.k * p.n), "kernel: b must hold k*n elements");
    const std::vector<double> b = decode_all(p.b);
    o.bt.resize(b.size());
    for (int64_t r = 0; r < p.k; ++r)
      for (int64_t j = 0; j < p.n; ++j)
        o.bt[static_cast<size_t>(j * p.k + r)] = b[static_cast<size_t>(r * p.n + j)];
  }
  if (p.beta != 0 || (arith.c_at_beta0 && !p.c.empty())) {
    require(p.c.size() == static_cast<size_t>(o.m * o.n), "kernel: c must hold m*n elements");
    o.c = decode_all(p.c);
  }
  return o;
}

uint64_t round_output(double y, Format out, Rounding mode) {
  RoundOptions o;
  o.mode = mode;
  return round_double(out, y, o).bits;
}

std::string kernel_name(std::string_view op, Format in, Format acc, std::string_view algorithm) {
  std::string s(op);
  s += ".";
  s += name(in);
  s += ".";
  s += name(acc);
  s += "acc.";
  s += algorithm;
  return s;
}

bool product_exact_in(Format in, Format acc) {
  const FormatDesc& i = desc(in);
  const FormatDesc& a = desc(acc);
  // Largest product < 2^(2*emax_in + 2); smallest nonzero is (min subnormal)^2 with one bit.
  const int min_exp = 2 * (i.emin() - (i.precision - 1));
  const int max_exp = 2 * i.emax() + 1;
  // A p-bit times p-bit product has up to 2p significant bits; near the bottom of the range
  // the product has fewer bits, so the worst case for the grid is the smallest-ulp product.
  return 2 * i.precision <= a.precision && max_exp <= a.emax() &&
         min_exp >= a.emin() - (a.precision - 1);
}

Recipe reduction_recipe(std::string_view op, Format in, Format acc, const Accumulation& shape,
                        bool fuses_products, Format out, Rounding out_rounding) {
  Recipe r;
  r.in = in;
  if (op != "sum" && !fuses_products && !product_exact_in(in, acc)) r.product = acc;
  r.acc = acc;
  r.acc_rounding = Rounding::rne;
  r.shape = shape;
  r.out = out;
  r.out_rounding = out_rounding;
  return r;
}

KernelDesc cpu_kernel(std::string name, std::string_view op, Recipe recipe, KernelFn run) {
  KernelDesc d;
  d.name = std::move(name);
  d.op = std::string(op);
  d.recipe = std::move(recipe);
  d.device = Device::cpu;
  d.run = std::move(run);
  return d;
}

void register_kernel(KernelDesc d) {
  declare_kernel(std::move(d));
}

}  // namespace numguard::kernels
