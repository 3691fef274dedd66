#include "harness/engine/registry.h"

#include <fnmatch.h>

#include <algorithm>
#include <string>
#include <tuple>

namespace numguard {

bool glob_match(std::string_view pattern, std::string_view text) {
  return fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

std::vector<const KernelDesc*> select_kernels(std::string_view globs, bool include_mutants) {
  std::vector<std::string> patterns;
  size_t start = 0;
  while (start <= globs.size()) {
    const size_t end = std::min(globs.find(',', start), globs.size());
    if (end > start) patterns.emplace_back(globs.substr(start, end - start));
    start = end + 1;
  }
  if (patterns.empty()) patterns.emplace_back("*");
  std::vector<const KernelDesc*> out;
  for (const KernelDesc& k : kernel_table()) {
    for (const std::string& p : patterns) {
      const bool exact = p == k.name;
      if ((exact || glob_match(p, k.name)) && (include_mutants || !k.mutant || exact)) {
        out.push_back(&k);
        break;
      }
    }
  }
  // Built-in kernels first, then each plugin's: a plugin cannot reorder the built-in ones, so
  // listings, check tables and the fuzz targets' kernel selectors keep their order with it.
  std::sort(out.begin(), out.end(), [](const KernelDesc* a, const KernelDesc* b) {
    return std::tie(a->plugin, a->name) < std::tie(b->plugin, b->name);
  });
  return out;
}

const KernelDesc* find_kernel(std::string_view name) {
  for (const KernelDesc& k : kernel_table())
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace numguard
