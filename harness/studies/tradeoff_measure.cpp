#include "harness/studies/tradeoff_measure.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "harness/engine/generators.h"
#include "harness/engine/op.h"
#include "harness/engine/random.h"
#include "harness/studies/parallel.h"

namespace numguard::studies {
namespace {

// FNV-1a: a salt per op that is the same with every standard library (std::hash is not).
uint64_t op_salt(const std::string& op) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : op) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

const OpInfo& op_of(const KernelDesc& k) {
  const OpInfo* op = find_op(k.op);
  if (!op) throw std::invalid_argument("tradeoffs: no op " + k.op);
  return *op;
}

Problem make_problem(const KernelDesc& k, uint64_t seed, const std::string& distribution) {
  Rng rng(seed);
  if (!find_generator(distribution))
    throw std::invalid_argument("tradeoffs: no generator named " + distribution);
  return op_of(k).make(k, rng, distribution);
}

std::vector<int64_t> out_shape(const KernelDesc& k, const Problem& p) {
  return op_of(k).out_shape(p);
}

// The kernel the common inputs are drawn for: the lineup's fp32 kernel, or another with its
// recipe's formats widened to fp32 (the op's generators draw in the recipe's formats).
KernelDesc common_kernel(const TradeoffLineup& l) {
  for (const KernelDesc* k : l.kernels)
    if (k->recipe.in == Format::fp32) return *k;
  KernelDesc k = *l.kernels.front();
  k.recipe.in = k.recipe.out = Format::fp32;
  return k;
}

// The exact result of every output element on the common inputs, rounded to double.
std::vector<double> reference(const KernelDesc& common, const Problem& p) {
  std::vector<double> y;
  for (const OpElement& e : op_of(common).judge(common.recipe, p)) y.push_back(e.value);
  return y;
}

Tensor rounded_into(const Tensor& common, const Tensor& like) {
  if (like.empty() && common.empty()) return like;  // an operand the op does not use
  if (common.shape != like.shape)
    throw std::logic_error("tradeoffs: the op draws different shapes for different formats");
  Tensor t(like.format, like.shape);
  for (size_t i = 0; i < t.size(); ++i) t.bits[i] = to_bits(like.format, common.value(i));
  return t;
}

// The common inputs as kernel k receives them: each operand rounded into the format k's own
// generator gives it (drawn from the same seed, so the shapes agree).
Problem inputs_for(const KernelDesc& k, const Problem& common, uint64_t seed,
                   const std::string& distribution) {
  const Problem like = make_problem(k, seed, distribution);
  Problem p = common;
  p.a = rounded_into(common.a, like.a);
  p.b = rounded_into(common.b, like.b);
  p.c = rounded_into(common.c, like.c);
  p.d = rounded_into(common.d, like.d);
  return p;
}

struct CaseErrors {
  std::vector<double> rel;
  ErrorStats counts;
  std::string failure;
};

void add_counts(ErrorStats& to, const ErrorStats& from) {
  to.zero_ref += from.zero_ref;
  to.tiny_ref += from.tiny_ref;
  to.nonfinite_ref += from.nonfinite_ref;
  to.nonfinite_out += from.nonfinite_out;
  to.flushed += from.flushed;
}

CaseErrors case_errors(const KernelDesc& k, const Problem& p, const std::vector<double>& y,
                       double floor) {
  CaseErrors e;
  Tensor out(k.recipe.out, out_shape(k, p));
  try {
    k.run(p, out);
  } catch (const std::exception& ex) {
    e.failure = ex.what();
    return e;
  }
  if (out.size() != y.size())
    throw std::logic_error("tradeoffs: " + k.name + " gave " + std::to_string(out.size()) +
                           " outputs for " + std::to_string(y.size()) + " references");
  ErrorStats& n = e.counts;
  for (size_t i = 0; i < y.size(); ++i) {
    const double v = out.value(i);
    if (!std::isfinite(y[i])) {
      ++n.nonfinite_ref;
    } else if (y[i] == 0) {
      ++n.zero_ref;
    } else {
      if (v == 0) ++n.flushed;
      if (std::fabs(y[i]) < floor) {
        ++n.tiny_ref;
        continue;
      }
      if (!std::isfinite(v)) ++n.nonfinite_out;
      e.rel.push_back(std::isfinite(v) ? std::fabs(v - y[i]) / std::fabs(y[i])
                                       : std::numeric_limits<double>::infinity());
    }
  }
  return e;
}

}  // namespace

ErrorStats error_stats(std::vector<double>& rel, const ErrorStats& counts) {
  ErrorStats s = counts;
  s.measured = static_cast<int64_t>(rel.size());
  if (rel.empty()) {
    s.median_rel = s.p99_rel = s.max_rel = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  // Nearest rank: the smallest value with at least q of the elements at or below it.
  auto rank = [&](double q) {
    const size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(rel.size())));
    const size_t i = std::clamp<size_t>(r, 1, rel.size()) - 1;
    std::nth_element(rel.begin(), rel.begin() + static_cast<std::ptrdiff_t>(i), rel.end());
    return rel[i];
  };
  s.median_rel = rank(0.5);
  s.p99_rel = rank(0.99);
  s.max_rel = *std::max_element(rel.begin(), rel.end());
  return s;
}

LineupErrors measure_lineup(const TradeoffLineup& lineup, const MeasureOptions& opt) {
  LineupErrors out;
  if (lineup.kernels.empty() || opt.distributions.empty()) return out;
  const KernelDesc common_k = common_kernel(lineup);
  const uint64_t salt = op_salt(lineup.op);
  const size_t D = opt.distributions.size();
  for (const KernelDesc* k : lineup.kernels)
    out.floor = std::max(out.floor, desc(k->recipe.out).min_normal());

  // Draw the common inputs (cheap next to the references) until enough elements are in.
  std::vector<Problem> cases;
  std::vector<uint64_t> seeds;
  for (int64_t i = 0; i < opt.max_cases; ++i) {
    if (i >= opt.min_cases && out.elements >= opt.min_elements) break;
    const uint64_t seed = case_seed(opt.seed, static_cast<uint64_t>(i), salt);
    cases.push_back(make_problem(common_k, seed, opt.distributions[static_cast<size_t>(i) % D]));
    seeds.push_back(seed);
    out.elements += Tensor::count(out_shape(common_k, cases.back()));
  }
  out.cases = static_cast<int64_t>(cases.size());

  const size_t K = lineup.kernels.size();
  std::vector<std::vector<CaseErrors>> per_case(cases.size());
  parallel_for(out.cases, opt.threads, [&](int64_t i) {
    const size_t c = static_cast<size_t>(i);
    const std::string& dist = opt.distributions[c % D];
    const std::vector<double> y = reference(common_k, cases[c]);
    per_case[c].resize(K);
    for (size_t k = 0; k < K; ++k) {
      const KernelDesc& kd = *lineup.kernels[k];
      per_case[c][k] = case_errors(kd, inputs_for(kd, cases[c], seeds[c], dist), y, out.floor);
    }
  });

  for (size_t k = 0; k < K; ++k) {
    KernelErrors ke;
    ke.kernel = lineup.kernels[k];
    std::vector<double> all;
    ErrorStats all_counts;
    for (size_t d = 0; d < D; ++d) {
      std::vector<double> rel;
      ErrorStats counts;
      int64_t dc = 0;
      for (size_t c = d; c < cases.size(); c += D) {
        const CaseErrors& e = per_case[c][k];
        if (!e.failure.empty() && ke.failure.empty()) ke.failure = e.failure;
        rel.insert(rel.end(), e.rel.begin(), e.rel.end());
        add_counts(counts, e.counts);
        ++dc;
      }
      all.insert(all.end(), rel.begin(), rel.end());
      add_counts(all_counts, counts);
      ke.by_distribution.push_back({opt.distributions[d], dc, error_stats(rel, counts)});
    }
    ke.all = error_stats(all, all_counts);
    out.kernels.push_back(std::move(ke));
  }
  return out;
}

}  // namespace numguard::studies
