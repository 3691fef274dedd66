#include "references/softplus_reference.h"

#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {

void softplus_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr w(mpfr_get_prec(t)), e(prec);
  mpfr_abs(w, t, MPFR_RNDN);
  mpfr_neg(w, w, MPFR_RNDN);  // -|t|, exact
  mpfr_exp(e, w, MPFR_RNDN);  // in (0, 1]
  mpfr_log1p(e, e, MPFR_RNDN);
  if (mpfr_sgn(t) > 0)
    mpfr_add(y, e, t, MPFR_RNDN);
  else
    mpfr_set(y, e, MPFR_RNDN);
}

}  // namespace numguard::mpfr_ref
