// Kernel descriptors and the list built-in kernels declare themselves into. Kernels include
// only core (and references, device); the engine's registry (harness/engine/registry.h) is
// built once from this list, then the plugins', and is what every run reads. Declaration is
// a static object in the kernel's own file, so adding a kernel edits nothing else (the kernels
// build as an OBJECT library so the linker keeps every declaration).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/recipe.h"
#include "harness/core/tensor.h"

namespace numguard {

enum class Device : uint8_t { cpu, cuda, library };
std::string_view name(Device d);

// Kernel names end up in repro lines, globs and one-line messages: letters, digits and . _ - +
// only (checked for every kernel, built-in or plugin, when the registry is built).
bool plain_kernel_name(std::string_view s);

// Inputs of one evaluation of an op. The reduction family (dot, sum, gemm):
//   out (m x n) = alpha * a (m x k) * b (k x n) + beta * c (m x n)
// dot: m = n = 1; sum: b is empty and out = sum over k of a.
// Every other op says in its table row (harness/engine/ops/) what a, b, c, d, lengths and
// scalars hold, e.g. softmax: a is m rows of n logits; attention: a = Q, b = K, c = V and
// lengths[i] the keys row i may see.
struct Problem {
  int64_t m = 1, n = 1, k = 0;
  Tensor a, b, c, d;
  double alpha = 1.0, beta = 0.0;
  std::vector<int64_t> lengths;  // integer operands (targets, visible key counts)
  std::vector<double> scalars;   // op parameters (eps, Adam's hyperparameters), fp32 values
};

// A kernel's run throws KernelUnsupported for a case it does not handle by design (a plugin's
// NUMGUARD_UNSUPPORTED): counted as unsupported, not as a failure. Any other exception out of
// run is the kernel's error for that case; one out of numguard's own code is numguard's.
struct KernelUnsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A plugin kernel's worker process died, called exit() or hung on the case
// (harness/engine/kernel_worker.h): the kernel's crash on that case. not_run: the case was not
// run at all, numguard having given up on the kernel after earlier crashes.
struct KernelDied : std::runtime_error {
  KernelDied(const std::string& why, bool not_run) : std::runtime_error(why), not_run(not_run) {}
  bool not_run;
};
using KernelFn = std::function<void(const Problem&, Tensor& out)>;

// The default fraction of its cases a kernel may refuse before it fails.
inline constexpr double kDefaultMaxUnsupported = 0.5;

struct KernelDesc {
  std::string name;  // <op>.<input>.<accumulation>.<algorithm>, mutants start with "mutant."
  std::string op;    // "dot", "sum", "gemm", ...
  Recipe recipe;
  Device device = Device::cpu;
  KernelFn run;
  // Mutants: a planted, documented bug; `imitates` names the correct kernel whose recipe
  // the mutant declares.
  bool mutant = false;
  std::string imitates;
  std::string bug;
  // The planted mechanism as a tag of `numguard explain`'s hypothesis vocabulary
  // (harness/explain/, docs/EXPLAIN.md): the hypothesis explain must rank first.
  std::string mechanism;
  // CUDA kernels: the CPU kernel that reproduces this one bit for bit.
  std::string twin_of;
  // The kernel twin_of names, resolved by the registry that holds both (nullptr otherwise).
  const KernelDesc* twin = nullptr;
  // Out-of-tree kernels: the shared library they were loaded from (--plugin), "" built in.
  std::string plugin;
  // The fraction of cases run may refuse (KernelUnsupported) before the kernel fails.
  double max_unsupported = kDefaultMaxUnsupported;
  // Kernels whose arithmetic follows the twins' tensor-core architecture (the tensor-core GEMM
  // twins, their CUDA kernels and the mutants imitating them): sets `recipe` and `run` for
  // `arch` when the registry is built; empty for every other kernel. The architecture is an
  // input of the run, never a setting a running kernel reads.
  std::function<void(KernelDesc&, std::string_view tc_arch)> for_arch;
  // CUDA kernels that only some GPUs run (arch-specific code such as sm_120a): why the
  // present device cannot run this one, "" when it can. Empty for kernels every CUDA device
  // of the build runs. Asked only where a CUDA device exists; a kernel it rules out is skipped
  // like a GPU kernel on a machine without a GPU (its CPU twin checked instead).
  std::function<std::string()> cannot_run;
};

// Every built-in kernel, in the order of declaration (static initialization: unspecified
// across files). Read by the registry; nothing else should need it.
const std::vector<KernelDesc>& declared_kernels();
void declare_kernel(KernelDesc d);

struct KernelRegistration {
  explicit KernelRegistration(KernelDesc d) { declare_kernel(std::move(d)); }
};

#define NUMGUARD_CONCAT_INNER(a, b) a##b
#define NUMGUARD_CONCAT(a, b) NUMGUARD_CONCAT_INNER(a, b)
#define NUMGUARD_REGISTER_KERNEL(...)                          \
  static const ::numguard::KernelRegistration NUMGUARD_CONCAT( \
      numguard_kernel_, __LINE__)(::numguard::KernelDesc __VA_ARGS__)

}  // namespace numguard
