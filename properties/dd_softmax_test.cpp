// The double-double softmax reference (references/dd_softmax.h) against MPFR
// (references/row_reference.h): the same double for every element of every row, softmax and
// log_softmax; ordinary rows never need MPFR. RapidCheck draws the rows (fixed seed in CMake;
// RC_PARAMS replays a failure).
#include <gtest/gtest.h>
#include <mpfr.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "harness/core/format.h"
#include "harness/core/rounding.h"
#include "references/dd_softmax.h"
#include "references/row_reference.h"

namespace numguard {
namespace {

bool same_doubles(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() &&
         (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

// A row of logits: a format's values (bf16, fp16, fp32) around an offset with a spread from
// 2^-20 to 2^12 (tiny differences, the usual spread of 8, rows whose exps underflow), with
// repeats (ties for the max) sometimes.
std::vector<double> row(uint64_t seed, size_t n) {
  std::mt19937_64 g(seed);
  const Format f = std::array{Format::bf16, Format::fp16, Format::fp32}[g() % 3];
  const double spread = std::ldexp(1.0, static_cast<int>(g() % 33) - 20);
  const double offset = std::ldexp(static_cast<double>(g() % 200) - 100, static_cast<int>(g() % 8));
  std::normal_distribution<double> z(0, 1);
  std::vector<double> x(n);
  for (double& v : x) v = decode(f, round_double(f, offset + spread * z(g)).bits);
  if (g() % 4 == 0 && n > 1) x[g() % n] = x[g() % n];
  return x;
}

RC_GTEST_PROP(DdSoftmax, IsMpfrsDoubleForEveryElement, ()) {
  const auto n = *rc::gen::inRange<size_t>(1, 3000);
  const auto seed = *rc::gen::arbitrary<uint64_t>();
  const std::vector<double> x = row(seed, n);
  for (bool log : {false, true})
    RC_ASSERT(same_doubles(dd_ref::softmax(x, log), mpfr_ref::softmax(x, log)));
}

// The exponential the decisions rest on, against MPFR at 256 bits: relative error below 2^-96
// over its range (-665 to 0), near table points and near 0.
RC_GTEST_PROP(DdSoftmax, ExpIsWithinItsBound, ()) {
  const double hi =
      -*rc::gen::oneOf(rc::gen::inRange(0, 665000), rc::gen::inRange(0, 100)) / 1000.0 -
      std::ldexp(static_cast<double>(*rc::gen::inRange(0, 1 << 20)), -40);
  const double lo = std::ldexp(hi, -54) * (*rc::gen::inRange(-1000, 1000) / 1000.0);
  const dd::DD y = dd_ref::exp({hi, lo});
  mpfr_t x, e, got;
  mpfr_inits2(256, x, e, got, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_d(x, hi, MPFR_RNDN);
  mpfr_add_d(x, x, lo, MPFR_RNDN);
  mpfr_exp(e, x, MPFR_RNDN);
  mpfr_set_d(got, y.hi, MPFR_RNDN);
  mpfr_add_d(got, got, y.lo, MPFR_RNDN);
  mpfr_sub(got, got, e, MPFR_RNDN);
  mpfr_div(got, got, e, MPFR_RNDN);
  const double rel = std::fabs(mpfr_get_d(got, MPFR_RNDN));
  mpfr_clears(x, e, got, static_cast<mpfr_ptr>(nullptr));
  RC_ASSERT(rel < 0x1p-96);
}

TEST(DdSoftmax, OrdinaryRowsNeedNoMpfr) {
  const long before = dd_ref::mpfr_rows();
  std::mt19937_64 g(3);
  std::normal_distribution<double> z(0, 8);
  for (int r = 0; r < 50; ++r) {
    std::vector<double> x(1000);
    for (double& v : x) v = decode(Format::bf16, round_double(Format::bf16, z(g)).bits);
    for (bool log : {false, true}) {
      const std::vector<double> y = dd_ref::softmax(x, log);
      ASSERT_TRUE(same_doubles(y, mpfr_ref::softmax(x, log)));
    }
  }
  EXPECT_EQ(dd_ref::mpfr_rows(), before);
}

// A row of 131,072 logits (the production shape of docs/INPUTS.md): the sum's bound grows
// with n and must still decide every element.
TEST(DdSoftmax, LongRowsAgreeWithMpfr) {
  const long before = dd_ref::mpfr_rows();
  const std::vector<double> x = row(5, 131072);
  EXPECT_TRUE(same_doubles(dd_ref::softmax(x, false), mpfr_ref::softmax(x, false)));
  EXPECT_EQ(dd_ref::mpfr_rows(), before);
}

TEST(DdSoftmax, RowsWithSpecialValuesAreMpfrs) {
  const double inf = std::numeric_limits<double>::infinity(),
               nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> rows = {
      {}, {-inf, -inf}, {1, -inf, 2}, {1, inf}, {nan, 1}, {0}, {-1e300, 1e300}, {3, 3, 3}};
  for (const auto& x : rows)
    for (bool log : {false, true})
      EXPECT_TRUE(same_doubles(dd_ref::softmax(x, log), mpfr_ref::softmax(x, log)));
}

}  // namespace
}  // namespace numguard
