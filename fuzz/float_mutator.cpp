#include "fuzz/float_mutator.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <iterator>

#include "fuzz/fuzz_input.h"
#include "fuzz/op_input.h"
#include "fuzz/value_stream.h"
#include "harness/engine/generators.h"
#include "harness/engine/op.h"

namespace numguard::fuzz {
namespace {

// splitmix64: the mutator's only source of choices, so a seed replays the same mutation.
class Rand {
 public:
  explicit Rand(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  uint64_t next() { return mix64(s_ += 0x9E3779B97F4A7C15ull); }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  int64_t between(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool one_in(uint64_t n) { return below(n) == 0; }
  template <class T, size_t N>
  T pick(const T (&a)[N]) {
    return a[below(N)];
  }

 private:
  uint64_t s_;
};

// The input under mutation. It grows only up to max_size, and only with bytes the decoders
// read the same way as before: header bytes past the end read as 0, so zero padding up to
// the header is invisible, and the stream repeats cyclically, so repeating it is too.
class Buffer {
 public:
  Buffer(uint8_t* d, size_t size, size_t max) : d_(d), size_(std::min(size, max)), max_(max) {}
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {d_, size_}; }
  bool changed() const { return changed_; }
  uint8_t u8(size_t at) const { return at < size_ ? d_[at] : 0; }
  uint16_t u16(size_t at) const { return static_cast<uint16_t>(u8(at) | (u8(at + 1) << 8)); }
  void set_u8(size_t at, uint8_t v) {
    if (at >= max_) return;  // a header byte beyond max_size stays 0
    pad(at + 1);
    changed_ |= d_[at] != v;
    d_[at] = v;
  }
  void set_u16(size_t at, uint16_t v) {
    set_u8(at, static_cast<uint8_t>(v));
    set_u8(at + 1, static_cast<uint8_t>(v >> 8));
  }
  void pad(size_t n) {
    n = std::min(n, max_);
    if (n <= size_) return;
    std::memset(d_ + size_, 0, n - size_);
    size_ = n;
    changed_ = true;
  }

  size_t stream_len(size_t header) const { return size_ > header ? size_ - header : 0; }
  // Repeats the value stream up to `want` bytes (as far as max_size allows), which leaves
  // every element within `want` decoding as before and gives each its own bytes. False when
  // no stream byte fits.
  bool unroll(size_t header, size_t want) {
    if (max_ <= header) return false;
    pad(header);
    const size_t old = stream_len(header), target = std::min(want, max_ - header);
    for (size_t i = old; i < target; ++i) d_[header + i] = old > 0 ? d_[header + i % old] : 0;
    if (target > old) {
      size_ = header + target;
      changed_ = true;
    }
    return stream_len(header) > 0;
  }
  // Element bits at stream offset `off`, little-endian, read cyclically as Stream does.
  uint64_t read(size_t header, size_t off, int width) const {
    const size_t len = stream_len(header);
    uint64_t v = 0;
    for (int i = 0; len > 0 && i < width; ++i)
      v |= static_cast<uint64_t>(d_[header + (off + i) % len]) << (8 * i);
    return v;
  }
  void write(size_t header, size_t off, int width, uint64_t v) {
    const size_t len = stream_len(header);
    for (int i = 0; len > 0 && i < width; ++i) {
      uint8_t& b = d_[header + (off + i) % len];
      const auto nb = static_cast<uint8_t>(v >> (8 * i));
      changed_ |= b != nb;
      b = nb;
    }
  }

 private:
  uint8_t* d_;
  size_t size_, max_;
  bool changed_ = false;
};

int mode_width(const FormatDesc& d, ValueMode m) {
  return m == ValueMode::unit ? 2 : m == ValueMode::small_int ? 1 : container_bytes(d);
}

// The op layout's 2-bit mode codes (fuzz/op_input.h): 0 keep the generator's values, 1 raw,
// 2 unit, 3 window.
constexpr int kKeepCode = 0;
ValueMode op_mode(int code) {
  return code == 1 ? ValueMode::raw : code == 2 ? ValueMode::unit : ValueMode::window;
}
int op_code(ValueMode m) {
  return m == ValueMode::raw ? 1 : m == ValueMode::unit ? 2 : 3;
}

// Header offsets of the two layouts.
constexpr size_t kShapeM = 1, kShapeN = 2, kShapeK = 3, kGemmModes = 5, kGemmPlant = 7;
constexpr size_t kGenerator = 1, kSeed = 2, kOpModes = 6, kOpPlant = 7, kPlantAt = 8;

struct Element {
  StreamOperand op;
  size_t index = 0;
  size_t offset = 0;  // in the stream
};

// Exponent-field arithmetic on a container's bits.
struct Fields {
  const FormatDesc& d;
  uint64_t field(uint64_t bits) const { return (bits >> d.frac_field_bits) & d.exp_field_max(); }
  uint64_t frac(uint64_t bits) const { return bits & d.frac_mask(); }
  uint64_t with_field(uint64_t bits, uint64_t f) const {
    const uint64_t mask = d.exp_field_max() << d.frac_field_bits;
    return (bits & ~mask) | ((f & d.exp_field_max()) << d.frac_field_bits);
  }
  // The largest exponent field of a finite normal (e4m3fn's top binade is finite except its
  // all-ones fraction, which is NaN).
  uint64_t top_finite() const { return d.exp_field_max() - (d.has_inf() ? 1 : 0); }
  bool finite_normal(uint64_t bits) const {
    const uint64_t f = field(bits);
    if (f < 1 || f > top_finite()) return false;
    return d.has_inf() || f < d.exp_field_max() || frac(bits) != d.frac_mask();
  }
};

class Mutator {
 public:
  Mutator(Buffer& buf, std::span<const KernelDesc* const> kernels, Rand& r)
      : buf_(buf), kernels_(kernels), r_(r) {}

  bool relayout() {
    layout_ = stream_layout(buf_.bytes(), kernels_);
    return layout_.has_value();
  }

  bool apply(Mutation m) {
    switch (m) {
      case Mutation::exponent_step:
        return exponent_step();
      case Mutation::exponent_edge:
        return exponent_edge();
      case Mutation::special_value:
        return special_value();
      case Mutation::tie:
        return tie();
      case Mutation::scale_operand:
        return scale_operand();
      case Mutation::shape:
        return layout_->reduction ? reduction_shape() : op_generator();
      case Mutation::value_modes:
        return value_modes();
      case Mutation::plant:
        return plant();
    }
    return false;
  }

 private:
  const StreamLayout& L() const { return *layout_; }

  // Sets the mode tensor `t` reads its elements in and decodes the header again.
  bool set_mode(int t, std::optional<ValueMode> mode) {  // nullopt: keep (op table only)
    if (L().reduction) {
      const auto v = static_cast<uint8_t>(mode.value_or(ValueMode::raw));
      buf_.set_u8(kGemmModes, static_cast<uint8_t>((buf_.u8(kGemmModes) & ~(3 << (2 * t))) |
                                                   (static_cast<int>(v) << (2 * t))));
    } else {
      const int code = mode ? op_code(*mode) : kKeepCode;
      buf_.set_u8(kOpModes,
                  static_cast<uint8_t>((buf_.u8(kOpModes) & ~(3 << (2 * t))) | (code << (2 * t))));
    }
    return relayout();
  }

  // An element of a random operand, read as raw bits (or, unless raw_only, window bits: raw
  // sign and fraction at a moderate exponent). An operand read as integers or kept from the
  // generator is switched first: the move it is about to make needs bit patterns.
  std::optional<Element> pick_element(bool raw_only) {
    if (L().operands.empty()) return std::nullopt;
    StreamOperand op = L().operands[r_.below(L().operands.size())];
    const bool fits =
        !op.keep && (op.mode == ValueMode::raw || (!raw_only && op.mode == ValueMode::window));
    if (!fits) {
      const ValueMode to = raw_only || r_.one_in(2) ? ValueMode::raw : ValueMode::window;
      if (!set_mode(op.tensor, to)) return std::nullopt;
      const auto it = std::find_if(L().operands.begin(), L().operands.end(),
                                   [&](const StreamOperand& o) { return o.tensor == op.tensor; });
      if (it == L().operands.end() || it->keep) return std::nullopt;
      op = *it;
    }
    if (op.elements == 0) return std::nullopt;
    Element e{op, pick_index(op), 0};
    e.offset = op.first + e.index * static_cast<size_t>(op.width);
    if (!buf_.unroll(L().header, e.offset + static_cast<size_t>(op.width))) return std::nullopt;
    return e;
  }

  // Positions worth more than their share: the first and last element, and the last term of
  // the reduction (a dropped or double-counted tail tile loses exactly those).
  size_t pick_index(const StreamOperand& op) {
    const size_t n = op.elements;
    switch (r_.below(8)) {
      case 0:
        return 0;
      case 1:
        return n - 1;
      case 2:
        if (L().reduction && op.tensor == 0 && L().k > 0) {
          const auto k = static_cast<size_t>(L().k);
          return std::min(n - 1, r_.below(n / k + 1) * k + k - 1);  // column k-1 of some row
        }
        return n - 1;
      default:
        return r_.below(n);
    }
  }

  uint64_t get(const Element& e) const {
    return buf_.read(L().header, e.offset, e.op.width) & desc(e.op.format).storage_mask();
  }
  void put(const Element& e, uint64_t bits) { buf_.write(L().header, e.offset, e.op.width, bits); }

  // Binade steps: the accumulator's overflow and underflow thresholds, the promised domain's
  // edge and the stagnation points (2048 ones in fp16) lie a few binades or a whole exponent
  // range away from where libFuzzer's byte flips leave an element.
  bool exponent_step() {
    const auto e = pick_element(false);
    if (!e) return false;
    const FormatDesc& d = desc(e->op.format);
    const Fields f{d};
    const uint64_t bits = get(*e);
    const auto span = static_cast<int64_t>(d.exp_field_max());
    int64_t step = r_.one_in(2) ? r_.between(1, 3) : r_.between(1, span);
    if (r_.one_in(2)) step = -step;
    auto field = static_cast<int64_t>(f.field(bits));
    int64_t to = std::clamp<int64_t>(field + step, 0, span);
    if (to == field) to = std::clamp<int64_t>(field - step, 0, span);
    uint64_t out = f.with_field(bits, static_cast<uint64_t>(to));
    // Field 0 is the subnormal binade: keep a nonzero fraction there, or the step made a zero.
    if (to == 0 && f.frac(out) == 0) out |= d.min_subnormal_bits();
    put(*e, out);
    return true;
  }

  // The ends of the exponent range: subnormals (flush-to-zero, DAZ, the absolute term of the
  // bound), the smallest normal binade, the largest finite binade (x^2, sums of squares and
  // exp overflow there) and the all-ones field (inf and NaN in IEEE formats).
  bool exponent_edge() {
    const auto e = pick_element(false);
    if (!e) return false;
    const FormatDesc& d = desc(e->op.format);
    const Fields f{d};
    uint64_t bits = get(*e);
    const uint64_t fields[] = {0, 1, f.top_finite(), d.exp_field_max()};
    const uint64_t to = r_.pick(fields);
    bits = f.with_field(bits, to);
    if (to == 0 && f.frac(bits) == 0) bits |= d.min_subnormal_bits();
    // e4m3fn: S.1111.111 is its only NaN; the top finite binade stops one fraction short.
    if (!d.has_inf() && to == f.top_finite() && f.frac(bits) == d.frac_mask() && r_.one_in(2))
      bits -= d.min_subnormal_bits();
    put(*e, bits);
    return true;
  }

  // Values a correct kernel must propagate or absorb exactly: NaN-dropping max reductions,
  // inf - inf in masked rows, -0 in sums, the largest finite value whose square overflows.
  bool special_value() {
    if (L().plant_slots > 0 && r_.one_in(3)) return plant();
    const auto e = pick_element(true);
    if (!e) return false;
    const FormatDesc& d = desc(e->op.format);
    const bool neg = r_.one_in(2);
    const uint64_t s = neg ? d.sign_mask() : 0;
    uint64_t bits = 0;
    switch (r_.below(7)) {
      case 0:
        bits = s;  // +-0
        break;
      case 1:
        bits = d.has_inf() ? d.inf_bits(neg) : d.nan_bits() | s;
        break;
      case 2:
        bits = d.nan_bits() | s;
        break;
      case 3:
        bits = d.min_subnormal_bits() | s;
        break;
      case 4:
        bits = d.min_normal_bits() | s;
        break;
      case 5:
        bits = d.max_finite_bits() | s;
        break;
      default:  // the largest subnormal: one step below the normal range
        bits = (d.min_normal_bits() - d.min_subnormal_bits()) | s;
        break;
    }
    put(*e, bits);
    return true;
  }

  // The formats a kernel's values are rounded into on the way, narrower than its inputs:
  // where ties decide the result (RNE against RNA or truncation in float -> bf16 and
  // __float_to_tf32, double rounding through an intermediate format).
  std::vector<Format> rounding_formats(Format in) const {
    const Recipe& rc = L().kernel->recipe;
    std::vector<Format> fs;
    const std::optional<Format> all[] = {
        rc.input_cast,
        rc.product,
        rc.acc,
        rc.out,
        rc.stage,
        rc.shape.order == Order::split_k ? std::optional<Format>(rc.shape.partial) : std::nullopt};
    for (const auto& f : all)
      if (f && desc(*f).precision < desc(in).precision &&
          std::find(fs.begin(), fs.end(), *f) == fs.end())
        fs.push_back(*f);
    return fs;
  }

  // One element exactly halfway between two neighbours of a narrower rounding format (or one
  // unit of the element's own format either side of that): RNE, RNA and truncation give
  // three different answers there, which random bits almost never produce.
  bool tie() {
    if (L().operands.empty()) return false;
    const auto e = pick_element(false);
    if (!e) return false;
    const std::vector<Format> fs = rounding_formats(e->op.format);
    if (fs.empty()) return false;
    const FormatDesc& d = desc(e->op.format);
    const FormatDesc& rd = desc(fs[r_.below(fs.size())]);
    const int half = d.frac_field_bits - rd.precision;  // R's half-unit bit in the container
    if (half < d.pad_bits()) return false;
    // An exponent normal in both formats (window mode reads the field mod 16, minus 8).
    int64_t lo = std::max(rd.emin(), d.emin()), hi = std::min(rd.emax(), d.emax());
    if (e->op.mode == ValueMode::window)
      lo = std::max<int64_t>(lo, -8), hi = std::min<int64_t>(hi, 7);
    if (lo > hi) return false;
    // Half the time near 1, where unit and generator values live.
    const int64_t near_lo = std::max<int64_t>(lo, -3), near_hi = std::min<int64_t>(hi, 3);
    const int64_t exp =
        near_lo <= near_hi && r_.one_in(2) ? r_.between(near_lo, near_hi) : r_.between(lo, hi);
    const uint64_t field = e->op.mode == ValueMode::window ? static_cast<uint64_t>(exp + 8)
                                                           : static_cast<uint64_t>(exp + d.bias());
    const Fields f{d};
    uint64_t bits = f.with_field(get(*e), field);
    const uint64_t half_bit = uint64_t{1} << half, ulp = d.min_subnormal_bits();
    const uint64_t kept = d.frac_mask() & ~((half_bit << 1) - 1);
    uint64_t frac = (f.frac(bits) & kept) ^ (r_.one_in(2) ? half_bit << 1 : 0);  // odd or even
    frac &= d.frac_mask();
    switch (r_.below(4)) {
      case 0:
        frac |= half_bit + ulp;  // just above the tie
        if (half_bit == ulp) frac = (frac & kept) | half_bit;
        break;
      case 1:
        frac |= half_bit - ulp;  // just below it
        break;
      default:
        frac |= half_bit;
    }
    put(*e, (bits & ~d.frac_mask()) | (frac & d.frac_mask()));
    return true;
  }

  // Every element of one operand times 2^k: the same case moved towards the accumulator's
  // overflow or underflow threshold (loss reductions overflowing fp16, fp8 scales of tiny
  // amax, epsilons that underflow relative to the data), keeping its relative structure.
  bool scale_operand() {
    if (L().operands.empty()) return false;
    const auto e = pick_element(false);  // switches an integer or kept operand to bits
    if (!e) return false;
    const StreamOperand op = e->op;
    const FormatDesc& d = desc(op.format);
    const Fields f{d};
    buf_.unroll(L().header, op.end());
    const auto span = static_cast<int64_t>(d.exp_field_max());
    int64_t k = r_.one_in(3) ? r_.between(5, std::max<int64_t>(5, span / 2)) : r_.between(1, 4);
    if (r_.one_in(2)) k = -k;
    const size_t len = buf_.stream_len(L().header);
    std::vector<bool> touched(len, false);  // a short stream's elements share bytes
    for (size_t i = 0; i < op.elements; ++i) {
      const size_t off = op.first + i * static_cast<size_t>(op.width);
      bool shared = false;
      for (int b = 0; b < op.width; ++b) shared = shared || touched[(off + b) % len];
      if (shared) continue;
      for (int b = 0; b < op.width; ++b) touched[(off + b) % len] = true;
      const uint64_t bits = buf_.read(L().header, off, op.width) & d.storage_mask();
      const auto field = static_cast<int64_t>(f.field(bits)), to = field + k;
      if (to < 0 || to > span) continue;
      const uint64_t out = f.with_field(bits, static_cast<uint64_t>(to));
      if (op.mode == ValueMode::window) {
        // The window reads the field mod 16, minus 8: a scale that wraps is no scale.
        if (field % 16 + k < 0 || field % 16 + k > 15) continue;
      } else if (!f.finite_normal(bits) || !f.finite_normal(out)) {
        continue;  // zeros, subnormals and specials stay; so does what would leave the range
      }
      buf_.write(L().header, off, op.width, out);
    }
    return true;
  }

  // K at the tile, block, split and lane boundaries of the recipe and of common tilings
  // (16 .. 256), and one either side: dropped or double-counted tail tiles, split-K chunk
  // edges and shuffle offsets only show at those K.
  bool reduction_shape() {
    const Accumulation& a = L().kernel->recipe.shape;
    std::vector<int64_t> tiles = {16, 32, 64, 128, 256};
    for (int t : {a.block, a.fanin, a.lanes, a.splits})
      if (t > 1) tiles.push_back(t);
    const OpInfo* op = find_op(L().kernel->op);
    if (op && op->fuzz.mn_from_bytes && r_.one_in(3)) {
      const int64_t sizes[] = {1, 2, 7, 8};
      const int64_t m = r_.one_in(2) ? r_.pick(sizes) : r_.between(1, kMaxMn);
      const int64_t n = r_.one_in(2) ? r_.pick(sizes) : r_.between(1, kMaxMn);
      buf_.set_u8(kShapeM, static_cast<uint8_t>(m - 1));
      buf_.set_u8(kShapeN, static_cast<uint8_t>(n - 1));
      return buf_.changed();
    }
    int64_t k;
    if (r_.one_in(8)) {
      k = r_.between(0, 3);
    } else {
      const int64_t t = tiles[r_.below(tiles.size())];
      const int64_t mult = r_.one_in(2) ? 1 : r_.between(1, std::max<int64_t>(1, kMaxK / t));
      k = std::clamp<int64_t>(t * mult + r_.between(-1, 1), 0, kMaxK);
    }
    if (a.order == Order::split_k && a.splits > 1 && r_.one_in(4))  // a chunk of one term
      k = a.splits * r_.between(1, kMaxK / a.splits) + 1;
    buf_.set_u16(kShapeK, static_cast<uint16_t>(std::min<int64_t>(k, kMaxK)));
    return buf_.changed();
  }

  // The op-table ops take their shape from their generator: tile_edges puts rows at block
  // and warp multiples +-1, near_overflow and subnormal_heavy put values at the range ends
  // (sums of squares overflowing, epsilons underflowing), special plants inf and NaN (masked
  // rows, NaN-dropping max). A new seed is a new case of the same kind.
  bool op_generator() {
    const auto gens = case_generators();
    const std::string_view favoured[] = {"tile_edges",    "near_overflow", "subnormal_heavy",
                                         "special",       "log_uniform",   "ill_conditioned",
                                         "small_integers"};
    if (r_.below(3) != 0) {
      const std::string_view want =
          r_.one_in(4) ? gens[r_.below(gens.size())].name : r_.pick(favoured);
      for (size_t i = 0; i < gens.size(); ++i)
        if (gens[i].name == want) buf_.set_u8(kGenerator, static_cast<uint8_t>(i));
    }
    if (!buf_.changed() || r_.one_in(2)) {
      const uint32_t seed = r_.one_in(2) ? static_cast<uint32_t>(r_.between(0, 63))
                                         : static_cast<uint32_t>(r_.next());
      for (int i = 0; i < 4; ++i) buf_.set_u8(kSeed + i, static_cast<uint8_t>(seed >> (8 * i)));
    }
    return buf_.changed();
  }

  // raw reaches every special and binade; unit and window keep values where neither the
  // accumulator nor the domain limit interferes; small integers make sums exact (so any
  // error at all is the kernel's); the op table's keep uses its generator's structured cases.
  bool value_modes() {
    if (L().reduction) {
      // The operands the explicit layout fills: a, then b and C where the op's schema has them.
      const OpInfo* op = find_op(L().kernel->op);
      const int tensors = !op ? 1 : static_cast<int>(op->schema.operands.size());
      const int t = static_cast<int>(r_.below(static_cast<uint64_t>(tensors)));
      const auto cur = static_cast<uint64_t>((buf_.u8(kGemmModes) >> (2 * t)) & 3);
      set_mode(t, static_cast<ValueMode>((cur + 1 + r_.below(3)) & 3));
    } else {
      if (L().operands.empty()) return false;
      const int t = L().operands[r_.below(L().operands.size())].tensor;
      const int cur = (buf_.u8(kOpModes) >> (2 * t)) & 3;
      const int code = static_cast<int>((cur + 1 + r_.below(3)) & 3);
      set_mode(t, code == kKeepCode ? std::nullopt : std::optional(op_mode(code)));
    }
    return buf_.changed();
  }

  // The header's plant: one special value among otherwise ordinary (structured) values,
  // where a single NaN or inf is the whole test; often at the last term of the reduction.
  bool plant() {
    const size_t slots = L().plant_slots;
    if (slots == 0) return false;
    const size_t at_plant = L().reduction ? kGemmPlant : kOpPlant;
    const auto kind = static_cast<uint8_t>(r_.between(1, 7));
    buf_.set_u8(at_plant, static_cast<uint8_t>((buf_.u8(at_plant) & ~7) | kind));
    size_t pos = r_.below(slots);
    if (r_.one_in(3)) pos = r_.one_in(2) ? 0 : slots - 1;
    if (L().reduction && L().k > 0 && r_.one_in(3))
      pos = std::min(slots - 1, r_.below(static_cast<size_t>(L().m)) * static_cast<size_t>(L().k) +
                                    static_cast<size_t>(L().k) - 1);
    buf_.set_u16(kPlantAt, static_cast<uint16_t>(pos));
    return buf_.changed();
  }

  Buffer& buf_;
  std::span<const KernelDesc* const> kernels_;
  Rand& r_;
  std::optional<StreamLayout> layout_;
};

// How often each mutation is chosen: the element-level moves most, since most inputs differ
// from a failing one in a few values.
constexpr int kWeights[kMutationKinds] = {3, 2, 2, 2, 2, 3, 2, 2};

Mutation pick_mutation(Rand& r) {
  int total = 0;
  for (int w : kWeights) total += w;
  auto x = static_cast<int>(r.below(static_cast<uint64_t>(total)));
  for (int i = 0; i < kMutationKinds; ++i) {
    if (x < kWeights[i]) return static_cast<Mutation>(i);
    x -= kWeights[i];
  }
  return Mutation::exponent_step;
}

}  // namespace

std::string_view name(Mutation m) {
  constexpr std::string_view kNames[kMutationKinds] = {
      "exponent_step", "exponent_edge", "special_value", "tie",
      "scale_operand", "shape",         "value_modes",   "plant"};
  return kNames[static_cast<size_t>(m) % kMutationKinds];
}

std::optional<StreamLayout> stream_layout(std::span<const uint8_t> data,
                                          std::span<const KernelDesc* const> kernels) {
  if (data.empty() || kernels.empty()) return std::nullopt;
  StreamLayout L;
  L.kernel = kernels[data[0] % kernels.size()];
  L.reduction = explicit_layout(*L.kernel);
  size_t at = 0;
  auto add = [&](int t, const Tensor& x, std::optional<ValueMode> mode) {
    if (x.empty()) return;
    StreamOperand o;
    o.tensor = t;
    o.format = x.format;
    o.keep = !mode;
    o.mode = mode.value_or(ValueMode::raw);
    o.first = at;
    o.elements = x.size();
    o.width = mode ? mode_width(desc(x.format), *mode) : 0;
    at = o.end();
    L.operands.push_back(o);
  };
  if (L.reduction) {
    // The decoder itself says what the header means, so the two can never disagree.
    const std::optional<GemmInput> in = decode_gemm_input(data, kernels);
    if (!in) return std::nullopt;
    const Problem& p = in->problem;
    L.header = kHeaderBytes;
    L.m = p.m, L.n = p.n, L.k = p.k;
    add(0, p.a, in->modes[0]);
    add(1, p.b, in->modes[1]);
    add(2, p.c, in->modes[2]);
    L.plant_slots = p.a.size() + p.b.size();
  } else {
    if (!find_op(L.kernel->op)) return std::nullopt;
    const std::optional<OpInput> in = decode_op_input(data, kernels);
    if (!in) return std::nullopt;
    const Problem& p = in->problem;
    L.header = kOpHeaderBytes;
    L.m = p.m, L.n = p.n, L.k = p.k;
    const Tensor* ts[] = {&p.a, &p.b, &p.c, &p.d};
    for (int t = 0; t < 4; ++t) {
      const int code = (in->modes >> (2 * t)) & 3;
      add(t, *ts[t], code == kKeepCode ? std::nullopt : std::optional(op_mode(code)));
    }
    L.plant_slots = p.a.size();
  }
  return L;
}

std::optional<size_t> apply_mutation(Mutation m, uint8_t* data, size_t size, size_t max_size,
                                     unsigned seed, std::span<const KernelDesc* const> kernels) {
  if (max_size == 0 || kernels.empty() || data == nullptr) return std::nullopt;
  Rand r(seed);
  Buffer buf(data, size, max_size);
  try {
    if (buf.size() == 0) buf.set_u8(0, static_cast<uint8_t>(r.next()));  // empty: no case
    Mutator mut(buf, kernels, r);
    if (!mut.relayout()) return buf.changed() ? std::optional(buf.size()) : std::nullopt;
    if (mut.apply(m) || buf.changed()) return buf.size();
  } catch (const std::exception&) {
    // A generator that throws on some header: what was written is still a valid input.
    if (buf.changed()) return buf.size();
  }
  return std::nullopt;
}

size_t float_mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed,
                    std::span<const KernelDesc* const> kernels,
                    size_t (*fallback)(uint8_t*, size_t, size_t)) {
  Rand r(seed);
  // One call in three is libFuzzer's own: its byte flips, cross-overs and comparison-guided
  // insertions find what no float-aware move knows about.
  if (!r.one_in(3)) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      const Mutation m = pick_mutation(r);
      if (const auto s =
              apply_mutation(m, data, size, max_size, static_cast<unsigned>(r.next()), kernels))
        return std::min(*s, max_size);
    }
  }
  if (fallback) return std::min(fallback(data, size, max_size), max_size);
  return std::min(size, max_size);
}

}  // namespace numguard::fuzz
