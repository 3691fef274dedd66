// Users' own tensors as cases (`--inputs FILE|DIR`): the activation dump that made a run
// diverge, a real model's logits. Each file is one case; its tensors are matched to the op's
// operands by name (`numguard ops`; case-insensitive, so "a" is gemm's "A"), the dimensions
// come from their shapes, and their values are put into the kernel's formats:
//   - 16-bit and 8-bit float tensors already in the operand's format are taken bit for bit;
//   - uint16 tensors are bit patterns only with `--as bf16|fp16` (NumPy has no bfloat16);
//   - block scales may be bytes: uint8 E8M0 exponents; UE4M3 scales as float8_e4m3fn or uint8
//     (a byte with the sign bit set is refused); an e2m1 operand given as uint8 holds two
//     elements per byte along its last dimension, the first in the low nibble;
//   - any other float or integer value is rounded to nearest even into the format, and the
//     run says how many values that changed and how many overflowed.
// A tensor of higher rank than its operand has its leading dimensions flattened into rows
// (batch x sequence x hidden -> rows x hidden); a 1-d tensor for an m x n operand is one row.
// Scalars (gemm's alpha, beta; eps; attention's scale) are 0-d or one-element members of
// the same names; absent ones take the op's fallback (alpha = 1, beta = 0, eps = 1e-5,
// scale = 1/sqrt(k)); an operand the schema gives a fill (gamma = 1) may be absent.
//
// The inputs are a setting of the run, like its shapes (case_shapes.h): with them, case I
// is file I (in name order for a directory) and make_case builds it for the kernel at hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/kernel.h"
#include "harness/engine/op.h"
#include "harness/engine/tensor_file.h"

namespace numguard {

// What uint16 tensors hold (`--as`).
enum class BitsAs : uint8_t { none, bf16, fp16 };

struct InputCase {
  std::string source;  // the file
  std::vector<FileTensor> tensors;
};

// FILE, or every .npy/.npz/.safetensors file directly in DIR in name order (each one case);
// throws TensorFileError with a one-line message.
std::vector<InputCase> load_input_cases(const std::string& path);

// Kernel k's problem from c. Throws std::invalid_argument (one line, naming the file, the
// member and what the op expects) when the tensors do not fit the op. *notes receives one line
// per conversion into a narrower format ("A: 2400 float32 values rounded to fp16 (RNE): ...").
Problem input_problem(const KernelDesc& k, const InputCase& c, BitsAs as,
                      std::vector<std::string>* notes = nullptr);

// The run's input cases (empty: the generators draw the cases). Set before any case is drawn.
void set_input_cases(std::vector<InputCase> cases, BitsAs as);
const std::vector<InputCase>& input_cases();
BitsAs input_bits_as();
// The path given to --inputs ("" when none), for repro lines.
void set_inputs_path(std::string path);
const std::string& inputs_path();

}  // namespace numguard
