// Users' own tensors (`--inputs`): NumPy .npy and .npz files and safetensors files, read
// without Python. Only what a tensor needs is kept: its member name, element type, shape and
// the little-endian bytes of its elements. Every size in a file is checked against the
// file's length before anything is allocated, so a damaged file is refused with one line.
//
// .npy: format versions 1-3, C order, little- or big-endian ('<f2', '<f4', '<f8', '<u2',
//   integers, '|b1'); '<V2' (ml_dtypes' bfloat16) reads as uint16 bits.
// .npz: a zip of .npy members, stored (np.savez) or deflated (np.savez_compressed), zip64
//   sizes included; a member's name without ".npy" is the tensor's name.
// .safetensors: 8-byte header length, JSON header, data; dtypes F64 F32 F16 BF16 F8_E4M3
//   F8_E5M2 and the integer types.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace numguard {

enum class ElementType : uint8_t { f64, f32, f16, bf16, e4m3, e5m2, e8m0, u16, integer, boolean };

struct FileTensor {
  std::string name;  // the npz member or safetensors key ("" for a lone .npy)
  ElementType type = ElementType::f32;
  std::string dtype;              // as the file spells it: "<f4", "BF16"
  int item_bytes = 4;             // bytes per element
  bool is_signed = true;          // integer: whether the type is signed
  std::vector<int64_t> shape;     // row-major; {} for a 0-d array (one element)
  std::vector<uint8_t> bytes;     // little-endian elements
  int64_t count() const;          // elements (1 for a 0-d array)
  double value(int64_t i) const;  // f64/f32/f16/bf16/e4m3/e5m2/e8m0/integer/boolean exactly
  uint64_t raw(int64_t i) const;  // the element's bit pattern (16-bit types)
};

struct TensorFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The tensors of one file, in file order; throws TensorFileError ("FILE: why") when the file
// cannot be read or is not one of the formats above.
std::vector<FileTensor> read_tensor_file(const std::string& path);

// Whether `path` names a file read_tensor_file knows by its extension.
bool is_tensor_file_name(const std::string& path);

// The largest file read_tensor_file accepts (operands are limited far below it anyway).
inline constexpr int64_t kMaxTensorFileBytes = int64_t{1} << 31;

}  // namespace numguard
