#include "harness/engine/plugin_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "harness/engine/op.h"
#include "include/numguard/plugin.h"

namespace numguard {
namespace {

struct BadDeclaration : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Format format_field(const char* v, const char* field, Format fallback) {
  if (!v) return fallback;
  const std::optional<Format> f = format_from_name(v);
  if (!f) throw BadDeclaration(fmt::format("recipe.{} '{}' is not a format", field, v));
  return *f;
}

template <class Enum, int Count>
Enum enum_field(const char* v, const char* field, Enum fallback) {
  if (!v) return fallback;
  for (int i = 0; i < Count; ++i)
    if (name(static_cast<Enum>(i)) == v) return static_cast<Enum>(i);
  throw BadDeclaration(fmt::format("recipe.{} '{}' is not known", field, v));
}

Recipe recipe_of(const numguard_recipe& c) {
  Recipe r;
  if (!c.in) throw BadDeclaration("recipe.in is required");
  r.in = format_field(c.in, "in", Format::fp32);
  r.acc = format_field(c.acc, "acc", Format::fp32);
  r.out = format_field(c.out, "out", r.acc);
  if (c.out_rounding) {
    const std::optional<Rounding> m = rounding_from_name(c.out_rounding);
    if (!m)
      throw BadDeclaration(fmt::format("recipe.out_rounding '{}' is not known", c.out_rounding));
    r.out_rounding = *m;
  }
  r.shape.order = enum_field<Order, 8>(c.order, "order", Order::sequential);
  r.shape.block = c.block;
  r.shape.lanes = c.lanes;
  if ((r.shape.order == Order::blocked && c.block <= 0) ||
      (r.shape.order == Order::strided && c.lanes <= 0))
    throw BadDeclaration("recipe.block / recipe.lanes must be > 0 for that order");
  r.method = enum_field<Method, 6>(c.method, "method", Method::direct);
  if (c.stage) r.stage = format_field(c.stage, "stage", Format::fp32);
  r.math_ulps = c.math_ulps;
  if (c.max_abs_input > 0) r.domain.max_abs_input = c.max_abs_input;
  r.domain.finite_inputs_only = c.finite_inputs_only != 0;
  return r;
}

numguard_operand operand(const Tensor& t) {
  return {t.bits.data(), static_cast<int64_t>(t.bits.size())};
}

KernelFn run_of(numguard_run_fn fn, std::string name) {
  return [fn, name](const Problem& p, Tensor& out) {
    numguard_problem cp{p.m,
                        p.n,
                        p.k,
                        operand(p.a),
                        operand(p.b),
                        operand(p.c),
                        operand(p.d),
                        p.alpha,
                        p.beta,
                        p.lengths.data(),
                        static_cast<int64_t>(p.lengths.size()),
                        p.scalars.data(),
                        static_cast<int64_t>(p.scalars.size())};
    const int rc = fn(&cp, out.bits.data(), static_cast<int64_t>(out.bits.size()));
    if (rc != 0) throw std::runtime_error(fmt::format("{} returned {}", name, rc));
  };
}

}  // namespace

std::string load_plugin(const std::string& path, const std::vector<KernelDesc>& existing,
                        std::vector<KernelDesc>& out) {
  // A path without a slash would make dlopen search the library path: be explicit.
  const std::string where = path.find('/') == std::string::npos ? "./" + path : path;
  void* lib = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fmt::format("cannot load plugin {}: {}", path, dlerror());
  auto entry = reinterpret_cast<numguard_plugin_entry_fn>(dlsym(lib, NUMGUARD_PLUGIN_ENTRY));
  if (!entry) {
    dlclose(lib);
    return fmt::format("plugin {} exports no {} (include/numguard/plugin.h)", path,
                       NUMGUARD_PLUGIN_ENTRY);
  }
  const numguard_plugin* plugin = entry();
  if (!plugin) return fmt::format("plugin {}: {} returned NULL", path, NUMGUARD_PLUGIN_ENTRY);
  if (plugin->abi_version != NUMGUARD_PLUGIN_ABI_VERSION)
    return fmt::format("plugin {} was built for plugin ABI {}, this numguard loads ABI {}", path,
                       plugin->abi_version, NUMGUARD_PLUGIN_ABI_VERSION);
  if (plugin->kernel_count == 0 || !plugin->kernels)
    return fmt::format("plugin {} declares no kernels", path);
  // Validate every declaration before registering any: a bad plugin adds nothing.
  std::vector<KernelDesc> descs;
  for (uint32_t i = 0; i < plugin->kernel_count; ++i) {
    const numguard_kernel& k = plugin->kernels[i];
    const std::string label = k.name ? k.name : fmt::format("kernel #{}", i);
    try {
      if (!k.name || !*k.name) throw BadDeclaration("has no name");
      if (!k.op || !find_op(k.op))
        throw BadDeclaration(fmt::format("declares unknown op '{}' (numguard ops lists them)",
                                         k.op ? k.op : "(null)"));
      if (!k.run) throw BadDeclaration("has no run function");
      for (const KernelDesc& d : existing)
        if (d.name == k.name) throw BadDeclaration("has the name of a kernel already registered");
      for (const KernelDesc& d : descs)
        if (d.name == k.name) throw BadDeclaration("is declared twice");
      KernelDesc d;
      d.name = k.name;
      d.op = k.op;
      d.recipe = recipe_of(k.recipe);
      const std::string device = k.device ? k.device : "cpu";
      if (device != "cpu" && device != "cuda")
        throw BadDeclaration(fmt::format("declares device '{}' (cpu or cuda)", device));
      d.device = device == "cuda" ? Device::cuda : Device::cpu;
      d.plugin = path;
      d.run = run_of(k.run, k.name);
      descs.push_back(std::move(d));
    } catch (const BadDeclaration& e) {
      return fmt::format("plugin {}: {} {}", path, label, e.what());
    }
  }
  for (KernelDesc& d : descs) out.push_back(std::move(d));
  return "";  // the library stays loaded: its run functions are in the kernels
}

}  // namespace numguard
