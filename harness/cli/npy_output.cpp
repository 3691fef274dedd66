#include "harness/cli/npy_output.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace numguard::cli {
namespace {

void put_le(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The header dictionary, padded with spaces and a newline so that the data starts at a
// multiple of 64 bytes (what NumPy writes, so readers may map it aligned).
std::string header(const std::string& descr, const std::vector<int64_t>& shape) {
  std::string dims;
  for (int64_t d : shape) dims += fmt::format("{}, ", d);
  if (shape.size() > 1) dims.erase(dims.size() - 2);  // (3,) keeps its comma, (3, 4) has none
  std::string h = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr,
                              shape.empty() ? "" : dims);
  const size_t preamble = 10;  // magic (6), version (2), header length (2)
  const size_t total = (preamble + h.size() + 1 + 63) / 64 * 64;
  h.append(total - preamble - h.size() - 1, ' ');
  h.push_back('\n');
  return h;
}

bool fp32_holds_all(const Tensor& t) {
  for (size_t i = 0; i < t.size(); ++i) {
    const double v = t.value(i);
    if (!std::isnan(v) && static_cast<double>(static_cast<float>(v)) != v) return false;
  }
  return true;
}

}  // namespace

NpyBytes npy_bytes(const Tensor& t) {
  int width = 0;  // bytes per element
  std::string descr;
  bool raw = true;  // the tensor's own bits
  switch (t.format) {
    case Format::fp16:
      width = 2, descr = "<f2";
      break;
    case Format::fp32:
      width = 4, descr = "<f4";
      break;
    case Format::fp64:
      width = 8, descr = "<f8";
      break;
    default:
      raw = false;
      if (fp32_holds_all(t))
        width = 4, descr = "<f4";
      else
        width = 8, descr = "<f8";
  }
  const std::string h = header(descr, t.shape);
  NpyBytes out{std::string("\x93NUMPY\x01\x00", 8), descr};
  put_le(out.bytes, h.size(), 2);
  out.bytes += h;
  out.bytes.reserve(out.bytes.size() + t.size() * static_cast<size_t>(width));
  for (size_t i = 0; i < t.size(); ++i) {
    uint64_t bits = t.bits[i];
    if (!raw) {
      const double v = t.value(i);
      if (width == 4) {
        const float f = static_cast<float>(v);
        uint32_t b = 0;
        std::memcpy(&b, &f, sizeof b);
        bits = b;
      } else {
        std::memcpy(&bits, &v, sizeof bits);
      }
    }
    put_le(out.bytes, bits, width);
  }
  return out;
}

}  // namespace numguard::cli
