// fp32math's exp, log and erfc (kernels_under_test/cpu/fp32_math.h) against MPFR over dense
// sweeps of fp32 (every kStride-th value of each range; the stride is printed), asserting the
// figures the recipes declare and the running-error rules use (running_error.h): exp and log within
// kExpLogUlps ulps, erfc(z) within kErfcUlps (1 + z^2) ulps. An ulp is fp32's spacing at the exact
// result: 2^(e - 23) for a normal result in [2^e, 2^(e+1)), the subnormal spacing 2^-149
// below (the rule's n (2u |y| + 2 eta) is at least n such ulps).
#include <gtest/gtest.h>
#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include "kernels_under_test/cpu/fp32_math.h"

namespace {

namespace fm = numguard::kernels::fp32math;

// Every kStride-th bit pattern: 1024 in CI (about 2^22 values per function, seconds);
// NUMGUARD_MATH_STRIDE=16 for the dense sweep (ctest label exhaustive).
const uint32_t kStride = [] {
  const char* s = std::getenv("NUMGUARD_MATH_STRIDE");
  const long v = s ? std::strtol(s, nullptr, 10) : 0;
  return v > 0 ? static_cast<uint32_t>(v) : 1024u;
}();
constexpr mpfr_prec_t kPrec = 80;  // the reference's own error is 2^-80 relative: far below

double ulp_at(double y) {
  const double ay = std::fabs(y);
  if (ay < 0x1p-126) return 0x1p-149;
  int e = 0;
  std::frexp(ay, &e);  // ay in [2^(e-1), 2^e)
  return std::ldexp(1.0, e - 1 - 23);
}

struct Worst {
  double ulps = 0;  // the largest error / (allowed growth), in ulps
  float at = 0;
};

// Sweeps the fp32 values in [lo, hi] with stride kStride over their bit patterns (both signs),
// on two threads; ref(x, y) sets y = f(x), growth(x) is the figure's growth (1 for exp, log).
Worst sweep(float lo, float hi, const std::function<float(float)>& kernel,
            void (*ref)(mpfr_ptr, mpfr_srcptr), const std::function<double(float)>& growth) {
  std::vector<float> xs;
  auto add_range = [&](uint32_t from, uint32_t to, bool neg) {  // bit patterns of |x|
    for (uint64_t b = from; b <= to; b += kStride) {
      const float a = fm::from_bits(static_cast<uint32_t>(b));
      xs.push_back(neg ? -a : a);
    }
  };
  if (hi > 0) add_range(lo > 0 ? fm::to_bits(lo) : 0, fm::to_bits(hi), false);
  if (lo < 0) add_range(hi < 0 ? fm::to_bits(-hi) : 1, fm::to_bits(-lo), true);
  const unsigned threads = 2;
  std::vector<Worst> worst(threads);
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      mpfr_t mx, my;
      mpfr_init2(mx, 24);
      mpfr_init2(my, kPrec);
      for (size_t i = w; i < xs.size(); i += threads) {
        const float x = xs[i];
        mpfr_set_flt(mx, x, MPFR_RNDN);
        ref(my, mx);
        const double y = mpfr_get_d(my, MPFR_RNDN);
        const float k = kernel(x);
        double ulps;
        if (std::fabs(y) > 0x1.fffffep127) {  // beyond fp32: inf is the right answer
          ulps = std::isinf(k) ? 0 : INFINITY;
        } else {
          ulps = std::fabs(static_cast<double>(k) - y) / ulp_at(y) / growth(x);
        }
        if (!(ulps <= worst[w].ulps)) worst[w] = {ulps, x};
      }
      mpfr_clear(mx);
      mpfr_clear(my);
      mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);  // this thread's log2/pi caches and mpz pool
    });
  for (auto& t : pool) t.join();
  Worst r;
  for (const Worst& w : worst)
    if (!(w.ulps <= r.ulps)) r = w;
  return r;
}

void mp_exp(mpfr_ptr y, mpfr_srcptr x) {
  mpfr_exp(y, x, MPFR_RNDN);
}
void mp_log(mpfr_ptr y, mpfr_srcptr x) {
  mpfr_log(y, x, MPFR_RNDN);
}
void mp_erfc(mpfr_ptr y, mpfr_srcptr x) {
  mpfr_erfc(y, x, MPFR_RNDN);
}
double one(float) {
  return 1;
}

TEST(Fp32Math, ExpWithinDeclaredUlps) {
  const Worst w = sweep(
      -104.0f, 89.0f, [](float x) { return fm::exp(x); }, mp_exp, one);
  std::printf("exp: max %.3f ulps at %a (declared %g, stride %u)\n", w.ulps, w.at, fm::kExpLogUlps,
              kStride);
  EXPECT_LE(w.ulps, fm::kExpLogUlps) << "at x = " << w.at;
}

TEST(Fp32Math, LogWithinDeclaredUlps) {
  const Worst w = sweep(
      0x1p-149f, 0x1.fffffep127f, [](float x) { return fm::log(x); }, mp_log, one);
  std::printf("log: max %.3f ulps at %a (declared %g)\n", w.ulps, w.at, fm::kExpLogUlps);
  EXPECT_LE(w.ulps, fm::kExpLogUlps) << "at x = " << w.at;
}

TEST(Fp32Math, ErfcWithinDeclaredUlps) {
  const Worst w = sweep(
      -10.0f, 10.5f, [](float x) { return fm::erfc(x); }, mp_erfc,
      [](float z) { return 1 + static_cast<double>(z) * z; });
  std::printf("erfc: max %.3f ulps / (1 + z^2) at %a (declared %g)\n", w.ulps, w.at, fm::kErfcUlps);
  EXPECT_LE(w.ulps, fm::kErfcUlps) << "at z = " << w.at;
}

}  // namespace
