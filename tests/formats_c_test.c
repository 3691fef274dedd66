/* include/numguard/formats.h from C: known values of every format, both directions, the
 * special encodings and the tie rule. Fuller coverage of the arithmetic underneath is in
 * properties/formats_test.cpp and rounding_properties_test.cpp; this checks the C surface. */
#include <math.h>
#include <numguard/formats.h>
#include <stdio.h>

static int failures = 0;

static void expect_decode(int f, uint64_t bits, double want) {
  const double got = numguard_format_decode(f, bits);
  if (!(got == want || (isnan(got) && isnan(want)))) {
    printf("FAIL decode(%d, 0x%llx) = %.17g, want %.17g\n", f, (unsigned long long)bits, got, want);
    ++failures;
  }
}

static void expect_round(int f, double x, uint64_t want) {
  const uint64_t got = numguard_format_round(f, x);
  if (got != want) {
    printf("FAIL round(%d, %.17g) = 0x%llx, want 0x%llx\n", f, x, (unsigned long long)got,
           (unsigned long long)want);
    ++failures;
  }
}

int main(void) {
  if (numguard_format_from_name("fp16") != NUMGUARD_FORMAT_FP16 ||
      numguard_format_from_name("BF16") != NUMGUARD_FORMAT_BF16 ||
      numguard_format_from_name("half") != NUMGUARD_FORMAT_FP16 ||
      numguard_format_from_name("e4m3") != NUMGUARD_FORMAT_E4M3 ||
      numguard_format_from_name("fp17") != -1 || numguard_format_from_name(0) != -1) {
    printf("FAIL numguard_format_from_name\n");
    ++failures;
  }

  expect_decode(NUMGUARD_FORMAT_FP16, 0x3C00, 1.0);
  expect_decode(NUMGUARD_FORMAT_FP16, 0x7BFF, 65504.0);
  expect_decode(NUMGUARD_FORMAT_FP16, 0x0001, ldexp(1.0, -24));
  expect_decode(NUMGUARD_FORMAT_FP16, 0xFC00, -INFINITY);
  expect_decode(NUMGUARD_FORMAT_FP16, 0x7E00, NAN);
  expect_decode(NUMGUARD_FORMAT_BF16, 0x3F80, 1.0);
  expect_decode(NUMGUARD_FORMAT_TF32, 0x3F802000, 1.0 + ldexp(1.0, -10));
  expect_decode(NUMGUARD_FORMAT_FP32, 0x3EAAAAAB, 0x1.555556p-2);
  expect_decode(NUMGUARD_FORMAT_E4M3, 0x7E, 448.0);
  expect_decode(NUMGUARD_FORMAT_E4M3, 0x7F, NAN);
  expect_decode(NUMGUARD_FORMAT_E5M2, 0x7B, 57344.0);
  expect_decode(NUMGUARD_FORMAT_E5M2, 0x7C, INFINITY);
  expect_decode(NUMGUARD_FORMAT_E2M1, 0x7, 6.0);
  expect_decode(NUMGUARD_FORMAT_E8M0, 0x00, ldexp(1.0, -127));
  expect_decode(NUMGUARD_FORMAT_UE4M3, 0x7E, 448.0);
  expect_decode(-1, 0, NAN);

  expect_round(NUMGUARD_FORMAT_FP16, 1.0, 0x3C00);
  expect_round(NUMGUARD_FORMAT_FP16, 1.0 + ldexp(1.0, -11), 0x3C00);     /* tie to even: down */
  expect_round(NUMGUARD_FORMAT_FP16, 1.0 + 3 * ldexp(1.0, -11), 0x3C02); /* tie to even: up */
  expect_round(NUMGUARD_FORMAT_FP16, 65520.0, 0x7C00);                   /* overflow: inf */
  expect_round(NUMGUARD_FORMAT_FP16, ldexp(1.0, -25), 0x0000);           /* tie with zero */
  expect_round(NUMGUARD_FORMAT_FP16, -0.0, 0x8000);
  expect_round(NUMGUARD_FORMAT_BF16, 1.0 / 3.0, 0x3EAB);
  expect_round(NUMGUARD_FORMAT_TF32, 1.0 / 3.0, 0x3EAAA000);
  expect_round(NUMGUARD_FORMAT_FP32, 1.0 / 3.0, 0x3EAAAAAB);
  expect_round(NUMGUARD_FORMAT_E4M3, 448.0, 0x7E);
  expect_round(NUMGUARD_FORMAT_E4M3, 1000.0, 0x7F); /* no inf: NaN */
  expect_round(NUMGUARD_FORMAT_E5M2, 1.0 / 3.0, 0x35);
  expect_round(NUMGUARD_FORMAT_FP16, NAN, 0x7E00);
  expect_round(NUMGUARD_FORMAT_E2M1, 5.0, 0x6);  /* 4 and 6 tie: even */
  expect_round(NUMGUARD_FORMAT_E2M1, 100.0, 0x7); /* saturates: 6 */
  expect_round(NUMGUARD_FORMAT_E8M0, 3.0, 0x81);
  expect_round(NUMGUARD_FORMAT_E4M3FNUZ, 1.0, 0x40); /* bias 8 */
  expect_round(NUMGUARD_FORMAT_E4M3FNUZ, -0.0, 0x00); /* no -0: 0x80 is NaN */
  expect_round(NUMGUARD_FORMAT_E5M2FNUZ, 1.0, 0x40); /* bias 16 */
  expect_round(14, 1.0, 0);

  if (failures == 0) printf("formats_c: all passed\n");
  return failures != 0;
}
