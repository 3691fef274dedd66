// Reproducer files (harness/engine/reproducer_file.h): what numguard-fuzz writes reads back
// exactly, and anything else is refused with the line that is wrong; operand_mismatch keeps a
// hand-edited file from sending a kernel out of bounds. Also libFuzzer's status lines as
// `numguard fuzz` reads them.
#include "harness/engine/reproducer_file.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "harness/cli/libfuzzer_status.h"
#include "harness/engine/registry.h"

namespace numguard {
namespace {

Reproducer sample() {
  Reproducer r;
  r.kernel = "gemm.fp16.fp32acc.sequential";
  r.op = "gemm";
  r.found = "bound_violation at element 3";
  Problem& p = r.problem;
  p.m = 2, p.n = 2, p.k = 3;
  p.alpha = 0.5, p.beta = -std::numeric_limits<double>::infinity();
  p.a = Tensor(Format::fp16, {2, 3});
  p.a.bits = {0x3c00, 0x7c00, 0xfe00, 0x0001, 0x8000, 0x7bff};
  p.b = Tensor(Format::fp16, {3, 2});
  p.b.bits = {1, 2, 3, 4, 5, 6};
  p.c = Tensor(Format::fp32, {2, 2});
  p.c.bits = {0x7fc00000, 0, 0x80000000, 0x00000001};
  p.lengths = {0, 7};
  p.scalars = {1e-5, 4.9406564584124654e-324, std::numeric_limits<double>::quiet_NaN()};
  return r;
}

std::optional<Reproducer> parsed(const std::string& text, std::string* error = nullptr) {
  std::string e;
  auto r = parse_reproducer(text, &e);
  if (error) *error = e;
  return r;
}

std::string with_line_replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(ReproducerFile, FormatThenParseIsTheIdentity) {
  const Reproducer r = sample();
  const auto back = parsed(format_reproducer(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kernel, r.kernel);
  EXPECT_EQ(back->op, r.op);
  EXPECT_EQ(back->found, r.found);
  EXPECT_EQ(back->problem.m, 2);
  EXPECT_EQ(back->problem.k, 3);
  EXPECT_EQ(back->problem.alpha, 0.5);
  EXPECT_EQ(back->problem.beta, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(back->problem.a.bits, r.problem.a.bits);
  EXPECT_EQ(back->problem.a.shape, r.problem.a.shape);
  EXPECT_EQ(back->problem.b.bits, r.problem.b.bits);
  EXPECT_EQ(back->problem.c.format, Format::fp32);
  EXPECT_EQ(back->problem.c.bits, r.problem.c.bits);
  EXPECT_EQ(back->problem.lengths, r.problem.lengths);
  EXPECT_EQ(back->problem.scalars[0], 1e-5);
  EXPECT_EQ(back->problem.scalars[1], 4.9406564584124654e-324);  // subnormal: exact
  EXPECT_TRUE(std::isnan(back->problem.scalars[2]));
  EXPECT_TRUE(back->problem.d.empty());
}

RC_GTEST_PROP(ReproducerFile, EveryBitPatternOfEveryFormatRoundTrips, ()) {
  const Format f = *rc::gen::element(Format::fp32, Format::tf32, Format::bf16, Format::fp16,
                                     Format::e4m3, Format::e5m2);
  const auto n = *rc::gen::inRange<int64_t>(1, 300);
  Reproducer r;
  r.kernel = "sum.fp32.fp32acc.sequential";
  r.problem.k = n;
  r.problem.a = Tensor(f, {1, n});
  for (uint64_t& b : r.problem.a.bits) b = *rc::gen::arbitrary<uint64_t>() & desc(f).storage_mask();
  r.problem.alpha = *rc::gen::arbitrary<double>();
  const auto back = parse_reproducer(format_reproducer(r), nullptr);
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->problem.a.bits == r.problem.a.bits);
  RC_ASSERT(back->problem.a.format == f);
  RC_ASSERT((back->problem.alpha == r.problem.alpha) ||
            (std::isnan(back->problem.alpha) && std::isnan(r.problem.alpha)));
}

TEST(ReproducerFile, RefusesWhatIsNotAReproducerAndNamesTheLine) {
  const std::string good = format_reproducer(sample());
  std::string e;
  EXPECT_FALSE(parsed("", &e));
  EXPECT_FALSE(parsed("hello\n", &e));
  EXPECT_NE(e.find("line 1: not a numguard reproducer"), std::string::npos) << e;
  EXPECT_FALSE(
      parsed(with_line_replaced(good, "numguard-reproducer 1", "numguard-reproducer 2"), &e));
  EXPECT_NE(e.find("version 2"), std::string::npos) << e;
  EXPECT_FALSE(parsed(good.substr(0, good.size() - 4), &e));  // no "end": truncated
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  EXPECT_FALSE(parsed(good + "tensor d fp16 1\n0\n", &e));  // content after end
  EXPECT_FALSE(parsed(with_line_replaced(good, "op gemm", "colour blue"), &e));
  EXPECT_NE(e.find("unknown field 'colour'"), std::string::npos) << e;
  EXPECT_FALSE(parsed(with_line_replaced(good, "3c00 7c00", "3c00 17c00"), &e));  // 17 bits
  EXPECT_NE(e.find("not a 16-bit fp16 pattern"), std::string::npos) << e;
  EXPECT_FALSE(parsed(with_line_replaced(good, "3c00 7c00", "3c00 zz"), &e));
  EXPECT_FALSE(parsed(with_line_replaced(good, "tensor a fp16 2 3", "tensor a fp16 2 4"), &e));
  EXPECT_FALSE(parsed(with_line_replaced(good, "tensor a fp16 2 3", "tensor a fp99 2 3"), &e));
  EXPECT_NE(e.find("unknown format 'fp99'"), std::string::npos) << e;
  EXPECT_FALSE(
      parsed(with_line_replaced(good, "tensor a fp16 2 3", "tensor a fp16 65536 65536"), &e));
  EXPECT_NE(e.find("more than 2^22 elements"), std::string::npos) << e;
  EXPECT_FALSE(parsed(with_line_replaced(good, "shape 2 2 3", "shape 2 -2 3"), &e));
  EXPECT_FALSE(parsed(with_line_replaced(good, "kernel gemm.fp16.fp32acc.sequential\n", ""), &e));
  EXPECT_NE(e.find("no 'kernel' line"), std::string::npos) << e;
}

TEST(ReproducerFile, OperandsMustFitTheKernelsOp) {
  const KernelDesc* gemm = find_kernel("gemm.fp16.fp32acc.sequential");
  const KernelDesc* softmax = find_kernel("softmax.fp16.fp32acc.twopass");
  const KernelDesc* ce = find_kernel("cross_entropy.fp16.fp32acc.twopass");
  ASSERT_TRUE(gemm && softmax && ce);
  Problem p = sample().problem;
  EXPECT_NE(operand_mismatch(*gemm, p).find("integer operands"),
            std::string::npos);  // gemm reads none
  p.lengths.clear();
  EXPECT_NE(operand_mismatch(*gemm, p).find("scalars"), std::string::npos);  // nor scalars
  p.scalars.clear();
  p.beta = 1;
  EXPECT_EQ(operand_mismatch(*gemm, p), "");
  p.c = Tensor();
  EXPECT_NE(operand_mismatch(*gemm, p), "");  // beta != 0 reads C
  p = sample().problem;
  p.lengths.clear();
  p.scalars.clear();
  p.k = 4;
  EXPECT_NE(operand_mismatch(*gemm, p).find("must have 8 elements"), std::string::npos);
  Problem s;
  s.m = 2, s.n = 3;
  s.a = Tensor(Format::fp16, {2, 3});
  EXPECT_EQ(operand_mismatch(*softmax, s), "");
  s.n = 4;
  EXPECT_NE(operand_mismatch(*softmax, s), "");
  s.n = 3;
  s.a = Tensor(Format::fp32, {2, 3});
  EXPECT_NE(operand_mismatch(*softmax, s).find("is fp32"), std::string::npos);
  Problem x;
  x.m = 2, x.n = 3;
  x.a = Tensor(Format::fp16, {2, 3});
  x.lengths = {0, 2};
  EXPECT_EQ(operand_mismatch(*ce, x), "");
  x.lengths = {0, 3};  // a target outside [0, n)
  EXPECT_NE(operand_mismatch(*ce, x), "");
  x.lengths = {0};
  EXPECT_NE(operand_mismatch(*ce, x), "");
}

TEST(LibFuzzerStatus, ReadsThePlainAndTheForkModesLines) {
  using cli::parse_libfuzzer_status;
  const auto plain = parse_libfuzzer_status(
      "#4096\tpulse  cov: 123 ft: 456 corp: 34/1234b lim: 4 exec/s: 512 rss: 40Mb");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->execs, 4096);
  EXPECT_EQ(plain->coverage, 123);
  EXPECT_EQ(plain->corpus, 34);
  EXPECT_EQ(plain->execs_per_s, 512);
  const auto fork = parse_libfuzzer_status(
      "#292096: cov: 87 ft: 88 corp: 60 exec/s 67053 oom/timeout/crash: 0/0/0 time: 3s job: 2");
  ASSERT_TRUE(fork);
  EXPECT_EQ(fork->execs, 292096);
  EXPECT_EQ(fork->corpus, 60);
  EXPECT_EQ(fork->execs_per_s, 67053);
  EXPECT_FALSE(parse_libfuzzer_status("###### Recommended dictionary. ######"));
  EXPECT_FALSE(parse_libfuzzer_status("INFO: Seed: 1"));
}

}  // namespace
}  // namespace numguard
