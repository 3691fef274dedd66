// Which kernels section 4 compares: per op, one kernel per precision (fp16, bf16, tf32, fp32),
// all running the same algorithm with fp32 accumulation, picked by a rule from the selected
// kernels (docs/studies-tradeoffs.md, "Which kernels"), never from a typed list.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::studies {

// The precisions compared, narrowest storage first: the order of every table and plot.
inline constexpr std::array<Format, 4> kTradeoffPrecisions = {Format::fp16, Format::bf16,
                                                              Format::tf32, Format::fp32};

struct TradeoffLineup {
  std::string op;
  std::string algorithm;                   // the name after <op>.<in>.fp32acc.
  std::vector<const KernelDesc*> kernels;  // in kTradeoffPrecisions order, missing ones left out
};

// Per op of `kernels` (in name order), the lineup the rule picks; ops where no kernel
// qualifies are left out.
std::vector<TradeoffLineup> tradeoff_lineups(const std::vector<const KernelDesc*>& kernels);

}  // namespace numguard::studies
