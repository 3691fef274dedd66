#include "harness/cli/kernel_selection.h"

#include <fmt/format.h>

#include "harness/cli/verb.h"
#include "harness/engine/registry.h"

namespace numguard::cli {

std::vector<const KernelDesc*> select_or_fail(const std::string& globs, bool include_mutants) {
  // select_kernels reads "" (or ",") as "*": from a command line that is an accident.
  if (globs.find_first_not_of(',') == std::string::npos)
    throw UsageError("--kernel needs at least one name or glob");
  std::vector<const KernelDesc*> kernels = select_kernels(globs, include_mutants);
  if (!kernels.empty()) return kernels;
  if (!include_mutants && !select_kernels(globs, true).empty())
    throw UsageError(
        fmt::format("--kernel '{}' matches only mutants; add --include-mutants (see numguard list "
                    "--include-mutants)",
                    globs));
  throw UsageError(
      fmt::format("--kernel '{}' matches no kernel (see numguard list --include-mutants)", globs));
}

}  // namespace numguard::cli
