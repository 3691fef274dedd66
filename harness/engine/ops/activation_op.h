// The activation family: elementwise ops y = f(x + bias), or dy * f'(x + bias) for a backward
// op, each declared by its formula: the exact function (MPFR, references/), the kernel's
// computation as a running-error value (activation_bound.h), and where its formats break. The
// cases, the judgement, the case printer and the range pattern are the family's; an activation
// op is one ActivationFormula and one NUMGUARD_REGISTER_OP(activation_op(...)).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/engine/op.h"
#include "harness/engine/ops/activation_bound.h"
#include "references/activation_reference.h"

namespace numguard::ops {

enum class ActivationIdentity : uint8_t {
  none,
  odd,              // f(x) - f(-x) = x (gelu, silu: x Phi(x) - (-x) Phi(-x) = x)
  even_derivative,  // f'(x) + f'(-x) = 1 (their backward ops, with dy = 1)
  reciprocal,       // f(x) f(-x) = 1 (exp)
};

struct ActivationFormula {
  std::string name;     // the op's name
  std::string summary;  // e.g. "out = x Phi(x): GELU, erf form"
  int rank = 0;
  bool backward = false;  // out = dy * f'(x + bias); c holds dy
  bool bias = true;       // reads an optional bias b (n)
  mpfr_ref::ActivationExact exact = nullptr;
  ActivationComputed computed = nullptr;
  // Where the docs derive the bound ("docs/error-models.md, \"Activations\"").
  std::string bound_formula;
  // An identity the exact function satisfies, checked on the kernels as a relation.
  ActivationIdentity identity = ActivationIdentity::none;
  // The range pattern makes each row's largest |x| positive: the largest input is then the
  // largest value (what overflows exp).
  bool positive_row_max = false;
  // The formula's cliffs on the range pattern (f's exp overflowing, ...).
  std::function<void(const Recipe& rc, const RangePattern& pat, CliffList& c)> cliffs;
};

OpInfo activation_op(const ActivationFormula& f);

// A cliff of the forward activations whose result has the size of x (gelu, silu, ...): the
// result overflowing an output format narrower than the input.
void result_overflow_cliff(const Recipe& rc, CliffList& c);

// The formulas of the activation ops registered so far (for the family's tests).
const std::vector<ActivationFormula>& activation_formulas();

}  // namespace numguard::ops
