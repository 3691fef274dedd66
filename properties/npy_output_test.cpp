// `check --outputs` files (harness/cli/npy_output.h) read back by numguard's own .npy reader
// (harness/engine/tensor_file.h, written to NumPy's format description and tested on files
// NumPy wrote): every format comes back with its shape and every value, fp16 / fp32 / fp64
// with their bits, the narrower formats as exact float32, and a value float32 cannot hold
// sends the tensor to float64.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "harness/cli/npy_output.h"
#include "harness/core/rounding.h"
#include "harness/engine/tensor_file.h"

namespace numguard::cli {
namespace {

struct Case {
  Format format;
  std::vector<int64_t> shape;
  const char* descr;
};

Tensor filled(Format f, std::vector<int64_t> shape) {
  Tensor t(f, std::move(shape));
  for (size_t i = 0; i < t.size(); ++i)  // mixed signs and magnitudes, a zero at 0
    t.bits[i] = round_double(f, (i % 2 ? -1.0 : 1.0) * std::ldexp(0.75 + 0.01 * i, int(i % 7) - 3) *
                                    (i == 0 ? 0.0 : 1.0))
                    .bits;
  return t;
}

FileTensor round_trip(const Tensor& t, std::string* descr) {
  const NpyBytes npy = npy_bytes(t);
  *descr = npy.descr;
  const std::string path = ::testing::TempDir() + "npy_output_test.npy";
  std::ofstream(path, std::ios::binary) << npy.bytes;
  std::vector<FileTensor> read = read_tensor_file(path);
  std::remove(path.c_str());
  EXPECT_EQ(read.size(), 1u);
  return read.empty() ? FileTensor{} : read.front();
}

const std::vector<Case> kCases = {
    {Format::fp32, {3, 4}, "<f4"}, {Format::fp16, {5, 2}, "<f2"}, {Format::fp64, {7}, "<f8"},
    {Format::bf16, {2, 3}, "<f4"}, {Format::e4m3, {4, 4}, "<f4"}, {Format::e2m1, {9}, "<f4"},
    {Format::tf32, {1, 6}, "<f4"}, {Format::fp32, {}, "<f4"},     {Format::fp16, {2, 1, 3}, "<f2"},
};

TEST(NpyOutput, TheTableIsNotEmpty) {
  EXPECT_GE(kCases.size(), 9u);
}

TEST(NpyOutput, EveryFormatReadsBackWithItsShapeAndValues) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << name(c.format) << ", rank " << c.shape.size());
    const Tensor t = filled(c.format, c.shape);
    std::string descr;
    const FileTensor f = round_trip(t, &descr);
    EXPECT_EQ(descr, c.descr);
    EXPECT_EQ(f.dtype, c.descr);
    EXPECT_EQ(f.shape, c.shape);
    ASSERT_EQ(f.count(), static_cast<int64_t>(t.size()));
    for (size_t i = 0; i < t.size(); ++i) {
      EXPECT_EQ(f.value(static_cast<int64_t>(i)), t.value(i)) << "element " << i;
      if (c.format == Format::fp16) EXPECT_EQ(f.raw(static_cast<int64_t>(i)), t.bits[i]);
    }
  }
}

TEST(NpyOutput, Fp32BitsAreKeptNaNPayloadsIncluded) {
  Tensor t(Format::fp32, {3});
  t.bits = {0x7fc00001u, 0xff800000u, 0x80000000u};  // a NaN with a payload, -inf, -0
  std::string descr;
  const FileTensor f = round_trip(t, &descr);
  ASSERT_EQ(f.bytes.size(), 12u);
  for (size_t i = 0; i < 3; ++i) {
    uint32_t b = 0;
    for (int j = 0; j < 4; ++j) b |= uint32_t{f.bytes[4 * i + j]} << (8 * j);
    EXPECT_EQ(b, t.bits[i]) << "element " << i;
  }
}

TEST(NpyOutput, DataStartsOnA64ByteBoundary) {
  for (const Case& c : kCases) {
    const std::string b = npy_bytes(filled(c.format, c.shape)).bytes;
    const size_t header = static_cast<unsigned char>(b[8]) | static_cast<unsigned char>(b[9]) << 8;
    EXPECT_EQ((10 + header) % 64, 0u) << name(c.format);
    EXPECT_EQ(b[10 + header - 1], '\n');
  }
}

}  // namespace
}  // namespace numguard::cli
