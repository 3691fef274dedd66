// Reproducer files: one failing case as a small text file (kernel name, shape, scalars and
// every input's bit pattern), written by numguard-fuzz on a violation under
// corpus/regressions/<kernel>/ and replayed by `numguard repro` and ctest. The format is
// documented in docs/FUZZING.md ("Reproducer files"):
//
//   numguard-reproducer 1
//   kernel sum.fp32.fp32acc.sequential
//   op sum
//   plugin /path/libmine.so         optional: the library the kernel came from when found
//   found bound_violation ...       optional: what the finder saw (free text)
//   shape 1 1 37                    m n k
//   alpha 1                         doubles, shortest round-trip decimal (inf, nan allowed)
//   beta 0
//   lengths 3 5                     optional: integer operands
//   scalars 1e-05                   optional: op parameters
//   tensor a fp32 1 37              operand, format, shape; then its elements' bits in hex,
//   3f800000 bf800000 ...           whitespace-separated, over as many lines as needed
//   end                             a truncated file has no end line and is refused
//
// Lines starting with '#' are comments. Parsing is strict: any other content is an error
// naming the line, so a damaged file never reaches a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/kernel.h"

namespace numguard {

inline constexpr int kReproducerVersion = 1;

// What a reproducer file may ask for, checked with overflow-safe arithmetic before anything
// is allocated, so that a damaged or hostile file is refused instead of exhausting memory
// (docs/FUZZING.md, "Reproducer files"). Far above any case the fuzz targets or generators
// build (at most 8 x 8 x 512 terms, rows of 256).
// Each of m, n and k: a larger one could only come with empty operands.
inline constexpr int64_t kReproducerMaxDim = int64_t{1} << 22;
// Each operand (a, b, c, d) and the output, in elements; also m x n, the output's (and
// attention's score matrix's) size, from the shape line alone.
inline constexpr int64_t kReproducerMaxOperandElements = int64_t{1} << 22;
// All operands and the output of one case together, in elements.
inline constexpr int64_t kReproducerMaxCaseElements = int64_t{1} << 24;

struct Reproducer {
  std::string kernel, op, plugin, found;
  Problem problem;
};

std::string format_reproducer(const Reproducer& r);

// nullopt with *error set ("line 7: ...") when the text is not a well-formed reproducer.
std::optional<Reproducer> parse_reproducer(std::string_view text, std::string* error);

// The line that replays a reproducer: the path comes right after "numguard repro", where
// scripts look for it, then a --plugin per library.
std::string repro_command(const std::string& path, const std::vector<std::string>& plugins);

// Checks that the problem's operands fit the kernel's op (shapes against m, n, k; formats
// against the recipe) and that every operand the op reads and its output stay within the
// limits above, so that a file edited by hand cannot send a kernel out of bounds or make it
// allocate without bound. "" when they fit, otherwise what does not.
std::string operand_mismatch(const KernelDesc& k, const Problem& p);

}  // namespace numguard
