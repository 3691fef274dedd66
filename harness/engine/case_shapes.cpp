#include "harness/engine/case_shapes.h"

#include <charconv>

#include <fmt/format.h>

namespace numguard {
namespace {

// Every operand, and the output, at most this many elements: LLaMA-7B's 4096 x 11008 weights
// and 2048 x 32000 logits (shape_sets.h), verified at a sample (output_sampling.h); a case
// that size holds a few GiB while it is checked.
constexpr int64_t kMaxDim = int64_t{1} << 26;
constexpr int64_t kMaxElements = int64_t{1} << 26;

std::vector<std::string>& shapes() {
  static std::vector<std::string> s;
  return s;
}
thread_local const ShapeRequest* t_forced = nullptr;

std::optional<int64_t>& slot(ShapeRequest& r, Dim d) {
  return d == Dim::m ? r.m : d == Dim::n ? r.n : r.k;
}

}  // namespace

std::vector<Dim> free_dims(const OpInfo& op) {
  std::vector<Dim> v;
  for (const auto& [d, meaning] : op.schema.dims) {
    bool fixed = false;
    for (const auto& [f, value] : op.schema.fixed) fixed = fixed || f == d;
    if (!fixed) v.push_back(d);
  }
  return v;
}

std::string shape_form(const OpInfo& op) {
  std::string form, meaning;
  for (const auto& [d, what] : op.schema.dims) {
    bool fixed = false;
    for (const auto& [f, value] : op.schema.fixed) fixed = fixed || f == d;
    if (fixed) continue;
    std::string upper(name(d));
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    form += (form.empty() ? "" : "x") + upper;
    meaning += fmt::format("{}{} = {}", meaning.empty() ? "" : ", ", name(d), what);
  }
  return fmt::format("{} ({})", form, meaning);
}

std::string parse_shape(const OpInfo& op, std::string_view text, ShapeRequest* out) {
  const std::vector<Dim> dims = free_dims(op);
  ShapeRequest r;
  size_t i = 0;
  std::string_view rest = text;
  while (true) {
    const size_t x = rest.find('x');
    const std::string_view part = rest.substr(0, x);
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v < 1 ||
        v > kMaxDim || i >= dims.size())
      return fmt::format("--shape {}: {} takes {}, each size in 1..{}", text, op.name,
                         shape_form(op), kMaxDim);
    slot(r, dims[i++]) = v;
    if (x == std::string_view::npos) break;
    rest = rest.substr(x + 1);
  }
  if (i != dims.size())
    return fmt::format("--shape {}: {} takes {}", text, op.name, shape_form(op));
  Problem p;
  for (Dim d : {Dim::m, Dim::n, Dim::k}) {
    int64_t value = 1;
    for (const auto& [f, fixed] : op.schema.fixed)
      if (f == d) value = fixed;
    if (const auto& s = slot(r, d)) value = *s;
    (d == Dim::m ? p.m : d == Dim::n ? p.n : p.k) = value;
  }
  int64_t largest = Tensor::count(op.out_shape(p));
  for (const Operand& o : op.schema.operands) largest = std::max(largest, o.count(p));
  if (largest > kMaxElements)
    return fmt::format("--shape {}: an operand of {} would hold {} elements; at most {} (2^26)",
                       text, op.name, largest, kMaxElements);
  if (out) *out = r;
  return "";
}

void set_case_shapes(std::vector<std::string> texts) {
  shapes() = std::move(texts);
}
namespace {
const ShapeSet* g_set = nullptr;
}  // namespace

void set_case_shape_set(const ShapeSet* set) {
  g_set = set;
}
const ShapeSet* case_shape_set() {
  return g_set;
}
std::vector<std::string> case_shapes(std::string_view op) {
  return g_set ? set_shapes(*g_set, op) : shapes();
}

std::optional<int64_t> forced_dim(Dim d) {
  if (!t_forced) return std::nullopt;
  return d == Dim::m ? t_forced->m : d == Dim::n ? t_forced->n : t_forced->k;
}

ForcedShape::ForcedShape(const ShapeRequest& r) : previous_(t_forced) {
  t_forced = &r;
}
ForcedShape::~ForcedShape() {
  t_forced = previous_;
}

}  // namespace numguard
