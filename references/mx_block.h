// Block-scaled ("microscaling") conversion: OCP Microscaling Formats (MX) v1.0 and NVIDIA's
// NVFP4. A block of k values shares one power-of-two scale X (E8M0); each element is V_i / X
// rounded into the element format (RNE, saturating to its largest value). NVFP4 scales blocks
// of 16 with a UE4M3 scale (amax_block / 6, divided by a per-tensor fp32 scale amax / (6 * 448)).
//
// The scale rule is the one variant that matters numerically. `spec`: the OCP specification
// takes X = 2^(floor(log2 amax) - emax_elem), so amax / X can exceed the element's largest
// value (up to twice it) and those elements saturate; NVFP4's published recipe rounds its UE4M3
// scale to nearest, which can saturate the same way. `up`: later training recipes round the
// scale up (X = 2^ceil(log2(amax / max_elem)); UE4M3 toward +inf), which never saturates and
// gives up a little range at the bottom instead. docs/REFERENCE.md, "Block-scaled formats".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/kernel.h"
#include "harness/core/recipe.h"

namespace numguard::mx {

enum class ScaleRule : uint8_t { spec, up };
std::optional<ScaleRule> scale_rule_from_name(std::string_view name);  // "spec", "up"
std::string_view name(ScaleRule r);

// A block-scaled format: element format, elements per scale, scale format.
struct BlockFormat {
  std::string_view name;  // "mxfp8_e4m3", ..., "nvfp4"
  Format element;
  int block;
  Format scale;  // e8m0, or ue4m3 (nvfp4, with a per-tensor fp32 scale)
};
std::span<const BlockFormat> block_formats();
const BlockFormat* find_block_format(std::string_view name);

// A quantized tensor: one scale per block (bits of the scale format), the elements (bits of
// the element format) and, for NVFP4, the per-tensor scale. value(i) = element * scale *
// tensor_scale.
struct Quantized {
  const BlockFormat* format = nullptr;
  double tensor_scale = 1.0;
  std::vector<uint64_t> scales;
  std::vector<uint64_t> elements;
  double value(size_t i) const;
};

// Quantizes v block by block (the last block may be short). A block holding NaN or inf gets
// a NaN scale (E8M0 0xff, UE4M3 0x7f) and zero elements; an all-zero block the smallest scale.
// NVFP4's tensor scale comes from tensor_amax where given (v is then one row of a larger
// tensor), else from v's own largest finite magnitude.
Quantized quantize(const BlockFormat& f, std::span<const double> v, ScaleRule rule,
                   std::optional<double> tensor_amax = std::nullopt);

// The block format a recipe's block_scaling names; throws std::invalid_argument when none fits.
const BlockFormat& block_format_of(const BlockScaling& s);
ScaleRule scale_rule_of(const BlockScaling& s);

// A GEMM's operands quantized along K: A's m rows and B's n columns (NVFP4: one tensor scale
// per operand, from its largest finite magnitude).
struct GemmOperands {
  std::vector<Quantized> rows, cols;
};
GemmOperands quantize_gemm(const BlockScaling& s, const Problem& p);

// cuBLAS's 1-D block scaling factors layout (what cuBLASLt's block-scaled GEMMs read; PyTorch's
// `to_blocked`): the scales of `rows` rows x `blocks` blocks along k, padded to tiles of 128 rows
// x 4 blocks (512 bytes each, tiles row by row); within a tile, row r and block b at
// (r % 32) 16 + (r / 32) 4 + b. The index of scale (r, b), and the padded size.
int64_t blocked_scale_index(int64_t r, int64_t b, int64_t blocks);
int64_t blocked_scale_count(int64_t rows, int64_t blocks);

}  // namespace numguard::mx
