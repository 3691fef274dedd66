/* include/numguard/formats.h's rounding modes and flags from C99: a table of hand-derived
 * cases (every mode on ties and non-ties, both signs, in every narrow format; FTZ; overflow
 * with and without saturation; DAZ), the stochastic rounding contract (one seed, one sequence;
 * a quarter of 1 + 2^-12 rounds up in fp16) and the bad-argument results. The arithmetic
 * underneath is covered by properties/rounding_properties_test.cpp; this checks the C surface. */
#include <math.h>
#include <numguard/formats.h>
#include <stdio.h>

enum { FP32 = NUMGUARD_FORMAT_FP32, TF32 = NUMGUARD_FORMAT_TF32, BF16 = NUMGUARD_FORMAT_BF16 };
enum { FP16 = NUMGUARD_FORMAT_FP16, E4M3 = NUMGUARD_FORMAT_E4M3, E5M2 = NUMGUARD_FORMAT_E5M2 };
enum { RNE = NUMGUARD_RNE, RZ = NUMGUARD_RZ, RU = NUMGUARD_RU, RD = NUMGUARD_RD };
enum { RNA = NUMGUARD_RNA, SR = NUMGUARD_SR };
#define FTZ NUMGUARD_ROUND_FTZ
#define SAT NUMGUARD_ROUND_SATURATE
#define NOSAT NUMGUARD_ROUND_NO_SATURATE
#define DAZ NUMGUARD_ROUND_DAZ

static int failures = 0;
static int checks = 0;

static void expect_bits(const char* what, uint64_t got, uint64_t want) {
  ++checks;
  if (got != want) {
    printf("FAIL %s = 0x%llx, want 0x%llx\n", what, (unsigned long long)got,
           (unsigned long long)want);
    ++failures;
  }
}

typedef struct round_case {
  int format;
  double x;
  int mode;
  unsigned flags;
  uint64_t want;
} round_case;

/* Each expected pattern is derived by hand from the format's layout (fp16 1.0 = 0x3C00, ulp at
 * 1 = 2^-10; bf16 0x3F80, 2^-7; tf32 0x3F800000, 2^-10 at bit 13; fp32 0x3F800000, 2^-23; e4m3
 * 0x38, 2^-3; e5m2 0x3C, 2^-2). A tie is 1 + ulp/2: RNE keeps the even 1.0, RNA and RU go up. */
static const round_case kRound[] = {
    /* fp16 tie 1 + 2^-11, both signs */
    {FP16, 0x1.002p0, RNE, 0, 0x3C00},
    {FP16, 0x1.002p0, RNA, 0, 0x3C01},
    {FP16, 0x1.002p0, RU, 0, 0x3C01},
    {FP16, 0x1.002p0, RZ, 0, 0x3C00},
    {FP16, 0x1.002p0, RD, 0, 0x3C00},
    {FP16, -0x1.002p0, RNE, 0, 0xBC00},
    {FP16, -0x1.002p0, RNA, 0, 0xBC01},
    {FP16, -0x1.002p0, RU, 0, 0xBC00},
    {FP16, -0x1.002p0, RZ, 0, 0xBC00},
    {FP16, -0x1.002p0, RD, 0, 0xBC01},
    /* fp16 tie at an odd significand, 1 + 3 * 2^-11: RNE goes up to the even one */
    {FP16, 0x1.006p0, RNE, 0, 0x3C02},
    {FP16, 0x1.006p0, RZ, 0, 0x3C01},
    /* fp16 non-ties: a quarter ulp above 1, three quarters above 1 */
    {FP16, 0x1.001p0, RNE, 0, 0x3C00},
    {FP16, 0x1.001p0, RNA, 0, 0x3C00},
    {FP16, 0x1.001p0, RU, 0, 0x3C01},
    {FP16, 0x1.001p0, RD, 0, 0x3C00},
    {FP16, -0x1.001p0, RU, 0, 0xBC00},
    {FP16, -0x1.001p0, RD, 0, 0xBC01},
    {FP16, 0x1.003p0, RNE, 0, 0x3C01},
    {FP16, 0x1.003p0, RZ, 0, 0x3C00},
    {FP16, 1.5, RU, 0, 0x3E00}, /* exact: every mode keeps it */
    {FP16, 1.5, RD, 0, 0x3E00},
    /* bf16 tie 1 + 2^-8 and non-tie 1 + 2^-9 */
    {BF16, 0x1.01p0, RNE, 0, 0x3F80},
    {BF16, 0x1.01p0, RNA, 0, 0x3F81},
    {BF16, 0x1.01p0, RU, 0, 0x3F81},
    {BF16, 0x1.01p0, RZ, 0, 0x3F80},
    {BF16, -0x1.01p0, RD, 0, 0xBF81},
    {BF16, -0x1.01p0, RU, 0, 0xBF80},
    {BF16, 0x1.008p0, RNE, 0, 0x3F80},
    {BF16, 0x1.008p0, RU, 0, 0x3F81},
    /* tf32 tie 1 + 2^-11 (ulp is bit 13 of the fp32 container) */
    {TF32, 0x1.002p0, RNE, 0, 0x3F800000},
    {TF32, 0x1.002p0, RNA, 0, 0x3F802000},
    {TF32, 0x1.002p0, RU, 0, 0x3F802000},
    {TF32, 0x1.002p0, RZ, 0, 0x3F800000},
    {TF32, -0x1.002p0, RD, 0, 0xBF802000},
    {TF32, 0x1.001p0, RNA, 0, 0x3F800000},
    /* fp32 tie 1 + 2^-24 and the non-tie 1/3 = 0x3EAAAAAA.AAA... */
    {FP32, 0x1.000001p0, RNE, 0, 0x3F800000},
    {FP32, 0x1.000001p0, RNA, 0, 0x3F800001},
    {FP32, 0x1.000001p0, RU, 0, 0x3F800001},
    {FP32, -0x1.000001p0, RD, 0, 0xBF800001},
    {FP32, 1.0 / 3.0, RZ, 0, 0x3EAAAAAA},
    {FP32, 1.0 / 3.0, RD, 0, 0x3EAAAAAA},
    {FP32, 1.0 / 3.0, RU, 0, 0x3EAAAAAB},
    {FP32, -1.0 / 3.0, RU, 0, 0xBEAAAAAA},
    /* e4m3 tie 1 + 2^-4 */
    {E4M3, 0x1.1p0, RNE, 0, 0x38},
    {E4M3, 0x1.1p0, RNA, 0, 0x39},
    {E4M3, 0x1.1p0, RU, 0, 0x39},
    {E4M3, -0x1.1p0, RD, 0, 0xB9},
    {E4M3, -0x1.1p0, RZ, 0, 0xB8},
    /* e5m2 tie 1 + 2^-3 */
    {E5M2, 1.125, RNE, 0, 0x3C},
    {E5M2, 1.125, RNA, 0, 0x3D},
    {E5M2, 1.125, RU, 0, 0x3D},
    {E5M2, -1.125, RD, 0, 0xBD},
    {E5M2, -1.125, RU, 0, 0xBC},
    /* FTZ flushes subnormal results after rounding, keeping the sign; fp16's smallest
     * subnormal is 2^-24, its smallest normal 2^-14 = 0x0400 */
    {FP16, 0x1p-24, RNE, 0, 0x0001},
    {FP16, 0x1p-24, RNE, FTZ, 0x0000},
    {FP16, -0x1p-24, RNE, FTZ, 0x8000},
    {FP16, 0x1.8p-24, RU, FTZ, 0x0000},
    {FP16, 0x1p-14 - 0x1p-26, RNE, FTZ, 0x0400}, /* rounds up to normal: kept */
    {FP16, 0x1p-14 - 0x1p-26, RZ, 0, 0x03FF},
    {FP16, 0x1p-14 - 0x1p-26, RZ, FTZ, 0x0000},
    {BF16, 0x1p-133, RNE, FTZ, 0x0000},
    {FP32, 0x1p-149, RNE, FTZ, 0x00000000},
    /* Overflow: inf (e4m3: NaN) by default and with NO_SATURATE, the largest finite value with
     * SATURATE, and toward zero for RZ and the directed mode that points inward */
    {FP16, 65520.0, RNE, 0, 0x7C00},
    {FP16, 65520.0, RNE, NOSAT, 0x7C00},
    {FP16, 65520.0, RNE, SAT, 0x7BFF},
    {FP16, -65520.0, RNE, SAT, 0xFBFF},
    {FP16, 65520.0, RZ, 0, 0x7BFF},
    {FP16, 65520.0, RD, 0, 0x7BFF},
    {FP16, -65520.0, RU, 0, 0xFBFF},
    {FP16, -65520.0, RD, 0, 0xFC00},
    {FP16, INFINITY, RZ, 0, 0x7C00}, /* inf is exact: it stays inf */
    {FP16, -INFINITY, RNE, SAT, 0xFBFF},
    {E4M3, 1000.0, RNE, 0, 0x7F},
    {E4M3, 1000.0, RNE, NOSAT, 0x7F},
    {E4M3, 1000.0, RNE, SAT, 0x7E},
    {E4M3, -1000.0, RNE, SAT, 0xFE},
    {E4M3, 1000.0, RZ, 0, 0x7E},
    {E4M3, 1000.0, RU, 0, 0x7F},
    {E5M2, 1e6, RNE, 0, 0x7C},
    {E5M2, 1e6, RNE, SAT, 0x7B},
    {E5M2, -1e6, RZ, 0, 0xFB},
    {BF16, 0x1p128, RNE, SAT, 0x7F7F},
    {FP32, 0x1p128, RNE, 0, 0x7F800000},
    {FP32, 0x1p128, RNE, SAT, 0x7F7FFFFF},
    /* NaN in any mode is the canonical quiet NaN */
    {FP16, NAN, RZ, SAT, 0x7E00},
    {E4M3, NAN, RD, 0, 0x7F},
};

typedef struct convert_case {
  int from;
  uint64_t bits;
  int to;
  int mode;
  unsigned flags;
  uint64_t want;
} convert_case;

static const convert_case kConvert[] = {
    {FP16, 0x0001, FP32, RNE, 0, 0x33800000},   /* 2^-24 */
    {FP16, 0x0001, FP32, RNE, DAZ, 0x00000000}, /* read as zero */
    {FP16, 0x8001, FP32, RNE, DAZ, 0x80000000}, /* keeping the sign */
    {BF16, 0x0001, FP32, RNE, DAZ, 0x00000000},
    {FP16, 0x0400, FP32, RNE, DAZ, 0x38800000}, /* a normal is read as it is */
    {FP32, 0x3F801000, FP16, RNE, 0, 0x3C00},   /* fp32 1 + 2^-11: a fp16 tie */
    {FP32, 0x3F801000, FP16, RNA, 0, 0x3C01},
    {FP32, 0xBF801000, FP16, RD, 0, 0xBC01},
    {FP32, 0x3F808000, BF16, RNE, 0, 0x3F80}, /* fp32 1 + 2^-8: a bf16 tie */
    {FP32, 0x3F808000, BF16, RU, 0, 0x3F81},
    {FP32, 0x3F801000, TF32, RNA, 0, 0x3F802000},
    {FP32, 0x3F801000, TF32, RZ, 0, 0x3F800000},
    {FP16, 0xFFFF3C00, FP32, RNE, 0, 0x3F800000}, /* bits above fp16's 16 are ignored */
    {E4M3, 0x7F, FP16, RNE, 0, 0x7E00},           /* NaN */
    {FP32, 0x7F7FFFFF, E4M3, RNE, SAT, 0x7E},
    {FP32, 0x7F7FFFFF, FP16, RNE, 0, 0x7C00},
    {FP32, 0x33800000, FP16, RNE, FTZ, 0x0000}, /* 2^-24: a fp16 subnormal result */
    {FP16, 0x3C00, E5M2, RNE, 0, 0x3C},
};

static const char* format_name(int f) {
  static const char* const names[] = {"fp64", "fp32", "tf32", "bf16", "fp16", "e4m3", "e5m2"};
  return f >= 0 && f < 7 ? names[f] : "?";
}

static void check_tables(void) {
  char what[160];
  size_t i;
  for (i = 0; i < sizeof kRound / sizeof kRound[0]; ++i) {
    const round_case* c = &kRound[i];
    snprintf(what, sizeof what, "round_mode(%s, %a, mode %d, flags %u) [row %u]",
             format_name(c->format), c->x, c->mode, c->flags, (unsigned)i);
    expect_bits(what, numguard_format_round_mode(c->format, c->x, c->mode, c->flags, NULL),
                c->want);
  }
  for (i = 0; i < sizeof kConvert / sizeof kConvert[0]; ++i) {
    const convert_case* c = &kConvert[i];
    snprintf(what, sizeof what, "convert(%s 0x%llx -> %s, mode %d, flags %u) [row %u]",
             format_name(c->from), (unsigned long long)c->bits, format_name(c->to), c->mode,
             c->flags, (unsigned)i);
    expect_bits(what, numguard_format_convert(c->from, c->bits, c->to, c->mode, c->flags, NULL),
                c->want);
  }
}

/* SR is a reproducible function of the seed: the same seed gives the same results and the
 * same final state, every result is one of the two neighbours, an exact input draws nothing,
 * and the fraction rounded up is the discarded fraction of an ulp. For fp16 x = 1 + 2^-12 that
 * fraction is 1/4: the count of n draws rounded up is Binomial(n, 1/4), and the check allows
 * 4 standard deviations, sqrt(n p (1 - p)), either side of n p (a normal tail of 6e-5: with a
 * fixed seed the outcome is deterministic, the bound says why it is not tuned). */
static void check_stochastic(void) {
  const uint64_t seed = 20261124u;
  const double x = 0x1.001p0;
  const long n = 100000;
  const double p = 0.25;
  uint64_t s1 = seed, s2 = seed;
  long up = 0, i;
  char what[160];
  for (i = 0; i < n; ++i) {
    const uint64_t a = numguard_format_round_mode(FP16, x, SR, 0, &s1);
    const uint64_t b = numguard_format_round_mode(FP16, x, SR, 0, &s2);
    if (a != b) {
      snprintf(what, sizeof what, "SR seed %llu draw %ld replayed", (unsigned long long)seed, i);
      expect_bits(what, b, a);
      return;
    }
    if (a != 0x3C00 && a != 0x3C01) {
      snprintf(what, sizeof what, "SR seed %llu draw %ld (not a neighbour of x)",
               (unsigned long long)seed, i);
      expect_bits(what, a, 0x3C00);
      return;
    }
    up += a == 0x3C01;
  }
  expect_bits("SR final states of one seed agree", s1, s2);
  ++checks;
  {
    const double sigma = sqrt(n * p * (1 - p));
    if (fabs(up - n * p) > 4 * sigma) {
      printf(
          "FAIL SR seed %llu: %ld of %ld draws of fp16 1 + 2^-12 rounded up, want %.0f +- %.0f\n",
          (unsigned long long)seed, up, n, n * p, 4 * sigma);
      ++failures;
    }
  }
  s2 = s1;
  expect_bits("SR of an exact value", numguard_format_round_mode(FP16, 1.0, SR, 0, &s1), 0x3C00);
  expect_bits("SR of an exact value leaves the state", s1, s2);
  {
    const uint64_t c = numguard_format_convert(FP32, 0x3F800800, FP16, SR, 0, &s1);
    expect_bits("SR convert of fp32 1 + 2^-12 (a neighbour)", c == 0x3C01 ? 0x3C00 : c, 0x3C00);
    expect_bits("SR convert advances the state", s1 != s2, 1);
  }
}

/* Bad arguments never crash: a bad mode or flags gives the destination format's NaN, an
 * unknown format 0. */
static void check_bad_arguments(void) {
  expect_bits("mode 6", numguard_format_round_mode(FP16, 1.0, 6, 0, NULL), 0x7E00);
  expect_bits("mode -1", numguard_format_round_mode(E4M3, 1.0, -1, 0, NULL), 0x7F);
  expect_bits("SR without state", numguard_format_round_mode(FP16, 0x1.001p0, SR, 0, NULL), 0x7E00);
  expect_bits("SAT|NOSAT", numguard_format_round_mode(FP16, 1.0, RNE, SAT | NOSAT, NULL), 0x7E00);
  expect_bits("unknown flag", numguard_format_round_mode(BF16, 1.0, RNE, 0x100, NULL), 0x7FC0);
  expect_bits("DAZ on a double", numguard_format_round_mode(FP16, 0x1p-24, RNE, DAZ, NULL), 1);
  expect_bits("unknown format", numguard_format_round_mode(14, 1.0, RNE, 0, NULL), 0);
  expect_bits("convert from unknown", numguard_format_convert(-1, 0, FP16, RNE, 0, NULL), 0);
  expect_bits("convert to unknown", numguard_format_convert(FP16, 0x3C00, 14, RNE, 0, NULL), 0);
  expect_bits("convert mode 6", numguard_format_convert(FP16, 0x3C00, FP32, 6, 0, NULL),
              0x7FC00000);
}

static void check_names_and_classes(void) {
  static const char* const names[] = {"rne", "rz", "ru", "rd", "rna", "sr"};
  int m;
  for (m = 0; m < 6; ++m)
    expect_bits(names[m], (uint64_t)numguard_format_rounding_from_name(names[m]), (uint64_t)m);
  expect_bits("rounding_from_name(\"up\")", (uint64_t)numguard_format_rounding_from_name("up"),
              (uint64_t)-1);
  expect_bits("rounding_from_name(NULL)", (uint64_t)numguard_format_rounding_from_name(NULL),
              (uint64_t)-1);
  expect_bits("is_subnormal fp16 0x0001", numguard_format_is_subnormal(FP16, 0x0001), 1);
  expect_bits("is_subnormal fp16 0x8200", numguard_format_is_subnormal(FP16, 0x8200), 1);
  expect_bits("is_subnormal fp16 0x0400", numguard_format_is_subnormal(FP16, 0x0400), 0);
  expect_bits("is_subnormal fp16 0x0000", numguard_format_is_subnormal(FP16, 0x0000), 0);
  expect_bits("is_subnormal e4m3 0x07", numguard_format_is_subnormal(E4M3, 0x07), 1);
  expect_bits("is_subnormal unknown", numguard_format_is_subnormal(14, 1), 0);
  expect_bits("is_nan fp16 0x7E00", numguard_format_is_nan(FP16, 0x7E00), 1);
  expect_bits("is_nan fp16 0x7C00", numguard_format_is_nan(FP16, 0x7C00), 0);
  expect_bits("is_nan e4m3 0xFF", numguard_format_is_nan(E4M3, 0xFF), 1);
  expect_bits("is_nan e4m3 0x7E", numguard_format_is_nan(E4M3, 0x7E), 0);
  expect_bits("is_nan e5m2 0x7D", numguard_format_is_nan(E5M2, 0x7D), 1);
  expect_bits("is_nan fp32 0x7FC00000", numguard_format_is_nan(FP32, 0x7FC00000), 1);
  expect_bits("is_nan unknown", numguard_format_is_nan(-3, 0x7E00), 0);
  /* numguard_format_round is numguard_format_round_mode in RNE without flags */
  expect_bits("round == round_mode RNE", numguard_format_round(BF16, 1.0 / 3.0),
              numguard_format_round_mode(BF16, 1.0 / 3.0, RNE, 0, NULL));
}

int main(void) {
  const int table_rows =
      (int)(sizeof kRound / sizeof kRound[0] + sizeof kConvert / sizeof kConvert[0]);
  check_tables();
  check_stochastic();
  check_bad_arguments();
  check_names_and_classes();
  /* Guards against a table or a loop that silently checks nothing. */
  if (table_rows == 0 || checks < table_rows) {
    printf("FAIL only %d checks ran for %d table rows\n", checks, table_rows);
    ++failures;
  }
  if (failures == 0) printf("formats_rounding_c: all %d checks passed\n", checks);
  return failures != 0;
}
