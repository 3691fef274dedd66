// Bit-accurate recipes. A fused_block recipe is a published bit-accurate model of a tensor
// core (Khattak & Mikaitis 2025; docs/REFERENCE.md, "Tensor-core arithmetic"), so a kernel
// declaring one is held to the model bit for bit: its rounding error bound alone is too wide
// to tell a model with f fraction bits from one with f - 1.
#pragma once

#include <optional>

#include "harness/core/kernel.h"

namespace numguard::ops {

// The output recipe r computes for the products of p (dot, gemm) when r is bit-accurate: a
// fused_block whose output is its accumulator, without an epilogue (alpha = 1, beta = 0; the
// model covers the block-FMA chain itself, the epilogue is checked by the bound alone).
std::optional<Tensor> model_output(const Recipe& r, const Problem& p);

}  // namespace numguard::ops
