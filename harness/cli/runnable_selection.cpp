#include "harness/cli/runnable_selection.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "harness/cli/verb.h"
#include "harness/device/device.h"
#include "harness/engine/registry.h"

namespace numguard::cli {
std::vector<const KernelDesc*> runnable_selection(const std::vector<const KernelDesc*>& selected,
                                                  DeviceChoice choice) {
  std::string why;
  int skipped = 0;
  std::vector<const KernelDesc*> run = runnable_kernels(selected, choice, &why, &skipped);
  if (skipped == 0) return run;
  // No device at all refuses --device cuda; a device that some kernels' code is not for (an
  // sm_120a kernel on an H100) leaves those to their twins, as below.
  if (choice == DeviceChoice::cuda && !device::status().available)
    throw UsageError(fmt::format("--device cuda: {} GPU kernels cannot run: {}", skipped, why));

  std::vector<std::pair<const KernelDesc*, const KernelDesc*>> twins;  // (GPU kernel, twin)
  std::vector<const KernelDesc*> without_twin;
  for (const KernelDesc* k : selected) {
    if (std::find(run.begin(), run.end(), k) != run.end()) continue;
    if (const KernelDesc* twin = registry().cpu_twin_of(*k))
      twins.emplace_back(k, twin);
    else
      without_twin.push_back(k);
  }
  std::string note =
      choice != DeviceChoice::cpu && device::status().available
          ? fmt::format("numguard check: {} GPU kernel{} cannot run on this device ({})", skipped,
                        skipped == 1 ? "" : "s", why)
          : fmt::format("numguard check: GPU kernels do not run here ({})", why);
  if (twins.size() == 1)
    note += fmt::format("; {} is checked through its CPU twin {}", twins.front().first->name,
                        twins.front().second->name);
  else if (!twins.empty())
    note += fmt::format("; {} are checked through their CPU twins", twins.size());
  if (without_twin.size() == 1)
    note += fmt::format("; {} has no CPU twin and is skipped", without_twin.front()->name);
  else if (!without_twin.empty())
    note += fmt::format("; {} without a CPU twin are skipped", without_twin.size());
  for (const auto& [gpu, twin] : twins)
    if (std::find(run.begin(), run.end(), twin) == run.end()) run.push_back(twin);
  if (run.empty())
    throw UsageError(
        fmt::format("none of the {} selected kernels can run here: {}", selected.size(), why));
  fmt::print(stderr, "{}\n", note);
  std::sort(run.begin(), run.end(),
            [](const KernelDesc* a, const KernelDesc* b) { return a->name < b->name; });
  return run;
}

}  // namespace numguard::cli
