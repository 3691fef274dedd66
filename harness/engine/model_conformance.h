// Bit-accurate recipes. A fused_block recipe is a published bit-accurate model of a tensor
// core (Khattak & Mikaitis 2025; REFERENCE.md), so a kernel declaring one is held to the
// model bit for bit: its rounding error bound alone is too wide to tell a model with f
// fraction bits from one with f - 1.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard {

// The output the kernel's recipe computes for p, when the recipe is bit-accurate.
std::optional<Tensor> model_output(const KernelDesc& k, const Problem& p);

}  // namespace numguard
