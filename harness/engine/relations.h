// Building blocks of the ops' metamorphic relations (OpInfo::relations): properties a correct
// kernel has on related inputs, checked by running it twice. They complement the reference
// check: exact scaling holds bit for bit where the bound allows slack, and an invariance
// compares a kernel with itself.
#pragma once

#include <functional>
#include <string>

#include "harness/engine/op.h"

namespace numguard {

// The exact result is unchanged by `transform` (element i of the transformed case has element
// i's exact value): wherever both elements are inside the domain and finite, the two outputs
// differ by at most the sum of their bounds. The case p comes from `generator`; the transform
// receives it and q, a copy of it, and makes q the related case (it may first adjust both);
// one that does not apply to the case (an inexact shift, say) returns false and the draw
// checks nothing.
using Transform = std::function<bool(Problem& p, Problem& q, const Recipe& r, Rng& rng)>;
Relation invariance(std::string name, std::string claim, std::string generator,
                    Transform transform);

// Scaling operand a by 2^s (s in 1..8 / power) scales every output by 2^(power s) exactly: a
// correct kernel's roundings scale with its inputs. The case (uniform or normal) has its magnitudes
// below 1/16 pushed up to it and its epilogue (alpha, beta, C) dropped, so no intermediate is
// subnormal; checked where no output of either case is subnormal, near overflow or outside
// the domain.
Relation exact_scaling(int power);

}  // namespace numguard
