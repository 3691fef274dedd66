// The row ops (softmax, log_softmax, the norms, attention, cross_entropy, adam, amax): the
// declared recipe run through the CPU kernels' switchable row algorithms
// (kernels_under_test/cpu/*_rows.h), and the variants real kernels have: no max subtraction,
// a missing online rescale, a stage or an eps in a narrow format, the one-pass variance, a
// Welford combine with equal counts, mask conventions, NaN-dropping max.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/explain/hypothesis.h"
#include "kernels_under_test/cpu/adam_step.h"
#include "kernels_under_test/cpu/amax_rows.h"
#include "kernels_under_test/cpu/attention_rows.h"
#include "kernels_under_test/cpu/cross_entropy_rows.h"
#include "kernels_under_test/cpu/norm_rows.h"
#include "kernels_under_test/cpu/softmax_rows.h"

namespace numguard::explain {
namespace {

using namespace numguard::kernels;

constexpr Format kNarrow[] = {Format::fp16, Format::bf16};

bool narrower(Format f, Format than) {
  return desc(f).precision < desc(than).precision;
}

// The lanes' butterfly exists only for a power-of-two strided shape.
bool butterfly(const Accumulation& s) {
  return s.order == Order::strided && s.lanes >= 4 && (s.lanes & (s.lanes - 1)) == 0;
}

template <class Algo, class Run>
Model bind(Algo a, Run run) {
  return [a, run](const Problem& p, Tensor& y) { run(a, p, y); };
}

// ---- softmax, log_softmax
SoftmaxAlgo softmax_algo(std::string_view op, const Recipe& r) {
  return {.method = r.method, .shape = r.shape, .stage = r.stage, .log = op == "log_softmax"};
}
void softmax_variants(std::string_view op, const Recipe& r, std::vector<Hypothesis>& out) {
  const SoftmaxAlgo d = softmax_algo(op, r);
  const auto add = [&](std::string tag, std::string what, SoftmaxAlgo a) {
    out.push_back({std::move(tag), std::move(what), bind(a, softmax_rows)});
  };
  if (r.method != Method::no_max) {
    // A parameter search: with the declared staging and with exp(x) stored in the input format.
    SoftmaxAlgo a = d;
    a.method = Method::no_max;
    add("no_max_subtraction", "exp(x) without subtracting the row max", a);
    if (r.in != Format::fp32 && a.stage != r.in) {
      a.stage = r.in;
      add("no_max_subtraction",
          fmt::format("exp(x) without subtracting the row max, stored in {}", name(r.in)), a);
    }
  }
  if (op == "softmax" && r.empty_rows != EmptyRows::zero) {  // declared: NaN
    SoftmaxAlgo a = d;
    a.zero_empty_rows = true;
    add("empty_rows=zero", "rows of all -inf give zeros instead of NaN (a masked-row guard)", a);
  }
  if (r.method == Method::online) {
    SoftmaxAlgo a = d;
    a.rescale = false;
    add("online_missing_rescale",
        "online softmax: the running sum is not rescaled when the running max grows", a);
  }
  if (butterfly(r.shape) && r.method == Method::two_pass) {
    SoftmaxAlgo a = d;
    a.repeated_last_offset = true;
    add("butterfly_repeated_offset",
        "the sum's butterfly repeats its offset 2 instead of ending at 1: odd lanes dropped", a);
  }
  for (Format f : kNarrow)
    if (!r.stage && narrower(f, r.acc)) {
      SoftmaxAlgo a = d;
      a.stage = f;
      add(fmt::format("stage={}", name(f)),
          fmt::format("exp(x - max) rounded to {} before the sum and the division (two roundings)",
                      name(f)),
          a);
      a.stage_numerator_only = true;
      add(fmt::format("stage={}", name(f)),
          fmt::format("exp(x - max) rounded to {} in the numerators (two roundings; the sum from "
                      "the unrounded values)",
                      name(f)),
          a);
    }
}

// ---- layernorm, rmsnorm and their backward
NormAlgo norm_algo(std::string_view op, const Recipe& r) {
  NormAlgo a{.method = r.method, .shape = r.shape, .rms = op.starts_with("rmsnorm")};
  if (a.rms) a.method = Method::two_pass;  // rmsnorm declares "direct"; its algorithm ignores it
  return a;
}
Model norm_model(std::string_view op, const NormAlgo& a) {
  if (op.ends_with("_backward")) return bind(a, norm_backward_rows);
  return bind(a, norm_rows);
}
void norm_variants(std::string_view op, const Recipe& r, std::vector<Hypothesis>& out) {
  const NormAlgo d = norm_algo(op, r);
  const auto add = [&](std::string tag, std::string what, const NormAlgo& a) {
    out.push_back({std::move(tag), std::move(what), norm_model(op, a)});
  };
  if (!d.rms && d.method == Method::two_pass) {
    NormAlgo a = d;
    a.naive_variance = true;
    add("naive_variance", "variance as E[x^2] - E[x]^2 in one pass (cancels on offset rows)", a);
  }
  if (!d.rms && d.method == Method::welford && butterfly(r.shape)) {
    NormAlgo a = d;
    a.equal_count_combine = true;
    add("welford_equal_count_combine",
        "the Welford combine weights both sides as if they held equal counts (mean += delta / 2)",
        a);
    NormAlgo b = d;
    b.combine_without_delta = true;
    add("welford_merge_without_delta",
        "the Welford combine adds the two M2s without the delta^2 n_a n_b / n term", b);
  }
  if (!op.ends_with("_backward")) {
    NormAlgo a = d;
    a.eps_outside_sqrt = true;
    add("eps_outside_sqrt", "rstd = 1 / (sqrt(var) + eps) instead of 1 / sqrt(var + eps)", a);
  }
  for (Format f : kNarrow) {
    if (!narrower(f, r.acc)) continue;
    NormAlgo a = d;
    a.eps_add = f;
    add(fmt::format("eps_in={}", name(f)),
        fmt::format("var + eps formed in {} (a small eps rounds away)", name(f)), a);
    if (d.rms) {
      NormAlgo s = d;
      s.sumsq_acc = f;
      add(fmt::format("acc_format={}", name(f)),
          fmt::format("the sum of squares accumulated in {} where the recipe declares {}", name(f),
                      name(r.acc)),
          s);
    }
  }
}

// ---- attention
AttentionAlgo attention_algo(const Recipe& r) {
  return {.method = r.method, .block = r.shape.block > 0 ? r.shape.block : 8};
}
void attention_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  const AttentionAlgo d = attention_algo(r);
  const auto add = [&](std::string tag, std::string what, AttentionAlgo a) {
    out.push_back({std::move(tag), std::move(what), bind(a, attention_rows)});
  };
  AttentionAlgo nan_rows = d;
  nan_rows.guard_empty = false;
  nan_rows.mask_by_neg_inf = true;
  add("empty_rows=nan",
      "masked keys get -inf and nothing guards a fully masked row: exp(-inf - (-inf)) = NaN",
      nan_rows);
  for (float sentinel : {-10000.0f, -1e9f, -65504.0f}) {
    AttentionAlgo a = d;
    a.mask_sentinel = sentinel;
    add("finite_mask_sentinel",
        fmt::format("masked scores get {} added instead of being excluded (large scores and "
                    "fully masked rows unmask)",
                    sentinel),
        a);
  }
  if (d.method == Method::tiled) {
    AttentionAlgo a = d;
    a.rescale_acc = false;
    add("online_missing_rescale",
        "tiled attention: the output accumulator is not rescaled when the running max grows", a);
  }
}

// ---- cross_entropy, adam, amax
void cross_entropy_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  for (Format f : kNarrow)
    if (narrower(f, r.acc))
      out.push_back({fmt::format("acc_format={}", name(f)),
                     fmt::format("the batch sum of the row losses accumulated in {}", name(f)),
                     bind(CrossEntropyAlgo{.shape = r.shape, .batch_stage = f}, cross_entropy)});
}
void adam_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  for (Format f : kNarrow)
    if (narrower(f, r.acc))
      out.push_back({fmt::format("eps_in={}", name(f)),
                     fmt::format("sqrt(vhat) + eps formed in {} (eps = 1e-8 rounds away)", name(f)),
                     bind(AdamAlgo{.denominator = f}, adam_step)});
}
void amax_variants(std::string_view, const Recipe& r, std::vector<Hypothesis>& out) {
  out.push_back({"nan_ignored", "the max ignores NaN entries (fmaxf semantics)",
                 bind(AmaxAlgo{.shape = r.shape, .propagate_nan = false}, amax_rows)});
}

}  // namespace

std::vector<Family> row_families() {
  return {
      {.name = "softmax",
       .ops = {"softmax", "log_softmax"},
       .declared = [](std::string_view op,
                      const Recipe& r) { return bind(softmax_algo(op, r), softmax_rows); },
       .variants = softmax_variants},
      {.name = "norm",
       .ops = {"layernorm", "rmsnorm", "layernorm_backward", "rmsnorm_backward"},
       .declared = [](std::string_view op,
                      const Recipe& r) { return norm_model(op, norm_algo(op, r)); },
       .variants = norm_variants},
      {.name = "attention",
       .ops = {"attention"},
       .declared = [](std::string_view,
                      const Recipe& r) { return bind(attention_algo(r), attention_rows); },
       .variants = attention_variants},
      {.name = "cross_entropy",
       .ops = {"cross_entropy"},
       .declared =
           [](std::string_view, const Recipe& r) {
             return bind(CrossEntropyAlgo{.shape = r.shape}, cross_entropy);
           },
       .variants = cross_entropy_variants},
      {.name = "adam",
       .ops = {"adam"},
       .declared = [](std::string_view, const Recipe&) { return bind(AdamAlgo{}, adam_step); },
       .variants = adam_variants},
      {.name = "amax",
       .ops = {"amax"},
       .declared = [](std::string_view,
                      const Recipe& r) { return bind(AmaxAlgo{.shape = r.shape}, amax_rows); },
       .variants = amax_variants},
  };
}

}  // namespace numguard::explain
