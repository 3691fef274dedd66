// MPFR references of the elementwise ops: the exact f(x + bias) (the bias add exact, unlike the
// kernels' fp32 add, whose rounding the bound carries), or dy * f'(x + bias) for the backward
// ops, evaluated at `prec` bits with the mathematical constants (sqrt(2/pi), 1/sqrt(2), the
// decimal 0.044715), rounded once to double. Finite inputs; the op judges non-finite ones.
#pragma once

#include <mpfr.h>

#include "references/row_reference.h"

namespace numguard::mpfr_ref {

// One activation's exact function: y = f(t) (or f'(t) for a derivative) at `prec` bits, for
// an exact t. An op of the activation family declares which one it is (harness/engine/ops/).
using ActivationExact = void (*)(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);

// f(x + bias), or dy * f'(x + bias) when `backward`.
double activation(ActivationExact f, bool backward, double x, double bias, double dy,
                  mpfr_prec_t prec = kRowPrec);

// The built-in activations and their derivatives.
void exp_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);
void gelu_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);  // t Phi(t)
void gelu_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);
void gelu_tanh_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);  // t sigmoid(2z)
void gelu_tanh_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);
void silu_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);  // t sigmoid(t)
void silu_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec);

}  // namespace numguard::mpfr_ref
