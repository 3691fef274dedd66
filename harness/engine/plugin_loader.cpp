#include "harness/engine/plugin_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "harness/engine/kernel_worker.h"
#include "harness/engine/op.h"
#include "harness/engine/op_recipe.h"
#include "harness/engine/plugin_recipe.h"
#include "include/numguard/plugin.h"

namespace numguard {
namespace {

constexpr uint32_t kAbi1 = 1, kAbi2 = 2;

// ABI 2's declarations in ABI 3's layout: every ABI 3 field at its default.
std::vector<numguard_kernel3> upgraded(const numguard_kernel2* v2, uint32_t count) {
  std::vector<numguard_kernel3> out(count);
  for (uint32_t i = 0; i < count; ++i) {
    const numguard_kernel2& k = v2[i];
    out[i] = numguard_kernel3{};
    out[i].name = k.name;
    out[i].op = k.op;
    out[i].recipe = k.recipe;
    out[i].run = k.run;
    out[i].device = k.device;
    out[i].max_unsupported = k.max_unsupported;
  }
  return out;
}

// ABI 1's declarations in ABI 3's layout: the v1 fields copied, every later field at its default.
std::vector<numguard_kernel3> upgraded(const numguard_kernel* v1, uint32_t count) {
  std::vector<numguard_kernel3> out(count);
  for (uint32_t i = 0; i < count; ++i) {
    const numguard_kernel& k = v1[i];
    numguard_kernel3& u = out[i];
    u = numguard_kernel3{};
    u.name = k.name;
    u.op = k.op;
    u.run = k.run;
    u.device = k.device;
    const numguard_recipe& r = k.recipe;
    u.recipe.in = r.in;
    u.recipe.acc = r.acc;
    u.recipe.out = r.out;
    u.recipe.out_rounding = r.out_rounding;
    u.recipe.order = r.order;
    u.recipe.block = r.block;
    u.recipe.lanes = r.lanes;
    u.recipe.method = r.method;
    u.recipe.stage = r.stage;
    u.recipe.math_ulps = r.math_ulps;
    u.recipe.max_abs_input = r.max_abs_input;
    u.recipe.finite_inputs_only = r.finite_inputs_only;
  }
  return out;
}

numguard_operand operand(const Tensor& t) {
  return {t.bits.data(), static_cast<int64_t>(t.bits.size())};
}

// ABI 1 has no "unsupported": every non-zero return is an error. Once the worker server runs
// (every numguard verb starts it), the call goes to a worker process (kernel_worker.h);
// without it (the fuzz targets, under libFuzzer's own crash handling) it runs here.
KernelFn run_of(numguard_run_fn fn, std::string name, uint32_t abi, bool gpu) {
  return [fn, name, abi, gpu](const Problem& p, Tensor& out) {
    const numguard_problem cp{p.m,
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
    const int64_t count = static_cast<int64_t>(out.bits.size());
    const int rc = kernel_worker::started()
                       ? kernel_worker::run(name, fn, gpu, cp, out.bits.data(), count)
                       : fn(&cp, out.bits.data(), count);
    if (rc == NUMGUARD_UNSUPPORTED && abi >= 2)
      throw KernelUnsupported(name + " does not support this case (NUMGUARD_UNSUPPORTED)");
    if (rc != 0) throw std::runtime_error(fmt::format("{} returned {}", name, rc));
  };
}

// Whether a refusal names a field ABI 1 has ("recipe.block = ...").
bool v1_field(std::string_view message) {
  for (std::string_view f : {"in", "acc", "out", "out_rounding", "order", "block", "lanes",
                             "method", "stage", "math_ulps", "max_abs_input", "finite_inputs_only"})
    if (message.starts_with("recipe." + std::string(f) + " =")) return true;
  return false;
}

// Whether a refusal names a field ABI 2 has.
bool v2_field(std::string_view message) {
  for (std::string_view f :
       {"zero_exponent", "out_frac_bits", "scale_group", "block_format", "scale_rule"})
    if (message.starts_with("recipe." + std::string(f) + " =")) return false;
  return true;
}

KernelDesc desc_of(const numguard_kernel3& k, const std::string& path, uint32_t abi) {
  if (!k.name || !*k.name) throw BadDeclaration("has no name");
  if (!plain_kernel_name(k.name))
    throw BadDeclaration(
        fmt::format("name = {}: allowed: letters, digits and . _ - +", quoted(k.name)));
  if (!k.op || !find_op(k.op))
    throw BadDeclaration(fmt::format("op = {}: allowed: an op `numguard ops` lists", quoted(k.op)));
  if (!k.run) throw BadDeclaration("run = NULL: allowed: a run function");
  KernelDesc d;
  d.name = k.name;
  d.op = k.op;
  try {
    d.recipe = recipe_of(k.recipe, k.recipe3);
    if (const std::optional<RecipeProblem> bad = unread_by_op(d.recipe, *find_op(k.op)))
      throw BadDeclaration(
          fmt::format("recipe.{} = {}: allowed: {}", bad->field, shown(bad->value), bad->allowed));
  } catch (const BadDeclaration& e) {
    // An older plugin cannot set the fields later ABIs added (splits, fanin, frac_bits, ...;
    // zero_exponent, block_format, ...).
    if ((abi == kAbi1 && !v1_field(e.what())) || (abi == kAbi2 && !v2_field(e.what())))
      throw BadDeclaration(std::string(e.what()) +
                           fmt::format(" (ABI {} cannot declare that field: rebuild the plugin "
                                       "against numguard/plugin.h, ABI {})",
                                       abi, NUMGUARD_PLUGIN_ABI_VERSION));
    throw;
  }
  const std::string device = k.device ? k.device : "cpu";
  if (device != "cpu" && device != "cuda")
    throw BadDeclaration(fmt::format("device = {}: allowed: cpu, cuda", quoted(k.device)));
  d.device = device == "cuda" ? Device::cuda : Device::cpu;
  if (std::isnan(k.max_unsupported) || k.max_unsupported < 0 || k.max_unsupported > 1)
    throw BadDeclaration(fmt::format("max_unsupported = {}: allowed: a fraction in (0, 1] (0: {})",
                                     k.max_unsupported, kDefaultMaxUnsupported));
  if (k.max_unsupported > 0) d.max_unsupported = k.max_unsupported;
  d.plugin = path;
  d.run = run_of(k.run, k.name, abi, d.device == Device::cuda);
  return d;
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
  // The library stays loaded, even when refused: its run functions are in the kernels.
  return load_plugin_declarations(entry(), path, existing, out);
}

std::string load_plugin_declarations(const numguard_plugin* plugin, const std::string& path,
                                     const std::vector<KernelDesc>& existing,
                                     std::vector<KernelDesc>& out) {
  if (!plugin) return fmt::format("plugin {}: {} returned NULL", path, NUMGUARD_PLUGIN_ENTRY);
  const uint32_t abi = plugin->abi_version;
  if (abi < kAbi1 || abi > NUMGUARD_PLUGIN_ABI_VERSION)
    return fmt::format("plugin {} was built for plugin ABI {}; this numguard loads ABI {} to {}",
                       path, abi, kAbi1, NUMGUARD_PLUGIN_ABI_VERSION);
  // An older plugin's numguard_plugin ends before the later arrays: they are never read there.
  const numguard_kernel2* kernels2 = abi >= kAbi2 ? plugin->kernels2 : nullptr;
  const numguard_kernel3* kernels3 = abi >= 3 ? plugin->kernels3 : nullptr;
  if ((plugin->kernels != nullptr) + (kernels2 != nullptr) + (kernels3 != nullptr) > 1)
    return fmt::format(
        "plugin {} sets more than one of kernels, kernels2 and kernels3 (one of "
        "them, please)",
        path);
  if (plugin->kernel_count == 0 || (!plugin->kernels && !kernels2 && !kernels3))
    return fmt::format("plugin {} declares no kernels", path);
  const std::vector<numguard_kernel3> kernels =
      kernels3   ? std::vector<numguard_kernel3>(kernels3, kernels3 + plugin->kernel_count)
      : kernels2 ? upgraded(kernels2, plugin->kernel_count)
                 : upgraded(plugin->kernels, plugin->kernel_count);
  // Validate every declaration before registering any: a bad plugin adds nothing.
  std::vector<KernelDesc> descs;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const numguard_kernel3& k = kernels[i];
    const std::string label = k.name
                                  ? "kernel " + quoted(k.name).substr(1, quoted(k.name).size() - 2)
                                  : fmt::format("kernel #{}", i);
    try {
      KernelDesc d = desc_of(k, path, abi);
      for (const KernelDesc& e : existing)
        if (e.name == d.name) throw BadDeclaration("has the name of a kernel already registered");
      for (const KernelDesc& e : descs)
        if (e.name == d.name) throw BadDeclaration("is declared twice");
      descs.push_back(std::move(d));
    } catch (const BadDeclaration& e) {
      return fmt::format("plugin {}: {}: {}", path, label, e.what());
    }
  }
  for (KernelDesc& d : descs) out.push_back(std::move(d));
  return "";
}

}  // namespace numguard
