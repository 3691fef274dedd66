// MPFR reference of softplus: log(1 + exp(t)), evaluated as max(t, 0) + log1p(exp(-|t|)) so
// that exp never overflows MPFR's range for the t of any format.
#pragma once

#include <mpfr.h>

namespace numguard::mpfr_ref {

// y = log(1 + exp(t)) at `prec` bits for an exact t (mpfr_ref::ActivationExact).
void softplus_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);

}  // namespace numguard::mpfr_ref
