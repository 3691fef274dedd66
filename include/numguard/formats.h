/* numguard formats for plugin authors: exact decoding of a bit pattern and correctly rounded
 * (RNE) encoding, for the formats of the plugin ABI (numguard/plugin.h). A plugin's run
 * function receives and returns raw bit patterns; these are the conversions numguard itself
 * uses (harness/core/format.h, rounding.h), so a kernel that emulates a narrow format with
 * them rounds exactly as numguard's references and bounds assume.
 *
 * Link numguard::formats (libnumguard_formats.a, position independent, usable from C and
 * C++). The functions never fail loudly: an unknown format id decodes to NaN and rounds to 0. */
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
  NUMGUARD_FORMAT_E4M3 = 5, /* OCP fp8 e4m3fn: no inf, S.1111.111 is NaN, max 448 */
  NUMGUARD_FORMAT_E5M2 = 6  /* OCP fp8 e5m2: IEEE-like, with inf */
} numguard_format_id;

/* The id of a format named as in a recipe ("fp16", "bf16", "tf32", "fp32", "e4m3", "e5m2",
 * "fp64"; aliases such as "half" too, case-insensitive), or -1 when the name is unknown. */
int numguard_format_from_name(const char* name);

/* The exact value of `bits` in the format (every value of every format is a double);
 * inf and NaN patterns decode to inf and NaN. */
double numguard_format_decode(int format, uint64_t bits);

/* `x` rounded to the nearest value of the format, ties to even, as a bit pattern.
 * Subnormal results are kept; overflow gives inf (e4m3, which has none: its NaN), as an
 * IEEE conversion does; NaN gives the format's canonical quiet NaN. */
uint64_t numguard_format_round(int format, double x);

#ifdef __cplusplus
}
#endif

#endif /* NUMGUARD_FORMATS_H */
