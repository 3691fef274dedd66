#include "harness/studies/tradeoffs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "harness/core/format.h"
#include "harness/studies/tradeoff_measure.h"
#include "harness/studies/tradeoff_selection.h"

namespace numguard::studies {
namespace {

// Case counts: at least this many output elements per op (a p99 then rests on >= 1% of them,
// >= 60 elements quick, >= 400 full), and at least min_cases cases (the single-output ops,
// dot, sum and cross_entropy, need cases for their elements).
MeasureOptions measure_options(const StudyOptions& opt) {
  MeasureOptions m;
  m.seed = opt.seed;
  m.threads = opt.threads;
  m.min_elements = opt.quick ? 6000 : 40000;
  m.min_cases = opt.quick ? 128 : 1024;
  m.max_cases = opt.quick ? 1536 : 12288;
  return m;
}

// -log2 of the median relative error, within [0, p + 1] for an output format of precision p
// (a median of 0: more than half the outputs exact).
double bits_of(double median_rel, Format out) {
  const double cap = desc(out).precision + 1;
  if (std::isnan(median_rel)) return std::numeric_limits<double>::quiet_NaN();
  if (median_rel <= 0) return cap;
  return std::clamp(-std::log2(median_rel), 0.0, cap);
}

TradeoffStats stats_of(const std::string& distribution, int64_t cases, const ErrorStats& s,
                       Format out) {
  TradeoffStats t;
  t.distribution = distribution;
  t.cases = cases;
  t.measured = s.measured;
  t.zero_ref = s.zero_ref;
  t.tiny_ref = s.tiny_ref;
  t.nonfinite_ref = s.nonfinite_ref;
  t.nonfinite_out = s.nonfinite_out;
  t.flushed = s.flushed;
  t.median_rel = s.median_rel;
  t.p99_rel = s.p99_rel;
  t.max_rel = s.max_rel;
  const double u = desc(out).unit_roundoff();
  t.median_u = s.median_rel / u;
  t.p99_u = s.p99_rel / u;
  t.max_u = s.max_rel / u;
  t.bits = bits_of(s.median_rel, out);
  return t;
}

TradeoffOp measure_op(const TradeoffLineup& l, const MeasureOptions& m) {
  const LineupErrors le = measure_lineup(l, m);
  TradeoffOp op;
  op.op = l.op;
  op.algorithm = l.algorithm;
  op.cases = le.cases;
  op.elements = le.elements;
  op.floor = le.floor;
  for (const KernelErrors& ke : le.kernels) {
    const Recipe& r = ke.kernel->recipe;
    TradeoffEntry e;
    e.kernel = ke.kernel->name;
    e.precision = std::string(name(r.in));
    e.out_format = std::string(name(r.out));
    e.storage_bits = desc(r.in).storage_bits;
    e.all = stats_of("all", le.cases, ke.all, r.out);
    for (const DistributionErrors& d : ke.by_distribution)
      e.by_distribution.push_back(stats_of(d.distribution, d.cases, d.stats, r.out));
    e.median_rel = e.all.median_rel;
    e.p99_rel = e.all.p99_rel;
    e.max_rel = e.all.max_rel;
    e.bits = e.all.bits;
    e.failure = ke.failure;
    op.entries.push_back(std::move(e));
  }
  return op;
}

}  // namespace

TradeoffResult run_tradeoffs(const StudyOptions& opt, const AccumulationResult& acc,
                             const RangeResult& range) {
  TradeoffResult res;
  res.quick = opt.quick;
  res.seed = opt.seed;
  const std::vector<TradeoffLineup> lineups = tradeoff_lineups(opt.kernels);
  const MeasureOptions m = measure_options(opt);
  for (size_t i = 0; i < lineups.size(); ++i) {
    opt.report(fmt::format("tradeoffs: {}/{} {}", i + 1, lineups.size(), lineups[i].op));
    TradeoffOp op;
    try {
      op = measure_op(lineups[i], m);
    } catch (const std::exception& e) {
      op.op = lineups[i].op;  // reported in the record rather than losing the whole report
      op.algorithm = lineups[i].algorithm;
      op.error = e.what();
    }
    attach_studies(op, acc, range);
    recommend(op, res.rule);
    res.ops.push_back(std::move(op));
  }
  return res;
}

}  // namespace numguard::studies
