// Section 3 of the report from the sweep's numbers: records, findings (each sentence computed
// from the runs; a claim the numbers do not support is stated as NOT observed), tables and
// per-layer plots. docs/report-schema.md, `gradients` documents the records.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/core/format.h"
#include "harness/studies/gradients.h"
#include "harness/studies/record_json.h"

namespace numguard::studies {
namespace {

using Json = nlohmann::json;

std::string g3(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:.3g}", x);
}

std::string pct(double f) {
  return fmt::format("{:.3g}%", 100 * f);
}

std::string scale_text(double s) {
  int e = 0;
  if (s > 0 && std::frexp(s, &e) == 0.5) return fmt::format("2^{}", e - 1);
  return g3(s);
}

std::string stack(const GradientRun& r) {
  return r.residual + "/" + r.norm + "/" + r.activation;
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <class F>
double max_over(const GradientRun& r, F f) {
  double m = 0;
  for (const GradientLayer& l : r.layers) m = std::max(m, static_cast<double>(f(l)));
  return m;
}

template <class F>
double mean_over(const GradientRun& r, F f) {
  double s = 0;
  for (const GradientLayer& l : r.layers) s += f(l);
  return r.layers.empty() ? 0 : s / static_cast<double>(r.layers.size());
}

int64_t overflow_total(const GradientRun& r) {
  int64_t n = 0;
  for (const GradientLayer& l : r.layers) n += l.overflow_count + l.weight_grad_overflow_count;
  return n;
}

double underflow_mean(const GradientRun& r) {
  return mean_over(r, [](const GradientLayer& l) { return l.underflow_fraction; });
}
double underflow_max(const GradientRun& r) {
  return max_over(r, [](const GradientLayer& l) { return l.underflow_fraction; });
}
double weight_underflow_max(const GradientRun& r) {
  return max_over(r, [](const GradientLayer& l) { return l.weight_grad_underflow_fraction; });
}
double rel_max(const GradientRun& r) {
  return max_over(r, [](const GradientLayer& l) { return l.rel_error; });
}
double rel_median(const GradientRun& r) {
  std::vector<double> v;
  for (const GradientLayer& l : r.layers) v.push_back(l.rel_error);
  return median(v);
}
// The top layer's reference norm over the bottom one's: < 1 vanishing, > 1 exploding.
double ref_ratio(const GradientRun& r) {
  return r.layers.front().ref_norm / r.layers.back().ref_norm;
}
// How much the network amplifies rounding, measured: the fp64 reference's gap to the
// extended one in units of fp64's u.
double amplification(const GradientRun& r) {
  return r.reference_check / desc(Format::fp64).unit_roundoff();
}

const std::vector<std::string> kActs{"gelu", "relu"};

Json record(const GradientRun& r) {
  Json j;
  j["precision"] = r.precision;
  j["residual"] = r.residual;
  j["norm"] = r.norm;
  j["activation"] = r.activation;
  j["scaling"] = r.scaling;
  j["depth"] = r.depth;
  j["width"] = r.width;
  j["batch"] = r.batch;
  j["kernels"] = r.kernels;
  j["weight_gain"] = r.weight_gain;
  j["input_scale"] = r.input_scale;
  j["unit_roundoff"] = r.unit_roundoff;
  j["initial_scale"] = r.initial_scale;
  j["final_scale"] = r.final_scale;
  j["skipped_steps"] = r.skipped_steps;
  j["steps"] = r.steps;
  j["reference_check"] = r.reference_check;
  auto col = [&](const char* key, auto f) {
    Json a = Json::array();
    for (const GradientLayer& l : r.layers) a.push_back(f(l));
    j[key] = std::move(a);
  };
  using L = GradientLayer;
  col("layer", [](const L& l) { return Json(l.layer); });
  col("grad_norm", [](const L& l) { return finite_or_null(l.grad_norm); });
  col("ref_norm", [](const L& l) { return finite_or_null(l.ref_norm); });
  col("rel_error", [](const L& l) { return finite_or_null(l.rel_error); });
  col("rel_error_u", [](const L& l) { return finite_or_null(l.rel_error_u); });
  col("underflow_fraction", [](const L& l) { return finite_or_null(l.underflow_fraction); });
  col("subnormal_fraction", [](const L& l) { return finite_or_null(l.subnormal_fraction); });
  col("overflow_count", [](const L& l) { return Json(l.overflow_count); });
  col("weight_grad_norm", [](const L& l) { return finite_or_null(l.weight_grad_norm); });
  col("weight_grad_ref_norm", [](const L& l) { return finite_or_null(l.weight_grad_ref_norm); });
  col("weight_grad_rel_error", [](const L& l) { return finite_or_null(l.weight_grad_rel_error); });
  col("weight_grad_underflow_fraction",
      [](const L& l) { return finite_or_null(l.weight_grad_underflow_fraction); });
  col("weight_grad_subnormal_fraction",
      [](const L& l) { return finite_or_null(l.weight_grad_subnormal_fraction); });
  col("weight_grad_overflow_count", [](const L& l) { return Json(l.weight_grad_overflow_count); });
  return j;
}

// Claim 1 and 2: fp16 loses gradients in deep plain stacks; loss scaling recovers them.
void underflow_findings(const GradientResult& res, std::vector<std::string>& out) {
  for (const std::string& act : kActs) {
    const GradientRun* none = res.find("fp16", "plain", "none", act, "none");
    if (!none) continue;
    const GradientLayer& l0 = none->layers.front();
    int with = 0;
    for (const GradientLayer& l : none->layers) with += l.underflow_fraction > 0;
    const std::string where =
        fmt::format("fp16 without loss scaling, plain stack without norm ({}, L = {}, width {})",
                    act, none->depth, none->width);
    if (underflow_max(*none) > 0)
      out.push_back(fmt::format(
          "{}: {} of the significant input-gradient entries of layer 0 underflow to zero "
          "(reference norm there {}, {} of the top layer's); underflow in {} of {} layers, up to "
          "{}; weight gradients up to {}.",
          where, pct(l0.underflow_fraction), g3(l0.ref_norm), g3(ref_ratio(*none)), with,
          none->depth, pct(underflow_max(*none)), pct(weight_underflow_max(*none))));
    else
      out.push_back(fmt::format(
          "NOT observed: {}: no significant input-gradient entry underflowed (reference norm at "
          "layer 0 {}).",
          where, g3(l0.ref_norm)));

    const GradientRun* fixed = res.find("fp16", "plain", "none", act, "fixed");
    const GradientRun* dyn = res.find("fp16", "plain", "none", act, "dynamic");
    if (!fixed || !dyn) continue;
    const bool lower = underflow_mean(*dyn) < underflow_mean(*none) &&
                       underflow_mean(*fixed) < underflow_mean(*none);
    out.push_back(fmt::format(
        "{}loss scaling, fp16 plain/none/{}: the mean per-layer underflow fraction is {} "
        "unscaled, {} with the fixed scale {} and {} with dynamic scaling (GradScaler from {}, "
        "{} skipped steps, scale {} at the reported step); layer 0: {}, {}, {}; weight "
        "gradients up to {}, {}, {}.",
        lower ? "Recovered by " : "NOT observed (no recovery) with ", act,
        pct(underflow_mean(*none)), pct(underflow_mean(*fixed)), scale_text(fixed->final_scale),
        pct(underflow_mean(*dyn)), scale_text(dyn->initial_scale), dyn->skipped_steps,
        scale_text(dyn->final_scale), pct(none->layers.front().underflow_fraction),
        pct(fixed->layers.front().underflow_fraction), pct(dyn->layers.front().underflow_fraction),
        pct(weight_underflow_max(*none)), pct(weight_underflow_max(*fixed)),
        pct(weight_underflow_max(*dyn))));
  }
}

// Claim 3: bf16 needs no scaling but is less accurate than fp16 where fp16 keeps its range.
void bf16_findings(const GradientResult& res, std::vector<std::string>& out) {
  double bf_max = 0, fp_max = 0;
  int bf_runs = 0;
  for (const GradientRun& r : res.runs) {
    if (r.scaling != "none") continue;
    if (r.precision == "bf16") {
      ++bf_runs;
      bf_max = std::max({bf_max, underflow_max(r), weight_underflow_max(r)});
    }
    if (r.precision == "fp16")
      fp_max = std::max({fp_max, underflow_max(r), weight_underflow_max(r)});
  }
  if (bf_runs == 0) return;
  out.push_back(fmt::format(
      "{}bf16 without loss scaling: over its {} unscaled runs the largest per-layer underflow "
      "fraction (input or weight gradients) is {} (fp16 unscaled: {}).",
      bf_max == 0 ? ""
                  : (bf_max < fp_max ? "Less underflow in " : "NOT observed (bf16 underflows) in "),
      bf_runs, pct(bf_max), pct(fp_max)));

  // Per stack: the layers where unscaled fp16 has no underflow or overflow and neither error
  // is saturated (>= 0.5: the gradient is lost to rounding noise in both).
  int stacks = 0, larger = 0;
  std::vector<double> ratios;
  std::string example;
  for (const GradientRun& bf : res.runs) {
    if (bf.precision != "bf16" || bf.scaling != "none") continue;
    const GradientRun* fp = res.find("fp16", bf.residual, bf.norm, bf.activation, "none");
    if (!fp) continue;
    std::vector<double> eb, ef;
    for (size_t l = 0; l < bf.layers.size(); ++l) {
      const GradientLayer& f = fp->layers[l];
      const GradientLayer& b = bf.layers[l];
      if (f.underflow_fraction > 0 || f.overflow_count > 0) continue;
      if (!(f.rel_error < 0.5 && b.rel_error < 0.5)) continue;
      eb.push_back(b.rel_error);
      ef.push_back(f.rel_error);
    }
    if (eb.empty()) continue;
    ++stacks;
    const double mb = median(eb), mf = median(ef);
    larger += mb > mf;
    ratios.push_back(mb / mf);
    if (example.empty() || (bf.residual == "residual" && bf.norm == "none"))
      example = fmt::format("{}: {} vs {}", stack(bf), g3(mb), g3(mf));
  }
  const double u_ratio = desc(Format::bf16).unit_roundoff() / desc(Format::fp16).unit_roundoff();
  if (stacks > 0)
    out.push_back(fmt::format(
        "{}bf16's relative error is larger than fp16's where fp16 has no underflow: in {} of {} "
        "stacks bf16's median per-layer input-gradient error exceeds fp16's over those layers "
        "(median ratio {}, the formats' u ratio is {}; e.g. {}).",
        larger * 2 > stacks ? "" : "NOT observed: ", larger, stacks, g3(median(ratios)),
        g3(u_ratio), example));
  for (const std::string& act : kActs) {
    const GradientRun* bf = res.find("bf16", "plain", "none", act, "none");
    const GradientRun* fp = res.find("fp16", "plain", "none", act, "dynamic");
    if (!bf || !fp) continue;
    out.push_back(fmt::format(
        "{}plain/none/{}, where fp16 needs loss scaling: median per-layer relative error bf16 "
        "unscaled {} vs fp16 with dynamic scaling {}.",
        rel_median(*bf) > rel_median(*fp) ? "" : "NOT observed (bf16 not less accurate): ", act,
        g3(rel_median(*bf)), g3(rel_median(*fp))));
  }
}

// Claim 4: residual connections keep gradient norms from vanishing.
void residual_findings(const GradientResult& res, std::vector<std::string>& out) {
  for (const char* norm : {"none", "pre_ln", "post_ln"}) {
    std::vector<std::string> parts;
    bool all = true, any = false;
    for (const std::string& act : kActs) {
      // The reference norms hardly depend on the precision; take the widest one run.
      const GradientRun *p = nullptr, *r = nullptr;
      for (const char* prec : {"fp32", "tf32", "bf16", "fp16"}) {
        p = res.find(prec, "plain", norm, act, "none");
        r = res.find(prec, "residual", norm, act, "none");
        if (p && r) break;
      }
      if (!p || !r) continue;
      any = true;
      if (std::string(norm) == "none")
        all = all && r->layers.front().ref_norm > p->layers.front().ref_norm;
      parts.push_back(fmt::format("{}: plain {} (layer 0 / top {}), residual {} ({})", act,
                                  g3(p->layers.front().ref_norm), g3(ref_ratio(*p)),
                                  g3(r->layers.front().ref_norm), g3(ref_ratio(*r))));
    }
    if (!any) continue;
    std::string joined;
    for (const std::string& s : parts) joined += (joined.empty() ? "" : "; ") + s;
    if (std::string(norm) == "none")
      out.push_back(fmt::format(
          "{}esidual connections keep the gradient from vanishing without norm: reference "
          "||dL/dx_0|| {}.",
          all ? "R" : "NOT observed: r", joined));
    else
      out.push_back(fmt::format(
          "With {} the plain stack's gradient does not vanish; reference ||dL/dx_0|| {} (a "
          "ratio above 1 is growth toward the input).",
          norm, joined));
  }
}

void accuracy_findings(const GradientResult& res, std::vector<std::string>& out) {
  // Stacks that amplify rounding beyond 1/u_fp16 lose every 16-bit gradient to noise.
  const double limit = 1 / desc(Format::fp16).unit_roundoff();
  for (const char* prec : {"fp32", "tf32"}) {
    double calm = 0, wild = 0, amp = 0;
    std::string wild_stack;
    bool any = false;
    for (const GradientRun& r : res.runs) {
      if (r.precision != prec || r.scaling != "none") continue;
      any = true;
      if (amplification(r) <= limit) {
        calm = std::max(calm, rel_max(r));
      } else if (rel_max(r) > wild) {
        wild = rel_max(r);
        amp = amplification(r);
        wild_stack = stack(r);
      }
    }
    if (!any) continue;
    std::string s = fmt::format(
        "{}: largest per-layer input-gradient relative error {} in the stacks whose measured "
        "rounding amplification (fp64-vs-extended reference gap / u_fp64) is at most 1/u_fp16 "
        "= {}",
        prec, g3(calm), g3(limit));
    if (!wild_stack.empty())
      s += fmt::format("; beyond it, {} (amplification {}) reaches {}", wild_stack, g3(amp),
                       g3(wild));
    out.push_back(s + ".");
  }
}

// ReLU's derivative is a step: a pre-activation whose sign rounding flips switches a whole
// gradient path, an error that does not shrink in proportion to u as GELU's does.
void activation_findings(const GradientResult& res, std::vector<std::string>& out) {
  std::string parts;
  for (const char* prec : {"fp16", "bf16", "tf32", "fp32"}) {
    const char* scaling = std::string(prec) == "fp16" ? "dynamic" : "none";
    const GradientRun* relu = res.find(prec, "plain", "none", "relu", scaling);
    const GradientRun* gelu = res.find(prec, "plain", "none", "gelu", scaling);
    if (!relu || !gelu) continue;
    parts += fmt::format("{}{}{} {} vs {}", parts.empty() ? "" : ", ", prec,
                         std::string(scaling) == "none" ? "" : " (dynamic)", g3(rel_median(*relu)),
                         g3(rel_median(*gelu)));
  }
  if (!parts.empty())
    out.push_back(
        "Plain stacks without norm, median per-layer input-gradient relative error "
        "relu vs gelu: " +
        parts + ".");
}

void scaling_findings(const GradientResult& res, std::vector<std::string>& out) {
  int dyn = 0, backed = 0, fixed = 0, fixed_inf = 0;
  std::string worst, inf_list;
  int worst_skips = -1;
  for (const GradientRun& r : res.runs) {
    if (r.scaling == "dynamic") {
      ++dyn;
      backed += r.skipped_steps > 0;
      if (r.skipped_steps > worst_skips) {
        worst_skips = r.skipped_steps;
        worst = fmt::format("{} {}: {} skipped steps, scale {}", r.precision, stack(r),
                            r.skipped_steps, scale_text(r.final_scale));
      }
    }
    if (r.scaling == "fixed") {
      ++fixed;
      if (overflow_total(r) > 0) {
        ++fixed_inf;
        if (fixed_inf <= 4)
          inf_list += (inf_list.empty() ? "" : ", ") + r.precision + " " + stack(r);
      }
    }
  }
  if (dyn > 0)
    out.push_back(fmt::format(
        "Dynamic scaling backed off from 2^16 in {} of {} runs (most: {}); the fixed scale "
        "overflowed to inf in {} of {} runs{}.",
        backed, dyn, worst, fixed_inf, fixed,
        inf_list.empty() ? "" : " (" + inf_list + (fixed_inf > 4 ? ", ..." : "") + ")"));
}

void reference_findings(const GradientResult& res, std::vector<std::string>& out) {
  if (res.runs.empty()) return;
  // Per run: the recipe's smallest per-layer error over the reference's own gap.
  double worst_ratio = INFINITY, check = 0;
  std::string where;
  for (const GradientRun& r : res.runs) {
    double least = INFINITY;
    for (const GradientLayer& l : r.layers) least = std::min(least, l.rel_error);
    check = std::max(check, r.reference_check);
    if (r.reference_check > 0 && least / r.reference_check < worst_ratio) {
      worst_ratio = least / r.reference_check;
      where = fmt::format("{} {} {}", r.precision, stack(r), r.scaling);
    }
  }
  out.push_back(fmt::format(
      "Reference: the fp64 network agrees with an 80-bit extended evaluation to a relative {} "
      "or better in every run; each recipe error is at least {} times its run's gap ({}).",
      g3(check), g3(worst_ratio), where));
}

Plot layer_plot(std::string id, std::string title, std::string ylabel, bool logy) {
  Plot p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.xlabel = "layer l (0 = input side)";
  p.ylabel = std::move(ylabel);
  p.logy = logy;
  return p;
}

template <class F>
Series layer_series(const GradientRun& r, std::string label, F f) {
  Series s;
  s.label = std::move(label);
  for (const GradientLayer& l : r.layers) {
    s.x.push_back(l.layer);
    s.y.push_back(f(l));
  }
  return s;
}

void add_plots(const GradientResult& res, Section& sec) {
  using L = GradientLayer;
  // Reference norms: one series per stack, from the widest precision run.
  Plot norms = layer_plot("gradients-ref-norm", "Reference gradient norm per layer (fp64)",
                          "||dL/dx_l|| (fp64 reference, unscaled)", true);
  for (const char* residual : {"plain", "residual"})
    for (const char* norm : {"none", "pre_ln", "post_ln"})
      for (const std::string& act : kActs)
        for (const char* prec : {"fp32", "tf32", "bf16", "fp16"})
          if (const GradientRun* r = res.find(prec, residual, norm, act, "none")) {
            Series s = layer_series(*r, std::string(residual) + " " + norm + " " + act,
                                    [](const L& l) { return l.ref_norm; });
            s.style = std::string(residual) == "plain" ? LineStyle::dashed : LineStyle::solid;
            norms.series.push_back(std::move(s));
            break;
          }
  if (!norms.series.empty()) sec.plots.push_back(std::move(norms));

  // Underflow and subnormals in the plain stacks without norm, where gradients shrink.
  struct Pick {
    const char* prec;
    const char* scaling;
  };
  const std::vector<Pick> range_picks{
      {"fp16", "none"}, {"fp16", "fixed"}, {"fp16", "dynamic"}, {"bf16", "none"}};
  auto range_plot = [&](std::string id, std::string title, std::string ylabel, auto f) {
    Plot p = layer_plot(std::move(id), std::move(title), std::move(ylabel), false);
    p.ymin = 0;  // fractions: zero curves sit on the axis
    for (const std::string& act : kActs)
      for (const Pick& k : range_picks)
        if (const GradientRun* r = res.find(k.prec, "plain", "none", act, k.scaling))
          p.series.push_back(
              layer_series(*r, std::string(k.prec) + " " + k.scaling + " " + act, f));
    if (!p.series.empty()) sec.plots.push_back(std::move(p));
  };
  range_plot("gradients-underflow", "Input-gradient underflow per layer, plain stacks without norm",
             "fraction of significant entries flushed to 0",
             [](const L& l) { return l.underflow_fraction; });
  range_plot("gradients-subnormal",
             "Input-gradient entries stored as subnormals, plain stacks without norm",
             "fraction of entries subnormal in storage",
             [](const L& l) { return l.subnormal_fraction; });
  range_plot("gradients-weight-underflow",
             "Weight-gradient underflow per layer, plain stacks without norm",
             "fraction of significant dL/dW entries flushed to 0",
             [](const L& l) { return l.weight_grad_underflow_fraction; });

  // Relative error per layer, one plot per architecture.
  const std::vector<Pick> err_picks{
      {"fp16", "none"}, {"fp16", "dynamic"}, {"bf16", "none"}, {"tf32", "none"}, {"fp32", "none"}};
  auto err_plot = [&](const std::string& residual, const std::string& norm, bool weights) {
    Plot p = layer_plot(
        fmt::format("gradients-{}relerr-{}-{}", weights ? "weight-" : "", residual, norm),
        fmt::format("{}-gradient relative error per layer, {} stack, norm {}",
                    weights ? "Weight" : "Input", residual, norm),
        weights ? "||dW - dW_ref|| / ||dW_ref||" : "||g - g_ref|| / ||g_ref||", true);
    for (const std::string& act : kActs)
      for (const Pick& k : err_picks)
        if (const GradientRun* r = res.find(k.prec, residual, norm, act, k.scaling))
          p.series.push_back(layer_series(
              *r, std::string(k.prec) + " " + k.scaling + " " + act,
              [weights](const L& l) { return weights ? l.weight_grad_rel_error : l.rel_error; }));
    if (!p.series.empty()) sec.plots.push_back(std::move(p));
  };
  for (const char* residual : {"plain", "residual"})
    for (const char* norm : {"none", "pre_ln", "post_ln"}) err_plot(residual, norm, false);
  err_plot("plain", "none", true);
}

void add_tables(const GradientResult& res, Section& sec) {
  for (const char* prec : {"fp16", "bf16", "tf32", "fp32"}) {
    Table t;
    t.title = fmt::format("{}: per run (g_0 = dL/dx_0, the input side)", prec);
    t.columns = {"stack",          "scaling",           "scale (skipped)",
                 "ref |g_0|",      "ref |g_0|/|g_top|", "rel err g_0",
                 "median rel err", "max rel err",       "mean underflow",
                 "max underflow",  "max subnormal",     "overflow",
                 "dW max rel err", "dW max underflow"};
    for (const GradientRun& r : res.runs) {
      if (r.precision != prec) continue;
      const GradientLayer& l0 = r.layers.front();
      t.rows.push_back(
          {stack(r), r.scaling, fmt::format("{} ({})", scale_text(r.final_scale), r.skipped_steps),
           g3(l0.ref_norm), g3(ref_ratio(r)), g3(l0.rel_error), g3(rel_median(r)), g3(rel_max(r)),
           pct(underflow_mean(r)), pct(underflow_max(r)),
           pct(max_over(r, [](const GradientLayer& l) { return l.subnormal_fraction; })),
           std::to_string(overflow_total(r)),
           g3(max_over(r, [](const GradientLayer& l) { return l.weight_grad_rel_error; })),
           pct(weight_underflow_max(r))});
    }
    if (!t.rows.empty()) sec.tables.push_back(std::move(t));
  }
}

}  // namespace

Section gradients_section(const GradientResult& r) {
  Section s;
  s.key = "gradients";
  s.title = "Gradients in deep stacks";
  if (!r.runs.empty()) {
    const GradientRun& a = r.runs.front();
    s.intro.push_back(fmt::format(
        "An L = {}-layer stack of width {} on a batch of {}, plain (x_(l+1) = f(x_l)) or "
        "residual (x_(l+1) = x_l + f(x_l)), without norm, pre-LN (f = act(LN(x) W)) or post-LN "
        "(x_(l+1) = LN(x_l + act(x_l W))), GELU or ReLU, run forward and backward through the "
        "kernels under test (the gemm, GELU and LayerNorm kernels listed per record; ReLU and "
        "the residual add are exact / rounded once in the study). Loss: mean squared error to a "
        "random target, so dL/dx_L = (x_L - t) / (batch width).",
        a.depth, a.width, a.batch));
  }
  s.intro.push_back(
      "Reference: the same network on the same rounded inputs and weights in fp64, checked "
      "against an 80-bit extended evaluation. Per layer l: ||dL/dx_l|| (unscaled), the "
      "relative error ||g - g_ref|| / ||g_ref||, the fraction of significant entries (|ref| >= "
      "2^-24 max|ref|) whose scaled reference lies below the storage format's smallest normal "
      "and that the recipe flushed to 0 (underflow), the fraction stored as subnormals, the "
      "count of inf / NaN entries, and the same for dL/dW_l.");
  s.intro.push_back(
      "Loss scaling multiplies dL/dx_L before the backward pass: none, a fixed scale, or "
      "dynamic (PyTorch's GradScaler: from 2^16, halve and skip the step on any inf / NaN "
      "gradient, double after 2000 finite steps; warm-up steps on fresh batches, then the "
      "evaluation batch until a step is taken). Gradients are unscaled in double for the "
      "metrics. Method and justification: docs/studies-gradients.md.");
  if (r.runs.empty()) {
    s.findings.push_back("No stack was run: none had all of its kernels selected.");
    return s;
  }
  underflow_findings(r, s.findings);
  bf16_findings(r, s.findings);
  residual_findings(r, s.findings);
  accuracy_findings(r, s.findings);
  activation_findings(r, s.findings);
  scaling_findings(r, s.findings);
  reference_findings(r, s.findings);
  add_tables(r, s);
  add_plots(r, s);
  for (const GradientRun& run : r.runs) s.records.push_back(record(run));
  return s;
}

}  // namespace numguard::studies
