/* numguard formats for plugin authors: exact decoding of a bit pattern and correctly rounded
 * encoding in every rounding mode numguard models, for the formats of the plugin ABI
 * (numguard/plugin.h). A plugin's run function receives and returns raw bit patterns; these
 * are the conversions numguard itself uses (harness/core/format.h, rounding.h), so a kernel
 * that emulates a narrow format with them rounds exactly as numguard's references and bounds
 * assume. numguard/formats.hpp has C++ wrappers.
 *
 * Link numguard::formats (libnumguard_formats.a, position independent, usable from C and
 * C++). The functions never fail loudly, so that a plugin's run function cannot crash on a bad
 * id: an unknown format id decodes to NaN, rounds and converts to 0 and classifies as neither
 * NaN nor subnormal; a bad rounding argument (below) gives the destination format's NaN, which
 * numguard reports as a wrong output rather than letting a silently wrong rounding pass. */
#ifndef NUMGUARD_FORMATS_H
#define NUMGUARD_FORMATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Format ids, in the order of numguard's format table (`numguard formats`). */
typedef enum numguard_format_id {
  NUMGUARD_FORMAT_FP64 = 0,
  NUMGUARD_FORMAT_FP32 = 1,
  NUMGUARD_FORMAT_TF32 = 2, /* 1+8+10 bits in an fp32 container, low 13 bits zero */
  NUMGUARD_FORMAT_BF16 = 3,
  NUMGUARD_FORMAT_FP16 = 4,
  NUMGUARD_FORMAT_E4M3 = 5,      /* OCP fp8 e4m3fn: no inf, S.1111.111 is NaN, max 448 */
  NUMGUARD_FORMAT_E5M2 = 6,      /* OCP fp8 e5m2: IEEE-like, with inf */
  NUMGUARD_FORMAT_E2M1 = 7,      /* OCP MX fp4: no inf, no NaN, saturating, max 6 */
  NUMGUARD_FORMAT_E3M2 = 8,      /* OCP MX fp6: no inf, no NaN, saturating, max 28 */
  NUMGUARD_FORMAT_E2M3 = 9,      /* OCP MX fp6: no inf, no NaN, saturating, max 7.5 */
  NUMGUARD_FORMAT_E8M0 = 10,     /* OCP MX scale: unsigned 2^(e-127), no zero, 0xff NaN */
  NUMGUARD_FORMAT_UE4M3 = 11,    /* NVFP4 scale: e4m3 without a sign (top bit unused), 0x7f NaN */
  NUMGUARD_FORMAT_E4M3FNUZ = 12, /* AMD fp8: bias 8, no inf, no -0, 0x80 the only NaN, max 240 */
  NUMGUARD_FORMAT_E5M2FNUZ = 13  /* AMD bf8: bias 16, no inf, no -0, 0x80 NaN, max 57344 */
} numguard_format_id;

/* The id of a format named as in a recipe ("fp16", "bf16", "tf32", "fp32", "e4m3", "e5m2",
 * "fp64", "e2m1", "e3m2", "e2m3", "e8m0", "ue4m3"; aliases such as "half" or "fp4" too,
 * case-insensitive), or -1 when the name is unknown. */
int numguard_format_from_name(const char* name);

/* The exact value of `bits` in the format (every value of every format is a double);
 * inf and NaN patterns decode to inf and NaN. */
double numguard_format_decode(int format, uint64_t bits);

/* `x` rounded to the nearest value of the format, ties to even, as a bit pattern.
 * Subnormal results are kept; overflow gives inf (e4m3, which has none: its NaN), as an
 * IEEE conversion does; NaN gives the format's canonical quiet NaN. */
uint64_t numguard_format_round(int format, double x);

/* Rounding modes, in the order of harness/core/rounding.h and with the names recipes use. */
typedef enum numguard_rounding {
  NUMGUARD_RNE = 0, /* nearest, ties to even */
  NUMGUARD_RZ = 1,  /* toward zero */
  NUMGUARD_RU = 2,  /* toward +inf */
  NUMGUARD_RD = 3,  /* toward -inf */
  NUMGUARD_RNA = 4, /* nearest, ties away from zero (cvt.rna.tf32.f32) */
  NUMGUARD_SR = 5   /* stochastic: up with probability equal to the discarded fraction of an
                       ulp, drawn from *sr_state */
} numguard_rounding;

/* The mode named "rne", "rz", "ru", "rd", "rna" or "sr" (exactly, as in a recipe), or -1 when
 * the name is unknown or NULL. */
int numguard_format_rounding_from_name(const char* name);

/* Flags, or'ed together. The fp6 and fp4 formats saturate by default (they have neither inf
 * nor NaN, as the OCP MX specification has it); e4m3, e8m0 and ue4m3 overflow to their NaN,
 * the others to inf, as IEEE conversions do. Formats without NaN give their largest finite
 * value for a NaN input (and for a bad argument, below); unsigned formats give NaN for a
 * negative number and +0 for -0; e8m0 has no zero: zero and values below 2^-127 give 2^-127.
 * RZ, RD above zero and RU below zero give the largest
 * finite value on overflow whatever the flags, as IEEE directed rounding does (inf inputs stay
 * inf unless SATURATE). */

/* Subnormal results become zero of the same sign (after rounding: a value that rounds up to
 * the smallest normal is kept). */
#define NUMGUARD_ROUND_FTZ 1u
/* Overflow, and inf inputs, give the largest finite value of the same sign instead of inf (or
 * e4m3's NaN). */
#define NUMGUARD_ROUND_SATURATE 2u
/* Overflow gives inf (e4m3: NaN) even where a format would saturate by default; together with
 * SATURATE it is a bad argument. */
#define NUMGUARD_ROUND_NO_SATURATE 4u
/* numguard_format_convert: subnormal inputs are read as zero of the same sign. Ignored by
 * numguard_format_round_mode, whose input is a double, not a value of a format. */
#define NUMGUARD_ROUND_DAZ 8u

/* `x` rounded once to the format in `mode` with `flags`, as a bit pattern. NaN gives the
 * format's canonical quiet NaN. numguard_format_round(f, x) is
 * numguard_format_round_mode(f, x, NUMGUARD_RNE, 0, NULL).
 *
 * sr_state is the stochastic-rounding generator (splitmix64): the caller sets it to a seed,
 * and each inexact NUMGUARD_SR rounding draws from it and advances it, so one seed gives one
 * sequence. It is required for NUMGUARD_SR (NULL is a bad argument) and ignored otherwise.
 * A mode outside the enum, unknown flag bits or SATURATE with NO_SATURATE are bad arguments:
 * the result is the format's NaN.
 *
 * The result is the correct rounding of the double `x`, which is the correct rounding of the
 * value a kernel computes only when the double holds that value exactly: a decoded value of
 * any format, or a product of two values whose precisions add up to at most 53 bits (two
 * fp32, or anything narrower). A long sum or a quotient in double is already rounded once, and
 * rounding it again can differ from rounding the exact value once (double rounding); emulate
 * such a sum step by step in its accumulation format instead. */
uint64_t numguard_format_round_mode(int format, double x, int mode, unsigned flags,
                                    uint64_t* sr_state);

/* `bits`, a value of format `from`, rounded once to format `to` (exact when `to` holds it),
 * with the mode, flags and bad-argument results of numguard_format_round_mode, and
 * NUMGUARD_ROUND_DAZ for subnormal inputs. Bits above `from`'s width are ignored. An unknown
 * `from` or `to` gives 0. */
uint64_t numguard_format_convert(int from, uint64_t bits, int to, int mode, unsigned flags,
                                 uint64_t* sr_state);

/* 1 when `bits` (bits above the format's width ignored) is a subnormal of the format
 * (is_subnormal) or one of its NaN patterns (is_nan); 0 otherwise and for an unknown format. */
int numguard_format_is_subnormal(int format, uint64_t bits);
int numguard_format_is_nan(int format, uint64_t bits);

#ifdef __cplusplus
}
#endif

#endif /* NUMGUARD_FORMATS_H */
