// The running-error bound of one activation (or exp) element as the kernel computes it
// (kernels_under_test/cpu/activation_math.h, line by line), on the case's inputs.
#pragma once

#include <optional>
#include <string_view>

#include "harness/core/recipe.h"
#include "harness/engine/running_error.h"

namespace numguard::ops {

// The kernel's final fp32 value (before the output cast) of op at x (+ bias), times dy for
// the backward ops: v is the exact result (double), err bounds the kernel's distance to it.
// overflow: an intermediate (not the final result) may overflow fp32.
Val activation_bound(const Recipe& rc, std::string_view op, double x, std::optional<double> bias,
                     double dy);

// |out - y| once a value within c.err of y is rounded (RNE) into `out`: c.err plus half the
// spacing of the binade of |y| + c.err (at most u |y|, and half that at the top of a binade).
double rne_cast_bound(const Val& c, Format out);

}  // namespace numguard::ops
