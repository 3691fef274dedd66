// The sweep of section 3: every (precision, stack) network is one task; a task builds the
// weights and the evaluation batch, computes the reference once and runs each loss-scaling
// mode through the kernels. Sections and findings: gradient_section.cpp.
#include "harness/studies/gradients.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>

#include "harness/engine/random.h"
#include "harness/studies/gradient_network.h"
#include "harness/studies/gradient_reference.h"
#include "harness/studies/gradient_scaler.h"
#include "harness/studies/parallel.h"

namespace numguard::studies {

const GradientRun* GradientResult::find(const std::string& precision, const std::string& residual,
                                        const std::string& norm, const std::string& activation,
                                        const std::string& scaling) const {
  for (const GradientRun& r : runs)
    if (r.precision == precision && r.residual == residual && r.norm == norm &&
        r.activation == activation && r.scaling == scaling)
      return &r;
  return nullptr;
}

GradientConfig gradient_config(bool quick) {
  GradientConfig c;
  if (quick) {
    // Half the depth, loss scaling only where it matters (16-bit storage); width, batch and
    // the total decay stay, so the gradients' magnitudes (and the claims) are the full run's.
    c.depth = 32;
    c.scaled_precisions = {"fp16", "bf16"};
  }
  return c;
}

namespace {

// The salts of the seeds: weights are shared by every precision and stack, batch k of the
// dynamic warm-up is batch k for every network.
constexpr uint64_t kWeightSalt = 0x9a11, kBatchSalt = 0xba7c;

struct Measure {
  double norm = 0, ref_norm = 0, rel_error = 0, underflow = 0, subnormal = 0;
  int64_t overflow = 0;
};

// got holds the stored (scaled) values; ref the unscaled reference. An entry counts for the
// underflow fraction when its reference is significant, |ref| >= 2^-24 max |ref| (smaller
// entries are below fp32's resolution relative to the tensor: losing them cannot matter, and
// GELU's tails put many below every format's range); it underflowed when the recipe holds 0
// although the scaled reference lies below the storage format's smallest normal (a zero for a
// value in the normal range is a cancellation, counted by rel_error, not a range loss).
Measure measure(const Tensor& got, const std::vector<double>& ref, double scale) {
  Measure m;
  const double min_normal = desc(got.format).min_normal();
  double max_ref = 0;
  for (double r : ref) max_ref = std::max(max_ref, std::fabs(r));
  const double significant = 0x1p-24 * max_ref;
  double d2 = 0, r2 = 0, g2 = 0;
  int64_t counted = 0, under = 0, sub = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double v = got.value(i);
    const double r = ref[i];
    const bool counts = r != 0 && std::fabs(r) >= significant;
    if (counts) ++counted;
    r2 += r * r;
    if (!std::isfinite(v)) {
      ++m.overflow;
      continue;
    }
    if (v != 0 && std::fabs(v) < min_normal) ++sub;
    if (counts && v == 0 && std::fabs(r * scale) < min_normal) ++under;
    const double u = v / scale;  // exact: the scale is a power of two
    d2 += (u - r) * (u - r);
    g2 += u * u;
  }
  m.norm = m.overflow > 0 ? INFINITY : std::sqrt(g2);
  m.ref_norm = std::sqrt(r2);
  m.rel_error = m.overflow > 0 ? INFINITY : (r2 > 0 ? std::sqrt(d2 / r2) : 0.0);
  m.underflow = counted > 0 ? static_cast<double>(under) / static_cast<double>(counted) : 0.0;
  m.subnormal = got.size() > 0 ? static_cast<double>(sub) / static_cast<double>(got.size()) : 0;
  return m;
}

double unit_roundoff_of(const PrecisionRecipe& p) {
  return desc(p.gemm_in).unit_roundoff();  // tf32: the gemm inputs' rounding dominates
}

// The gain at which the fp64 reference of the plain stack without norm shrinks the gradient
// norm by total_decay from the top layer (depth-1) to the bottom one (0), found by bisection on
// log(gain) (the decay grows monotonically as the gain falls). Calibrated, not derived: GELU is
// not homogeneous, so its decay per layer depends on the signal's scale.
double calibrate_gain(Activation act, const GradientConfig& c, uint64_t seed) {
  const PrecisionRecipe p = precision_recipe("fp32");
  const StackShape s{.residual = false,
                     .norm = Norm::none,
                     .act = act,
                     .depth = c.depth,
                     .width = c.width,
                     .batch = c.batch};
  const StackBatch batch = make_batch(p, s, c.input_scale, case_seed(seed, 0, kBatchSalt));
  auto decay = [&](double gain) {
    const StackWeights w = make_weights(p, s, gain, case_seed(seed, 0, kWeightSalt));
    const ReferenceGradients ref = reference_gradients(s, w, batch);
    double bottom = 0, top = 0;
    for (double v : ref.dx.front()) bottom += v * v;
    for (double v : ref.dx.back()) top += v * v;
    return std::sqrt(bottom / top);
  };
  double lo = std::log(0.25), hi = std::log(4.0);
  for (int it = 0; it < 24; ++it) {
    const double mid = 0.5 * (lo + hi);
    (decay(std::exp(mid)) < c.total_decay ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

struct Network {
  std::string precision;
  StackShape shape;
  std::vector<std::string> scalings;
};

std::vector<GradientRun> run_network(const Network& net, const GradientConfig& c, double gain,
                                     uint64_t seed) {
  const PrecisionRecipe p = precision_recipe(net.precision);
  const StackShape& s = net.shape;
  // Residual branches are scaled by 1/sqrt(depth) (GPT-2, Fixup): with the plain stack's gain
  // the residual stream of a norm-free stack grows like (1 + r^2)^(depth/2) and overflows fp16.
  if (s.residual) gain /= std::sqrt(static_cast<double>(s.depth));
  const StackWeights w = make_weights(p, s, gain, case_seed(seed, 0, kWeightSalt));
  const StackBatch batch = make_batch(p, s, c.input_scale, case_seed(seed, 0, kBatchSalt));
  const ReferenceGradients ref = reference_gradients(s, w, batch);
  const double ref_check =
      extended_reference_available()
          ? max_relative_difference(ref, reference_gradients_extended(s, w, batch))
          : NAN;
  std::vector<std::string> kernels;
  for (const KernelDesc* k : stack_kernels(p, s)) kernels.push_back(k->name);

  std::vector<GradientRun> runs;
  for (const std::string& scaling : net.scalings) {
    const auto t0 = std::chrono::steady_clock::now();
    GradientRun run;
    run.precision = net.precision;
    run.residual = s.residual ? "residual" : "plain";
    run.norm = std::string(name(s.norm));
    run.activation = std::string(name(s.act));
    run.scaling = scaling;
    run.depth = s.depth;
    run.width = s.width;
    run.batch = s.batch;
    run.kernels = kernels;
    run.unit_roundoff = unit_roundoff_of(p);
    run.weight_gain = gain;
    run.input_scale = c.input_scale;
    run.reference_check = ref_check;

    StackGradients g;
    if (scaling == "dynamic") {
      GradScaler scaler;
      run.initial_scale = scaler.scale;
      run.steps = 0;
      // Warm-up steps on fresh batches, then the evaluation batch until a step is taken (each
      // skipped step halves the scale; 40 halvings take 2^16 below 2^-24).
      for (int k = 1; k <= c.warmup_steps; ++k) {
        const StackBatch fresh =
            make_batch(p, s, c.input_scale, case_seed(seed, static_cast<uint64_t>(k), kBatchSalt));
        const double used = scaler.scale;
        ++run.steps;
        if (!scaler.update(!run_stack(p, s, w, fresh, used).finite())) ++run.skipped_steps;
      }
      for (int tries = 0; tries < 40; ++tries) {
        run.final_scale = scaler.scale;
        g = run_stack(p, s, w, batch, run.final_scale);
        ++run.steps;
        if (scaler.update(!g.finite())) break;
        ++run.skipped_steps;
      }
    } else {
      run.initial_scale = run.final_scale = scaling == "fixed" ? c.fixed_scale : 1.0;
      g = run_stack(p, s, w, batch, run.final_scale);
    }
    for (int l = 0; l < s.depth; ++l) {
      const auto i = static_cast<size_t>(l);
      const Measure dx = measure(g.dx[i], ref.dx[i], run.final_scale);
      const Measure dw = measure(g.dw[i], ref.dw[i], run.final_scale);
      GradientLayer L;
      L.layer = l;
      L.grad_norm = dx.norm;
      L.ref_norm = dx.ref_norm;
      L.rel_error = dx.rel_error;
      L.rel_error_u = dx.rel_error / run.unit_roundoff;
      L.underflow_fraction = dx.underflow;
      L.subnormal_fraction = dx.subnormal;
      L.overflow_count = dx.overflow;
      L.weight_grad_norm = dw.norm;
      L.weight_grad_ref_norm = dw.ref_norm;
      L.weight_grad_rel_error = dw.rel_error;
      L.weight_grad_underflow_fraction = dw.underflow;
      L.weight_grad_subnormal_fraction = dw.subnormal;
      L.weight_grad_overflow_count = dw.overflow;
      run.layers.push_back(L);
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    runs.push_back(std::move(run));
  }
  return runs;
}

Norm norm_from(const std::string& s) {
  return s == "pre_ln" ? Norm::pre_ln : s == "post_ln" ? Norm::post_ln : Norm::none;
}

}  // namespace

GradientResult run_gradients(const StudyOptions& opt) {
  GradientConfig c = gradient_config(opt.quick);
  if (opt.depth > 0) c.depth = opt.depth;
  if (opt.width > 0) c.width = opt.width;
  return run_gradients(opt, c);
}

GradientResult run_gradients(const StudyOptions& opt, const GradientConfig& c) {
  std::set<std::string> selected;
  for (const KernelDesc* k : opt.kernels) selected.insert(k->name);
  // Networks in report order; one whose kernels are not all selected is left out.
  std::vector<Network> nets;
  for (const std::string& prec : c.precisions) {
    const PrecisionRecipe p = precision_recipe(prec);
    const bool scaled = std::find(c.scaled_precisions.begin(), c.scaled_precisions.end(), prec) !=
                        c.scaled_precisions.end();
    for (bool residual : {false, true})
      for (const std::string& norm : c.norms)
        for (Activation act : {Activation::gelu, Activation::relu}) {
          Network n{prec,
                    {.residual = residual,
                     .norm = norm_from(norm),
                     .act = act,
                     .depth = c.depth,
                     .width = c.width,
                     .batch = c.batch},
                    {"none"}};
          if (scaled) n.scalings = {"none", "fixed", "dynamic"};
          bool ok = true;
          for (const KernelDesc* k : stack_kernels(p, n.shape))
            ok = ok && k != nullptr && selected.count(k->name) > 0;
          if (ok) nets.push_back(std::move(n));
        }
  }
  // One gain per activation, shared by every precision and stack (residual ones scale it).
  double gains[2] = {0, 0};
  parallel_for(2, opt.threads, [&](int64_t a) {
    gains[a] = calibrate_gain(a == 0 ? Activation::gelu : Activation::relu, c, opt.seed);
  });
  std::vector<std::vector<GradientRun>> slots(nets.size());
  std::mutex mu;
  int64_t done = 0;
  parallel_for(static_cast<int64_t>(nets.size()), opt.threads, [&](int64_t i) {
    const Network& n = nets[static_cast<size_t>(i)];
    slots[static_cast<size_t>(i)] =
        run_network(n, c, gains[n.shape.act == Activation::gelu ? 0 : 1], opt.seed);
    std::lock_guard<std::mutex> lock(mu);
    ++done;
    opt.report("gradients: " + std::to_string(done) + "/" + std::to_string(nets.size()) + " " +
               n.precision + " " + (n.shape.residual ? "residual" : "plain") + " " +
               std::string(name(n.shape.norm)) + " " + std::string(name(n.shape.act)));
  });
  GradientResult r;
  for (auto& s : slots)
    for (auto& run : s) r.runs.push_back(std::move(run));
  return r;
}

}  // namespace numguard::studies
