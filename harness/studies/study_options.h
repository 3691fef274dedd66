// Options every study reads (from `numguard report`'s flags).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::studies {

struct StudyOptions {
  bool quick = false;    // --quick: shorter sweeps (the whole report in under 3 minutes)
  uint64_t seed = 1;     // every random input of every study derives from it
  unsigned threads = 0;  // 0: all cores
  // The kernels a study may use (--kernel, CPU-runnable only); a study picks those of its ops.
  std::vector<const KernelDesc*> kernels;
  // The deep-stack gradient study's depth L and width N (--depth, --width); 0: its defaults
  // (64 x 64, --quick 32 x 64).
  int depth = 0, width = 0;
  // One line of progress for stderr ("accumulation: 12/80 sum.fp16.fp16acc.sequential").
  std::function<void(const std::string&)> progress;

  void report(const std::string& line) const {
    if (progress) progress(line);
  }
};

}  // namespace numguard::studies
