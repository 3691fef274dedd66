#include "references/mpfr_reference.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace numguard::mpfr_ref {
namespace {

// Every operation below is exact by choice of precision, so the MPFR rounding direction only
// reaches the sign of an exact zero sum, which IEEE 754-2019 6.3 ties to roundTowardNegative.
mpfr_rnd_t zero_sign_rnd(Rounding m) {
  return m == Rounding::rd ? MPFR_RNDD : MPFR_RNDN;
}

void require_exact(int ternary, const char* what) {
  if (ternary != 0) throw std::logic_error(std::string("mpfr reference: inexact ") + what);
}

// Precision that holds every encoding of `in` exactly (tf32's padding bits included).
mpfr_prec_t input_precision(Format in) {
  return desc(in).frac_field_bits + 1;
}

// n MPFR numbers of one precision in one allocation (MPFR's custom interface), so a sum of
// n terms costs one malloc rather than n.
class Terms {
 public:
  Terms(size_t n, mpfr_prec_t prec)
      : limbs_((mpfr_custom_get_size(prec) + sizeof(mp_limb_t) - 1) / sizeof(mp_limb_t)),
        storage_(n * limbs_),
        nums_(n),
        ptrs_(n) {
    for (size_t i = 0; i < n; ++i) {
      mp_limb_t* s = storage_.data() + i * limbs_;
      mpfr_custom_init(s, prec);
      mpfr_custom_init_set(&nums_[i], MPFR_ZERO_KIND, 0, prec, s);
      ptrs_[i] = &nums_[i];
    }
  }
  mpfr_ptr operator[](size_t i) { return ptrs_[i]; }

  // Exact sum: the precision covers the bits from the lowest possible bit of any regular
  // term to the top of the largest, plus the carries of adding rn terms.
  void sum_into(Mpfr& out, Rounding mode) {
    mpfr_exp_t top = 0, low = 0;
    uint64_t rn = 0;
    for (mpfr_ptr t : ptrs_) {
      if (!mpfr_regular_p(t)) continue;
      const mpfr_exp_t e = mpfr_get_exp(t);
      const mpfr_exp_t l = e - mpfr_get_prec(t);
      top = rn == 0 ? e : std::max(top, e);
      low = rn == 0 ? l : std::min(low, l);
      ++rn;
    }
    const mpfr_prec_t prec = rn == 0 ? MPFR_PREC_MIN : top - low + std::bit_width(rn) + 1;
    mpfr_set_prec(out, prec);
    require_exact(mpfr_sum(out, ptrs_.data(), ptrs_.size(), zero_sign_rnd(mode)), "sum");
  }

 private:
  size_t limbs_;
  std::vector<mp_limb_t> storage_;
  std::vector<__mpfr_struct> nums_;
  std::vector<mpfr_ptr> ptrs_;
};

void set_exact(mpfr_ptr x, double v) {
  require_exact(mpfr_set_d(x, v, MPFR_RNDN), "decode");
}

// Precision at which x + y is exact: from the lower lsb to one bit above the larger top.
mpfr_prec_t exact_sum_precision(mpfr_srcptr x, mpfr_srcptr y) {
  if (!mpfr_regular_p(x) || !mpfr_regular_p(y))  // the sum is one of them, NaN or inf
    return std::max(mpfr_get_prec(x), mpfr_get_prec(y));
  const mpfr_exp_t top = std::max(mpfr_get_exp(x), mpfr_get_exp(y)) + 1;
  const mpfr_exp_t low =
      std::min(mpfr_get_exp(x) - mpfr_get_prec(x), mpfr_get_exp(y) - mpfr_get_prec(y));
  return top - low;
}

Unpacked unpack_canonical(mpfr_srcptr x) {
  Unpacked u = unpack(x);
  if (u.kind == Unpacked::Kind::nan) u.negative = false;  // a NaN's sign carries nothing
  return u;
}

}  // namespace

void dot_value(Mpfr& out, Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
               Rounding mode) {
  if (a.size() != b.size()) throw std::invalid_argument("dot: a and b differ in length");
  const mpfr_prec_t p = input_precision(in);
  Mpfr x(p), y(p);
  Terms t(a.size(), 2 * p);
  for (size_t i = 0; i < a.size(); ++i) {
    set_exact(x, decode(in, a[i]));
    set_exact(y, decode(in, b[i]));
    require_exact(mpfr_mul(t[i], x, y, MPFR_RNDN), "product");
  }
  t.sum_into(out, mode);
}

void sum_value(Mpfr& out, Format in, std::span<const uint64_t> x, Rounding mode) {
  Terms t(x.size(), input_precision(in));
  for (size_t i = 0; i < x.size(); ++i) set_exact(t[i], decode(in, x[i]));
  t.sum_into(out, mode);
}

Unpacked dot_exact(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b,
                   Rounding mode) {
  Mpfr v(MPFR_PREC_MIN);
  dot_value(v, in, a, b, mode);
  return unpack_canonical(v);
}

RoundResult dot(Format in, std::span<const uint64_t> a, std::span<const uint64_t> b, Format out,
                const RoundOptions& opt) {
  return round_to(out, dot_exact(in, a, b, opt.mode), opt);
}

Unpacked sum_exact(Format in, std::span<const uint64_t> x, Rounding mode) {
  Mpfr v(MPFR_PREC_MIN);
  sum_value(v, in, x, mode);
  return unpack_canonical(v);
}

RoundResult sum(Format in, std::span<const uint64_t> x, Format out, const RoundOptions& opt) {
  return round_to(out, sum_exact(in, x, opt.mode), opt);
}

std::vector<Unpacked> gemm_exact(const GemmProblem& p, Rounding mode) {
  validate(p);
  const size_t m = static_cast<size_t>(p.m), n = static_cast<size_t>(p.n),
               k = static_cast<size_t>(p.k);
  const bool use_ab = p.alpha != 0, use_c = p.beta != 0;
  Mpfr alpha(53), beta(53), c(53), dot(MPFR_PREC_MIN), ab(MPFR_PREC_MIN), bc(106), r(MPFR_PREC_MIN);
  set_exact(alpha, p.alpha);
  set_exact(beta, p.beta);
  std::vector<uint64_t> column(k);
  std::vector<Unpacked> out;
  out.reserve(m * n);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (use_ab) {
        for (size_t q = 0; q < k; ++q) column[q] = p.b[q * n + j];
        dot_value(dot, p.in, p.a.subspan(i * k, k), column, mode);
        mpfr_set_prec(ab, mpfr_get_prec(dot) + 53);
        require_exact(mpfr_mul(ab, dot, alpha, zero_sign_rnd(mode)), "alpha product");
      }
      if (use_c) {
        set_exact(c, decode(p.c_format, p.c[i * n + j]));
        require_exact(mpfr_mul(bc, c, beta, zero_sign_rnd(mode)), "beta product");
      }
      if (use_ab && use_c) {
        mpfr_set_prec(r, exact_sum_precision(ab, bc));
        require_exact(mpfr_add(r, ab, bc, zero_sign_rnd(mode)), "epilogue sum");
        out.push_back(unpack_canonical(r));
      } else if (use_ab) {
        out.push_back(unpack_canonical(ab));
      } else if (use_c) {
        out.push_back(unpack_canonical(bc));
      } else {
        out.push_back(Unpacked{});  // +0: both terms dropped
      }
    }
  }
  return out;
}

std::vector<RoundResult> gemm(const GemmProblem& p, Format out, const RoundOptions& opt) {
  std::vector<RoundResult> r;
  for (const Unpacked& u : gemm_exact(p, opt.mode)) r.push_back(round_to(out, u, opt));
  return r;
}

}  // namespace numguard::mpfr_ref
