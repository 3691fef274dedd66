// Users' tensor files (harness/engine/tensor_file.h): what a well-formed .npy or .safetensors
// file holds is read exactly (values, shape, byte order, 16-bit patterns), and any damage to
// one -- a truncation, a changed byte -- gives a TensorFileError or a well-formed tensor,
// never a crash or an allocation the file's size does not back.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "harness/engine/tensor_file.h"

namespace numguard {
namespace {

std::vector<uint8_t> npy(const std::string& descr, const std::string& shape,
                         const std::vector<uint8_t>& data, int version = 1) {
  std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  const size_t prefix = version == 1 ? 10 : 12;
  h += std::string(63 - (h.size() + prefix) % 64, ' ') + "\n";
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(version), 0};
  for (size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<uint8_t>(h.size() >> (8 * i)));
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<uint8_t> le32(const std::vector<float>& v, bool big_endian = false) {
  std::vector<uint8_t> out;
  for (float f : v)
    for (int b = 0; b < 4; ++b) {
      const int shift = 8 * (big_endian ? 3 - b : b);
      out.push_back(static_cast<uint8_t>(std::bit_cast<uint32_t>(f) >> shift));
    }
  return out;
}

std::vector<uint8_t> safetensors(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string write(const std::vector<uint8_t>& bytes, const std::string& ext) {
  static int n = 0;
  const std::string path =
      ::testing::TempDir() + "numguard_tensor_file_" + std::to_string(n++) + ext;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(TensorFile, ReadsALittleEndianFloat32Npy) {
  const auto t =
      read_tensor_file(write(npy("<f4", "2, 3, ", le32({1, -2, 0.5f, 3, 1e-40f, -0.f})), ".npy"));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t[0].value(1), -2.0);
  EXPECT_EQ(t[0].value(4), static_cast<double>(1e-40f));  // a subnormal float32, exactly
  EXPECT_TRUE(std::signbit(t[0].value(5)));
}

TEST(TensorFile, ReadsBigEndianAndVersion2Headers) {
  const auto t = read_tensor_file(write(npy(">f4", "4, ", le32({1, 2, 3, 4}, true), 2), ".npy"));
  EXPECT_EQ(t[0].value(3), 4.0);
}

TEST(TensorFile, KeepsUint16BitPatternsAndReadsBf16Safetensors) {
  const std::vector<uint8_t> bits = {0x80, 0x3f, 0x01,
                                     0x00};  // bf16 1.0 and the smallest subnormal
  const auto u = read_tensor_file(write(npy("<u2", "2, ", bits), ".npy"));
  EXPECT_EQ(u[0].type, ElementType::u16);
  EXPECT_EQ(u[0].raw(0), 0x3f80u);
  const auto s = read_tensor_file(
      write(safetensors(R"({"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", bits),
            ".safetensors"));
  EXPECT_EQ(s[0].name, "x");
  EXPECT_EQ(s[0].value(0), 1.0);
  EXPECT_EQ(s[0].value(1), std::ldexp(1.0, -133));
}

TEST(TensorFile, RefusesWhatItCannotRead) {
  EXPECT_THROW(read_tensor_file(write(npy("<c8", "2, ", std::vector<uint8_t>(16)), ".npy")),
               TensorFileError);
  EXPECT_THROW(read_tensor_file(write(npy("<f4", "3, ", le32({1, 2})), ".npy")), TensorFileError);
  EXPECT_THROW(read_tensor_file(write(npy("<f4", "1000000, 1000000, 1000000, ", {}), ".npy")),
               TensorFileError);
  EXPECT_THROW(read_tensor_file(
                   write(safetensors(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}})",
                                     std::vector<uint8_t>(8)),
                         ".safetensors")),
               TensorFileError);
  EXPECT_THROW(read_tensor_file(write({}, ".npz")), TensorFileError);
  EXPECT_THROW(read_tensor_file(write({1, 2, 3}, ".txt")), TensorFileError);
}

// Any damage: a TensorFileError or tensors whose bytes the file held, nothing else.
RC_GTEST_PROP(TensorFile, DamagedFilesAreRefusedOrReadNeverCrash, ()) {
  const bool st = *rc::gen::arbitrary<bool>();
  std::vector<uint8_t> bytes =
      st ? safetensors(R"({"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})",
                       le32({1, 2, 3, 4}))
         : npy("<f4", "2, 2, ", le32({1, 2, 3, 4}));
  const auto cut = *rc::gen::inRange<size_t>(0, bytes.size() + 1);
  bytes.resize(cut);
  const auto flips = *rc::gen::container<std::vector<std::pair<size_t, uint8_t>>>(
      rc::gen::pair(rc::gen::arbitrary<size_t>(), rc::gen::arbitrary<uint8_t>()));
  for (const auto& [at, v] : flips)
    if (!bytes.empty()) bytes[at % bytes.size()] = v;
  try {
    for (const FileTensor& t : read_tensor_file(write(bytes, st ? ".safetensors" : ".npy")))
      RC_ASSERT(t.bytes.size() <= bytes.size());
  } catch (const TensorFileError&) {
  }
}

}  // namespace
}  // namespace numguard
