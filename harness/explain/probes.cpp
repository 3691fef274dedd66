#include "harness/explain/probes.h"

#include <cmath>

#include "harness/engine/check_runner.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/user_inputs.h"

namespace numguard::explain {
namespace {

// Scales that move ordinary values (|x| ~ 1) into every range where formats behave
// differently: fp16's and bf16's subnormals, fp32's subnormals (products of two scaled
// operands), the top of the range.
constexpr int kScales[] = {0, -14, -20, -64, -70, -120, -126, -135, 12, 64, 120};
constexpr int64_t kCandidates = 6000;  // cases whose predictions are compared
constexpr int64_t kMaxProbes = 300;    // cases run on the kernel

void scale(Tensor& t, int s) {
  if (s == 0) return;
  for (uint64_t& b : t.bits) {
    const double v = decode(t.format, b);
    if (std::isfinite(v)) b = round_double(t.format, std::ldexp(v, s)).bits;
  }
}

bool same(const Tensor& x, const Tensor& y) {
  if (x.format != y.format || x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x.bits[i] == y.bits[i]) continue;
    if (is_nan(x.format, x.bits[i]) && is_nan(y.format, y.bits[i])) continue;
    if (x.value(i) == 0 && y.value(i) == 0) continue;  // as compare() in explain_run.cpp
    return false;
  }
  return true;
}

}  // namespace

ProbeResult run_probes(const KernelDesc& k, const std::vector<const Hypothesis*>& tied,
                       uint64_t seed) {
  ProbeResult r;
  r.agree.assign(tied.size(), 0);
  const OpInfo& op = *find_op(k.op);
  // Case j is scaled by a power of two chosen per round of `period` cases; users' own tensors
  // (--inputs) give one round of their files per scale.
  const auto period =
      static_cast<int64_t>(input_cases().empty() ? case_generators().size() : input_cases().size());
  constexpr auto kScaleCount = static_cast<int64_t>(std::size(kScales));
  const int64_t candidates = input_cases().empty() ? kCandidates : period * kScaleCount;
  const uint64_t probe_seed = case_seed(seed, 0, /*salt=*/0x70726f6265);  // "probe"
  for (int64_t j = 0; j < candidates && r.probes < kMaxProbes; ++j) {
    Problem p;
    std::vector<Tensor> predicted;
    try {
      p = make_case(k, probe_seed, j);
      const int s = kScales[(j / period) % kScaleCount];
      for (Tensor* t : {&p.a, &p.b, &p.c}) scale(*t, s);
      for (const Hypothesis* h : tied) {
        Tensor y(k.recipe.out, op.out_shape(p));
        h->predict(p, y);
        predicted.push_back(std::move(y));
      }
    } catch (const std::exception&) {  // a case a model cannot compute: not a probe
      continue;
    }
    bool split = false;
    for (size_t h = 1; h < predicted.size() && !split; ++h)
      split = !same(predicted[0], predicted[h]);
    if (!split) continue;
    Tensor out(k.recipe.out, op.out_shape(p));
    try {
      run_kernel(k, p, out);
    } catch (const std::exception&) {  // refused or failed: no evidence either way
      continue;
    }
    ++r.probes;
    for (size_t h = 0; h < predicted.size(); ++h) r.agree[h] += same(out, predicted[h]);
  }
  return r;
}

}  // namespace numguard::explain
