// The explicit-shape byte layout of a numguard-fuzz input (FuzzLayout::explicit_shape: the
// reduction family, dot, sum, sumsq, gemm): how the bytes become one case (kernel, shape,
// scalars, input bit patterns). docs/FUZZING.md has the same table.
//
//   offset  bytes  field
//   0       1      kernel selector: candidate kernels[byte % count] (names sorted)
//   1       1      m - 1 (mod 8) when the op's FuzzSpec says mn_from_bytes (gemm); else m = 1
//   2       1      n - 1 (mod 8), likewise
//   3       2      k (little-endian u16, mod 513): 0 .. 512
//   5       1      value modes: bits 0-1 A, bits 2-3 B, bits 4-5 C (ValueMode)
//   6       1      epilogue, ops that read alpha and beta (gemm): bit 7 clear: alpha = 1,
//                  beta = 0; set: alpha =
//                  kAlphas[bits 0-2], beta = kBetas[bits 3-5]; bit 6 with beta = 0: C is
//                  given anyway (BLAS must not read it) and the plant may land in it
//   7       1      planted special value: bits 0-2 kind (0: none, SpecialKind)
//   8       2      position of the plant in A then B (then C when bit 6 gave an unread C;
//                  little-endian u16, mod the slots)
//   10      ...    value stream: the elements of A (row-major), then B, then C (when
//                  beta != 0, or given by bit 6), each taking the bytes its mode reads
//
// Why this shape: the fields libFuzzer must hit exactly (kernel, shape, modes) sit at fixed
// offsets at the front, where its comparison tracing and byte mutations find them. A header
// byte past the end reads as 0, and the value stream repeats from its start when exhausted
// (all zeros when empty), so every input decodes and a short input still makes a long
// reduction; only the empty input is skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard::fuzz {

// Bounds on the work per input: at most 8 x 8 outputs of 512 terms each (milliseconds under
// ASan), enough for several 32-wide tiles, split-K chunks and fused blocks.
inline constexpr int64_t kMaxMn = 8;
inline constexpr int64_t kMaxK = 512;
inline constexpr size_t kHeaderBytes = 10;

// How one element's bits come from the value stream.
enum class ValueMode : uint8_t {
  raw,        // the format's container bytes as they are: specials, subnormals, any exponent
  unit,       // 2 bytes as int16 / 32768, rounded into the format: uniform in [-1, 1)
  small_int,  // 1 byte as int8, rounded into the format: exact sums, cancellation
  window,     // raw sign and fraction, exponent folded into [-8, 7]: full significands at
              // magnitudes that neither overflow nor underflow the accumulator
};

enum class SpecialKind : uint8_t {
  none,
  neg_zero,
  pos_inf,  // NaN in formats without inf (e4m3)
  neg_inf,
  nan,
  pos_max,  // largest finite value
  neg_max,
  min_subnormal,
};

// Scalars exact in every accumulation format (fp32, fp16, bf16): the kernels round alpha and
// beta into the accumulation format and the bound does not charge for that rounding.
inline constexpr double kAlphas[8] = {1, -1, 0.5, 2, 0, -0.75, 1.5, 3};
inline constexpr double kBetas[8] = {0, 1, -1, 0.5, -2, 0.25, 1.5, -3};

std::string_view name(ValueMode m);
std::string_view name(SpecialKind s);

struct GemmInput {
  const KernelDesc* kernel = nullptr;
  Problem problem;
  ValueMode modes[3] = {};  // A, B, C
  SpecialKind plant = SpecialKind::none;
  size_t plant_index = 0;  // in A, then B
};

// The kernels an input selects from: with no pin, the correct CPU kernels, on every machine
// alike, so that a saved input selects the same kernel with or without a GPU; with a pin
// (comma-separated names or globs), every kernel it matches, mutants included, that can run
// here (GPU kernels need a CUDA device).
struct Candidates {
  std::vector<const KernelDesc*> kernels;
  int skipped = 0;          // matched by the pin but unable to run here
  std::string skipped_why;  // one line, when skipped > 0
};

// nullopt for the empty input, no candidates or a kernel whose op has another layout;
// otherwise the case the bytes describe.
std::optional<GemmInput> decode_gemm_input(std::span<const uint8_t> data,
                                           std::span<const KernelDesc* const> kernels);

}  // namespace numguard::fuzz
