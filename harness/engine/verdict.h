// Per-element verdicts of a check (docs/DESIGN.md, "Vocabulary").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/core/recipe.h"

namespace numguard {

enum class Verdict : uint8_t {
  within_bound,
  bound_violation,     // finite reference, finite output, error above the derived bound
  spurious_nonfinite,  // inf/NaN where the reference is finite and representable
  missed_nonfinite,    // finite output where the reference is inf
  nan_mismatch,        // NaN against a number, or an infinity of the wrong sign
  model_mismatch,      // output differs from the recipe's bit-accurate model (fused_block)
  domain_limit,        // the case lies outside the kernel's promised domain
  twin_mismatch,       // a device kernel's output differs from its CPU twin's bits
  kernel_error,        // the kernel threw (bad shape, device failure) instead of answering
  unsupported,         // the kernel refused the case by design (NUMGUARD_UNSUPPORTED)
  internal_error,      // numguard's own code failed on the case: not the kernel's verdict
  crash,               // the kernel's process died, exited or hung on the case (plugins)
};
constexpr int kVerdictCount = 12;
std::string_view name(Verdict v);
// A failure of the kernel. Unsupported cases count against the kernel only in bulk (its
// max_unsupported fraction); an internal error is numguard's and fails the run, not the kernel.
inline bool is_failure(Verdict v) {
  return v != Verdict::within_bound && v != Verdict::domain_limit && v != Verdict::unsupported &&
         v != Verdict::internal_error;
}

struct ElementCheck {
  Verdict verdict = Verdict::within_bound;
  double output = 0, reference = 0, error = 0, bound = 0, prob_bound = 0, ulps = 0;
  double ratio() const;  // error / bound (0 when both are 0, inf when only the bound is 0)
};

// The judgement of one output element: the reference y (NaN / inf as the op's IEEE semantics
// give them) with its bound and estimate already derived; out_cast: whether the output
// conversion rounds again (nullopt: whenever the output format is not the accumulator's).
ElementCheck judge_value(const Recipe& r, double y, double bound, double estimate,
                         uint64_t out_bits, std::optional<bool> out_cast = std::nullopt);

}  // namespace numguard
