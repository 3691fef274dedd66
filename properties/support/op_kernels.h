// What the property tests of the op table share: the CPU kernels of some ops, and the line
// that replays a case.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "harness/engine/op.h"
#include "harness/engine/registry.h"

namespace numguard::test {

// The CPU kernels of `ops` (every op of the op table when empty): the correct ones, or the
// mutants.
inline std::vector<const KernelDesc*> op_kernels(const std::vector<std::string>& ops,
                                                 bool mutants = false) {
  std::vector<const KernelDesc*> out;
  for (const KernelDesc* k : select_kernels(mutants ? "mutant.*" : "*", mutants))
    if (k->device == Device::cpu && k->mutant == mutants &&
        (ops.empty() ? find_op(k->op) != nullptr
                     : std::find(ops.begin(), ops.end(), k->op) != ops.end()))
      out.push_back(k);
  return out;
}

inline std::string repro(const KernelDesc& k, uint64_t seed, int64_t index) {
  return "numguard check --kernel " + k.name + " --seed " + std::to_string(seed) + " --case " +
         std::to_string(index);
}

}  // namespace numguard::test
