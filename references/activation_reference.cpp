#include "references/activation_reference.h"

#include "references/mpfr_value.h"

namespace numguard::mpfr_ref {
namespace {

// The sum of two doubles of fp32's range is exact at 320 bits.
constexpr mpfr_prec_t kExactSum = 320;

// s = 1 / (1 + exp(-w)).
void sigmoid(mpfr_ptr s, mpfr_srcptr w, mpfr_prec_t prec) {
  Mpfr e(prec);
  mpfr_neg(e, w, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);
  mpfr_add_ui(e, e, 1, MPFR_RNDN);
  mpfr_ui_div(s, 1, e, MPFR_RNDN);
}

// z = sqrt(2/pi) (t + 0.044715 t^3).
void tanh_arg(mpfr_ptr z, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr c(prec), k(prec);
  mpfr_pow_ui(c, t, 3, MPFR_RNDN);
  mpfr_set_str(k, "0.044715", 10, MPFR_RNDN);
  mpfr_mul(c, c, k, MPFR_RNDN);
  mpfr_add(c, c, t, MPFR_RNDN);
  mpfr_const_pi(k, MPFR_RNDN);
  mpfr_ui_div(k, 2, k, MPFR_RNDN);
  mpfr_sqrt(k, k, MPFR_RNDN);
  mpfr_mul(z, c, k, MPFR_RNDN);
}

// Phi(t) = erfc(-t / sqrt 2) / 2 into a.
void big_phi(mpfr_ptr a, mpfr_srcptr t) {
  mpfr_sqrt_ui(a, 2, MPFR_RNDN);
  mpfr_div(a, t, a, MPFR_RNDN);
  mpfr_neg(a, a, MPFR_RNDN);
  mpfr_erfc(a, a, MPFR_RNDN);
  mpfr_div_2ui(a, a, 1, MPFR_RNDN);
}

}  // namespace

void exp_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t) {
  mpfr_exp(y, t, MPFR_RNDN);
}

void gelu_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec);
  big_phi(a, t);
  mpfr_mul(y, a, t, MPFR_RNDN);
}

void gelu_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec), b(prec), c(prec);
  big_phi(a, t);
  // + t exp(-t^2 / 2) / sqrt(2 pi)
  mpfr_sqr(b, t, MPFR_RNDN);
  mpfr_div_2ui(b, b, 1, MPFR_RNDN);
  mpfr_neg(b, b, MPFR_RNDN);
  mpfr_exp(b, b, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  mpfr_div(b, b, c, MPFR_RNDN);
  mpfr_mul(b, b, t, MPFR_RNDN);
  mpfr_add(y, a, b, MPFR_RNDN);
}

void silu_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec);
  sigmoid(a, t, prec);
  mpfr_mul(y, a, t, MPFR_RNDN);
}

void silu_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec), b(prec);
  sigmoid(a, t, prec);
  // s (1 + t (1 - s))
  mpfr_ui_sub(b, 1, a, MPFR_RNDN);
  mpfr_mul(b, b, t, MPFR_RNDN);
  mpfr_add_ui(b, b, 1, MPFR_RNDN);
  mpfr_mul(y, a, b, MPFR_RNDN);
}

void gelu_tanh_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec), b(prec);
  tanh_arg(b, t, prec);
  mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
  sigmoid(a, b, prec);  // s = sigmoid(2z)
  mpfr_mul(y, a, t, MPFR_RNDN);
}

void gelu_tanh_grad_exact(mpfr_ptr y, mpfr_srcptr t, mpfr_prec_t prec) {
  Mpfr a(prec), b(prec), c(prec);
  tanh_arg(b, t, prec);
  mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
  sigmoid(a, b, prec);  // s = sigmoid(2z)
  // s + 2 t z'(t) s (1 - s), z' = sqrt(2/pi) (1 + 3 * 0.044715 t^2)
  mpfr_sqr(b, t, MPFR_RNDN);
  mpfr_set_str(c, "0.134145", 10, MPFR_RNDN);
  mpfr_mul(b, b, c, MPFR_RNDN);
  mpfr_add_ui(b, b, 1, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_ui_div(c, 2, c, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  mpfr_mul(b, b, c, MPFR_RNDN);
  mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
  mpfr_mul(b, b, t, MPFR_RNDN);
  mpfr_ui_sub(c, 1, a, MPFR_RNDN);
  mpfr_mul(b, b, c, MPFR_RNDN);
  mpfr_mul(b, b, a, MPFR_RNDN);
  mpfr_add(y, a, b, MPFR_RNDN);
}

double activation(ActivationExact f, bool backward, double x, double bias, double dy,
                  mpfr_prec_t prec) {
  Mpfr t(kExactSum), y(prec);
  mpfr_set_d(t, x, MPFR_RNDN);
  mpfr_add_d(t, t, bias, MPFR_RNDN);  // exact
  f(y, t, prec);
  if (backward) mpfr_mul_d(y, y, dy, MPFR_RNDN);
  return mpfr_get_d(y, MPFR_RNDN);
}

}  // namespace numguard::mpfr_ref
