// MPFR references of the elementwise ops: the exact f(x + bias) (the bias add exact, unlike the
// kernels' fp32 add, whose rounding the bound carries), or dy * f'(x + bias) for the backward
// ops, evaluated at `prec` bits with the mathematical constants (sqrt(2/pi), 1/sqrt(2), the
// decimal 0.044715), rounded once to double. Finite inputs; the op judges non-finite ones.
#pragma once

#include <mpfr.h>

#include <optional>
#include <string_view>

#include "references/row_reference.h"

namespace numguard::mpfr_ref {

enum class Activation : uint8_t {
  gelu,
  gelu_tanh,
  silu,
  exp,
  gelu_grad,
  gelu_tanh_grad,
  silu_grad
};

// The activation (or derivative) of op name ("gelu", "gelu_backward", "exp", ...).
std::optional<Activation> activation_of(std::string_view op);

// f(x + bias), or dy * f'(x + bias) for the derivatives (dy ignored for the others).
double activation(Activation f, double x, double bias, double dy, mpfr_prec_t prec = kRowPrec);

}  // namespace numguard::mpfr_ref
