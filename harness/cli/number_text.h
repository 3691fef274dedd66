// Text forms of a value of a format, as the CLI prints them: the shortest decimal that reads
// back to the same bits, the hex float, and the bit pattern. Fixed-size buffers, so batch
// conversion prints without allocating.
#pragma once

#include <cstdint>
#include <string_view>

#include "harness/core/format.h"

namespace numguard::cli {

class NumberText {
 public:
  std::string_view view() const { return {data_, size_}; }
  char* data() { return data_; }
  static constexpr size_t capacity() { return sizeof(data_); }
  void set_size(size_t n) { size_ = static_cast<uint8_t>(n); }

 private:
  char data_[48];  // fp64 needs at most 24 characters in any of the three forms
  uint8_t size_ = 0;
};

// The shortest decimal string that converts back (RNE) to `bits` in f; among strings of that
// length, the one nearest the value. Written like std::to_chars: fixed or scientific,
// whichever is shorter. Non-finite values print as "inf", "-inf", "nan".
NumberText shortest_decimal(Format f, uint64_t bits);

// Normalised hex float of the exact value ("0x1.14p-2", "-0x1p-24", "0x0p+0", "inf", "nan").
NumberText hex_float(Format f, uint64_t bits);

// The pattern in lower-case hex, zero-padded to the storage width ("0x3e8a", "0x0001").
NumberText bits_hex(Format f, uint64_t bits);

}  // namespace numguard::cli
