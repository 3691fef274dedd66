// The running-error bound of one activation (or exp) element as the kernel computes it
// (kernels_under_test/cpu/activation_math.h, line by line), on the case's inputs.
#pragma once

#include <optional>
#include <string_view>

#include "harness/core/recipe.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

// The kernel's fp32 value of one activation's f(t) (or f'(t)) for a running-error t: v is the
// exact result (double), err bounds the kernel's distance to it; overflow: an intermediate
// (not the result itself) may overflow fp32.
using ActivationComputed = Val (*)(const RunningError& ar, const Val& t);

// The kernel's final fp32 value (before the output cast) at x (+ bias) -- t = x + bias in
// fp32 -- times dy when `backward`.
Val activation_bound(const Recipe& rc, ActivationComputed f, bool backward, double x,
                     std::optional<double> bias, double dy);

// The built-in activations, as kernels_under_test/cpu/activation_math.h computes them.
Val exp_computed(const RunningError& ar, const Val& t);
Val gelu_computed(const RunningError& ar, const Val& t);
Val gelu_grad_computed(const RunningError& ar, const Val& t);
Val gelu_tanh_computed(const RunningError& ar, const Val& t);
Val gelu_tanh_grad_computed(const RunningError& ar, const Val& t);
Val silu_computed(const RunningError& ar, const Val& t);
Val silu_grad_computed(const RunningError& ar, const Val& t);

// The machinery of those formulas, for activations defined elsewhere: a constant of a
// formula (its mathematical value, off by the rounding of the kernel's fp32 literal); the
// kernel's exp where the argument may lie far below exp's underflow; a value computed exactly
// as `exact` in a saturated regime, within err of it.
Val formula_constant(double exact, double literal);
Val exp_of(const RunningError& ar, const Val& w);
Val saturated(double exact, double err);

// |out - y| once a value within c.err of y is rounded into `out` with `mode`: c.err plus half
// the spacing of the binade of |y| + c.err for a nearest mode (at most u |y|, and half that at
// the top of a binade), the whole spacing for a directed one.
double cast_bound(const Val& c, Format out, Rounding mode = Rounding::rne);

}  // namespace numguard::ops
