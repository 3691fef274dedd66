#include "harness/studies/tradeoff_selection.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "harness/studies/tradeoffs.h"

namespace numguard::studies {
namespace {

bool compared_precision(Format f) {
  return std::find(kTradeoffPrecisions.begin(), kTradeoffPrecisions.end(), f) !=
         kTradeoffPrecisions.end();
}

// A kernel the comparison may use: a correct CPU kernel named <op>.<in>.fp32acc.<algorithm>
// whose recipe reads its inputs in <in> (no cast to a narrower compute type) and accumulates
// in fp32, so that the precisions differ in their storage format alone.
bool candidate(const KernelDesc& k, std::string* algorithm) {
  if (k.mutant || k.device != Device::cpu) return false;
  const Recipe& r = k.recipe;
  if (!compared_precision(r.in) || r.acc != Format::fp32 || r.input_cast) return false;
  const std::string prefix = k.op + "." + std::string(name(r.in)) + ".fp32acc.";
  if (!k.name.starts_with(prefix) || k.name.size() == prefix.size()) return false;
  *algorithm = k.name.substr(prefix.size());
  return true;
}

int precision_index(Format f) {
  return static_cast<int>(std::find(kTradeoffPrecisions.begin(), kTradeoffPrecisions.end(), f) -
                          kTradeoffPrecisions.begin());
}

struct Group {
  std::string algorithm;
  std::vector<const KernelDesc*> by_precision = std::vector<const KernelDesc*>(4, nullptr);
  bool twin = false;  // any of its kernels is a CUDA kernel's twin

  int coverage() const {
    return static_cast<int>(std::count_if(by_precision.begin(), by_precision.end(),
                                          [](const KernelDesc* k) { return k != nullptr; }));
  }
  // The textbook algorithm first: the lowest accumulation order (sequential < pairwise < ...)
  // and method (direct < two_pass < online < ...) of the group's kernels.
  std::tuple<int, int> simplicity() const {
    int order = 1 << 10, method = 1 << 10;
    for (const KernelDesc* k : by_precision)
      if (k) {
        order = std::min(order, static_cast<int>(k->recipe.shape.order));
        method = std::min(method, static_cast<int>(k->recipe.method));
      }
    return {order, method};
  }
};

// The rule, in priority order: kernels that are not twins of a CUDA kernel (a twin copies a
// launch shape rather than choosing an algorithm); the algorithm available in the most
// precisions; the simplest algorithm; then the name.
bool better(const Group& a, const Group& b) {
  if (a.twin != b.twin) return !a.twin;
  if (a.coverage() != b.coverage()) return a.coverage() > b.coverage();
  if (a.simplicity() != b.simplicity()) return a.simplicity() < b.simplicity();
  return a.algorithm < b.algorithm;
}

}  // namespace

std::vector<TradeoffLineup> tradeoff_lineups(const std::vector<const KernelDesc*>& kernels) {
  std::map<std::string, std::map<std::string, Group>> ops;  // op -> algorithm -> group
  for (const KernelDesc* k : kernels) {
    std::string algorithm;
    if (!candidate(*k, &algorithm)) continue;
    Group& g = ops[k->op][algorithm];
    g.algorithm = algorithm;
    g.twin = g.twin || !k->twin_of.empty();
    g.by_precision[static_cast<size_t>(precision_index(k->recipe.in))] = k;
  }
  std::vector<TradeoffLineup> out;
  for (const auto& [op, groups] : ops) {
    const Group* best = nullptr;
    for (const auto& [algorithm, g] : groups)
      if (!best || better(g, *best)) best = &g;
    TradeoffLineup l{op, best->algorithm, {}};
    for (const KernelDesc* k : best->by_precision)
      if (k) l.kernels.push_back(k);
    out.push_back(std::move(l));
  }
  return out;
}

std::string storage_acc_sibling(const std::string& kernel, const std::string& precision) {
  const size_t at = kernel.find(".fp32acc.");
  if (at == std::string::npos || precision == "fp32") return "";
  return kernel.substr(0, at) + "." + precision + "acc." + kernel.substr(at + 9);
}

std::vector<const KernelDesc*> tradeoff_kernels(const StudyOptions& opt) {
  std::vector<const KernelDesc*> out;
  for (const TradeoffLineup& l : tradeoff_lineups(opt.kernels))
    for (const KernelDesc* k : l.kernels) {
      out.push_back(k);
      const std::string sib = storage_acc_sibling(k->name, std::string(name(k->recipe.in)));
      for (const KernelDesc* s : opt.kernels)
        if (!sib.empty() && s->name == sib) out.push_back(s);
    }
  return out;
}

}  // namespace numguard::studies
