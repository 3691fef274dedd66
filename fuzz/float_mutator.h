// A float-aware custom mutator for the fuzz targets' byte layouts (fuzz/gemm_input.h,
// fuzz/op_input.h). libFuzzer's own mutations flip bits and bytes without knowing where an
// element starts, which of its bits are the exponent, or which header byte is the shape; the
// bugs numguard's mutants plant (docs/REFERENCE.md, "Known bug mechanisms") show up at exponent
// extremes, special values, rounding ties and tile edges. This mutator decodes the header to
// find each element's bytes in the value stream and makes one such move per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz/gemm_input.h"
#include "harness/core/kernel.h"

namespace numguard::fuzz {

enum class Mutation : uint8_t {
  exponent_step,  // one element's exponent field moved by +-1..+-k binades
  exponent_edge,  // one element's exponent field to 0 (subnormal), top finite, or inf/NaN
  special_value,  // one element := +-0, +-inf, NaN, min subnormal, min normal, max finite
  tie,            // one element := exactly halfway between two values of a rounding format
  scale_operand,  // every element of one operand scaled by 2^k (its exponent fields moved)
  shape,          // reduction family: k, m, n to tile edges; ops: generator and its seed
  value_modes,    // the mode one operand's elements are read in (raw, unit, window, keep)
  plant,          // the header's planted special value and its position
};
inline constexpr int kMutationKinds = 8;
std::string_view name(Mutation m);

// One tensor whose elements are read from the value stream.
struct StreamOperand {
  int tensor = 0;  // 0..3: A, B, C (reduction family) or a, b, c, d (op table)
  Format format = Format::fp32;
  ValueMode mode = ValueMode::raw;
  bool keep = false;    // op table, mode 0: the generator's values, no stream bytes
  size_t first = 0;     // offset of its first element in the unrolled value stream
  size_t elements = 0;  // row-major, as the decoders read them
  int width = 0;        // stream bytes per element
  size_t end() const { return first + elements * static_cast<size_t>(width); }
};

// Where each element's bytes lie for the kernel the input selects.
struct StreamLayout {
  const KernelDesc* kernel = nullptr;
  bool reduction = false;  // the fuzz/gemm_input.h layout; else fuzz/op_input.h
  size_t header = 0;       // bytes before the value stream
  int64_t m = 1, n = 1, k = 0;
  size_t plant_slots = 0;               // the positions the header's plant indexes
  std::vector<StreamOperand> operands;  // the ones that read the stream, in stream order
  // The unrolled stream length that gives every element bytes of its own; a shorter stream
  // repeats from its start (fuzz/value_stream.h), so elements beyond it share bytes.
  size_t stream_bytes() const { return operands.empty() ? 0 : operands.back().end(); }
};

// nullopt for the empty input, no kernels, or an op the layouts do not cover.
std::optional<StreamLayout> stream_layout(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels);

// Applies mutation `m` with parameters drawn from `seed`; the new size (<= max_size), or
// nullopt when the mutation does not apply to this input (then data is unchanged).
std::optional<size_t> apply_mutation(Mutation m, uint8_t* data, size_t size, size_t max_size,
                                     unsigned seed, std::span<const KernelDesc* const> kernels);

// LLVMFuzzerCustomMutator's body: one float-aware mutation chosen from `seed`
// (deterministically), or `fallback` (libFuzzer's LLVMFuzzerMutate) one time in three and
// whenever the chosen mutation does not apply. Never returns more than max_size.
size_t float_mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                    std::span<const KernelDesc* const> kernels,
                    size_t (*fallback)(uint8_t*, size_t, size_t));

}  // namespace numguard::fuzz
