#include "harness/engine/user_inputs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include "harness/core/rounding.h"
#include "harness/engine/reproducer_file.h"
#include "references/mx_block.h"

namespace numguard {
namespace {

std::vector<InputCase> g_cases;
BitsAs g_as = BitsAs::none;
std::string g_path;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string t;
  for (int64_t d : s) t += (t.empty() ? "" : " x ") + std::to_string(d);
  return t.empty() ? "a scalar" : t;
}

[[noreturn]] void bad(const InputCase& c, const std::string& why) {
  throw std::invalid_argument(c.source + ": " + why);
}

// The tensors of c by name: exact match first, then case-insensitive; each used once.
class Members {
 public:
  explicit Members(const InputCase& c) : c_(c), used_(c.tensors.size(), false) {}
  const FileTensor* take(const std::string& name) {
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 0; i < c_.tensors.size(); ++i) {
        const std::string& n = c_.tensors[i].name;
        if (!used_[i] && (pass == 0 ? n == name : lower(n) == lower(name))) {
          used_[i] = true;
          return &c_.tensors[i];
        }
      }
    return nullptr;
  }
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < used_.size(); ++i)
      if (!used_[i]) out.push_back(c_.tensors[i].name.empty() ? "(unnamed)" : c_.tensors[i].name);
    return out;
  }

 private:
  const InputCase& c_;
  std::vector<bool> used_;
};

// What the op reads from a file, for messages: "A (m x k), B (k x n), C (m x n, when beta != 0)".
std::string expected_members(const OpInfo& op) {
  std::string s;
  for (const Operand& o : op.schema.operands)
    s += fmt::format("{}{} ({}{})", s.empty() ? "" : ", ", o.name, o.shape_text(),
                     o.presence == Presence::optional    ? ", optional"
                     : o.presence == Presence::with_beta ? ", when beta != 0"
                     : o.fill                            ? fmt::format(", default {}", *o.fill)
                                                         : "");
  if (op.schema.lengths)
    s += fmt::format(", {} ({} integers)", op.schema.lengths->name, name(op.schema.lengths->count));
  for (const Scalar& sc : op.schema.scalars)
    s += fmt::format(", {} (scalar{})", sc.name, sc.fallback ? ", optional" : "");
  if (op.schema.alpha_beta) s += ", alpha, beta (scalars, default 1 and 0)";
  return s;
}

// The tensor's shape as the operand's rank reads it (see user_inputs.h); nullopt: no reading.
std::optional<std::vector<int64_t>> fit_rank(const OpSchema& schema, const Operand& o,
                                             const std::vector<int64_t>& s) {
  const size_t r = o.shape.size();
  if (s.size() == r) return s;
  if (r == 2 && s.size() > 2) {
    int64_t rows = 1;
    for (size_t i = 0; i + 1 < s.size(); ++i) rows *= s[i];
    return std::vector<int64_t>{rows, s.back()};
  }
  auto fixed_one = [&](Dim d) {
    return std::any_of(schema.fixed.begin(), schema.fixed.end(),
                       [&](const auto& f) { return f.first == d && f.second == 1; });
  };
  if (r == 2 && s.size() == 1) {
    if (fixed_one(o.shape[1]) && !fixed_one(o.shape[0])) return std::vector<int64_t>{s[0], 1};
    return std::vector<int64_t>{1, s[0]};
  }
  if (r == 1 && s.size() > 1) {
    int64_t big = 1, non_one = 0;
    for (int64_t d : s)
      if (d != 1) {
        big = d;
        ++non_one;
      }
    if (non_one <= 1) return std::vector<int64_t>{big};
  }
  return std::nullopt;
}

std::string type_name(const FileTensor& t) {
  switch (t.type) {
    case ElementType::f64:
      return "float64";
    case ElementType::f32:
      return "float32";
    case ElementType::f16:
      return "float16";
    case ElementType::bf16:
      return "bfloat16";
    case ElementType::e4m3:
      return "float8_e4m3";
    case ElementType::e5m2:
      return "float8_e5m2";
    case ElementType::e8m0:
      return "float8_e8m0fnu";
    case ElementType::u16:
      return "uint16";
    case ElementType::integer:
      return fmt::format("{}int{}", t.is_signed ? "" : "u", 8 * t.item_bytes);
    case ElementType::boolean:
      return "bool";
  }
  return t.dtype;
}

// The format the tensor's bits already are in, if any.
std::optional<Format> native_format(const FileTensor& t, BitsAs as) {
  switch (t.type) {
    case ElementType::f16:
      return Format::fp16;
    case ElementType::bf16:
      return Format::bf16;
    case ElementType::e4m3:
      return Format::e4m3;
    case ElementType::e5m2:
      return Format::e5m2;
    case ElementType::e8m0:
      return Format::e8m0;
    case ElementType::f32:
      return Format::fp32;
    case ElementType::f64:
      return Format::fp64;
    case ElementType::u16:
      if (as == BitsAs::bf16) return Format::bf16;
      if (as == BitsAs::fp16) return Format::fp16;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool uint8(const FileTensor& t) {
  return t.type == ElementType::integer && t.item_bytes == 1 && !t.is_signed;
}

// An e2m1 operand given as uint8: two elements per byte.
bool packed_fp4(const FileTensor& t, Format f) {
  return f == Format::e2m1 && uint8(t);
}

// t's elements in format f: bit for bit when t is already in f, else rounded to nearest even.
Tensor convert_tensor(const InputCase& c, const Operand& o, const FileTensor& t, Format f,
                      std::vector<int64_t> shape, BitsAs as, std::vector<std::string>* notes) {
  if (t.type == ElementType::u16 && as == BitsAs::none)
    bad(c, fmt::format("{} is uint16: say which format its bit patterns are in with --as bf16 or "
                       "--as fp16",
                       o.name));
  Tensor out(f, std::move(shape));
  const std::optional<Format> native = native_format(t, as);
  const int64_t n = t.count();
  // fp4 stored two to a byte along the last dimension, the first element in the low nibble
  // (PyTorch's float4_e2m1fn_x2, NVFP4 checkpoints' uint8 weights).
  if (packed_fp4(t, f)) {
    if (out.bits.size() != static_cast<size_t>(2 * n))
      bad(c, fmt::format("{}: {} uint8 values cannot hold its {} e2m1 elements", o.name, n,
                         out.bits.size()));
    for (int64_t i = 0; i < n; ++i) {
      out.bits[static_cast<size_t>(2 * i)] = t.raw(i) & 0xf;
      out.bits[static_cast<size_t>(2 * i + 1)] = t.raw(i) >> 4;
    }
    if (notes)
      notes->push_back(
          fmt::format("{}: {} {} uint8 values unpacked into {} e2m1 elements (low "
                      "nibble first)",
                      c.source, o.name, n, 2 * n));
    return out;
  }
  // UE4M3 scales as bytes: float8_e4m3fn (NVFP4 checkpoints' weight_scale) or uint8. The
  // format has no sign bit; a byte with the top bit set is refused rather than guessed at.
  if (f == Format::ue4m3 && (t.type == ElementType::e4m3 || uint8(t))) {
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t b = t.raw(i);
      if (b > 0x7f)
        bad(c, fmt::format("{} holds the byte 0x{:02x} at index {}: UE4M3 scales have no sign bit "
                           "(the top bit must be 0)",
                           o.name, b, i));
      out.bits[static_cast<size_t>(i)] = b;
    }
    return out;
  }
  // E8M0 scales stored as their exponent bytes (PyTorch's float8_e8m0fnu viewed as uint8).
  if (f == Format::e8m0 && uint8(t)) {
    for (int64_t i = 0; i < n; ++i) out.bits[static_cast<size_t>(i)] = t.raw(i);
    if (notes)
      notes->push_back(
          fmt::format("{}: {} {} uint8 values taken as E8M0 exponent bytes", c.source, o.name, n));
    return out;
  }
  if (native == f && f != Format::tf32) {
    for (int64_t i = 0; i < n; ++i) out.bits[static_cast<size_t>(i)] = t.raw(i);
    return out;
  }
  int64_t changed = 0, overflowed = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = native ? decode(*native, t.raw(i)) : t.value(i);
    const RoundResult r = round_double(f, v);
    out.bits[static_cast<size_t>(i)] = r.bits;
    const double back = decode(f, r.bits);
    if (!(back == v || (std::isnan(back) && std::isnan(v)))) ++changed;
    if (std::isinf(back) && std::isfinite(v)) ++overflowed;
  }
  if (notes)
    notes->push_back(
        fmt::format("{}: {} {} {} value{} rounded to {} (nearest even): {} changed{}", c.source,
                    o.name, n, native ? name(*native) : type_name(t), n == 1 ? "" : "s", name(f),
                    changed == 0 ? std::string("none") : std::to_string(changed),
                    overflowed ? fmt::format(", {} overflowed to inf", overflowed) : ""));
  return out;
}

// A block-scale operand: cuBLASLt reads it in its blocked layout, which `X.blocked` names.
bool blocked_layout(const Operand& o) {
  return o.shape.size() == 2 &&
         (o.format == OperandFormat::scale || o.format == OperandFormat::scale_ue4m3);
}

// Scales in cuBLAS's blocked layout (mx::blocked_scale_index): R rows (A's m rows, B's n
// columns) x C blocks along k.
Tensor unblocked(const InputCase& c, const Operand& o, const FileTensor& t, Format f,
                 const std::vector<int64_t>& shape, BitsAs as, std::vector<std::string>* notes) {
  // SA is m x kb; SB is kb x n, and the layout holds its transpose (n rows of kb blocks).
  const bool k_first = derived(o.shape[0]);
  const int64_t rows = k_first ? shape[1] : shape[0], cols = k_first ? shape[0] : shape[1];
  const int64_t need = mx::blocked_scale_count(rows, cols);
  if (t.count() != need)
    bad(c, fmt::format("{} holds {} scales; {} x {} scales in cuBLAS's blocked layout (128 x 4 "
                       "tiles, padded) take {}",
                       t.name, t.count(), rows, cols, need));
  const Tensor flat = convert_tensor(c, o, t, f, {need}, as, notes);
  Tensor out(f, shape);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t b = 0; b < cols; ++b)
      out.bits[static_cast<size_t>(k_first ? b * rows + r : r * cols + b)] =
          flat.bits[static_cast<size_t>(mx::blocked_scale_index(r, b, cols))];
  if (notes)
    notes->push_back(fmt::format("{}: {} read from cuBLAS's blocked layout ({}, {} x {} scales)",
                                 c.source, o.name, t.name, rows, cols));
  return out;
}

std::optional<double> scalar_member(const InputCase& c, Members& m, const std::string& name) {
  const FileTensor* t = m.take(name);
  if (!t) return std::nullopt;
  if (t->count() != 1)
    bad(c, fmt::format("{} must be a scalar (a 0-d or one-element array), not {}", name,
                       shape_str(t->shape)));
  if (t->type == ElementType::u16) bad(c, name + " must be a float or integer scalar");
  return t->value(0);
}

}  // namespace

std::vector<InputCase> load_input_cases(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<InputCase> out;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(path, ec))
      if (e.is_regular_file() && is_tensor_file_name(e.path().string()))
        files.push_back(e.path().string());
    if (ec) throw TensorFileError(path + ": cannot list the directory: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty())
      throw TensorFileError(path + ": the directory holds no .npy, .npz or .safetensors file");
    for (const std::string& f : files) out.push_back({f, read_tensor_file(f)});
    return out;
  }
  if (!fs::exists(path, ec)) throw TensorFileError(path + ": no such file or directory");
  out.push_back({path, read_tensor_file(path)});
  return out;
}

Problem input_problem(const KernelDesc& k, const InputCase& c, BitsAs as,
                      std::vector<std::string>* notes) {
  const OpInfo* op = find_op(k.op);
  if (!op) bad(c, "kernel " + k.name + " has no op in the table");
  const OpSchema& schema = op->schema;
  Members members(c);
  // A lone .npy is the op's first operand.
  const bool lone = c.tensors.size() == 1 && c.tensors.front().name.empty();
  // A member the op does not read is most likely a misnamed operand: said first.
  std::vector<std::string> known;
  for (const Operand& o : schema.operands) {
    known.push_back(lower(o.name));
    if (o.shape.size() == 2) known.push_back(lower(o.name) + ".t");  // given transposed
    if (blocked_layout(o)) known.push_back(lower(o.name) + ".blocked");
  }
  for (const Scalar& sc : schema.scalars) known.push_back(lower(sc.name));
  if (schema.lengths) known.push_back(lower(schema.lengths->name));
  if (schema.alpha_beta) known.insert(known.end(), {"alpha", "beta"});
  std::vector<std::string> unknown;
  for (const FileTensor& t : c.tensors)
    if (!lone && std::find(known.begin(), known.end(), lower(t.name)) == known.end())
      unknown.push_back(t.name);
  if (!unknown.empty())
    bad(c, fmt::format("member{} {} {} not read by {} (it reads {})",
                       unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "),
                       unknown.size() == 1 ? "is" : "are", op->name, expected_members(*op)));
  std::map<Dim, int64_t> dims(schema.fixed.begin(), schema.fixed.end());
  struct Placed {
    const Operand* operand;
    const FileTensor* tensor;
    std::vector<int64_t> shape;  // the operand's
    bool transposed = false;     // the member is X.T: the file holds the transpose
    bool blocked = false;        // the member is X.blocked: cuBLAS's blocked scale layout
  };
  std::vector<Placed> placed;
  for (const Operand& o : schema.operands) {
    const FileTensor* t =
        lone && &o == &schema.operands.front() ? &c.tensors.front() : members.take(o.name);
    if (lone && &o == &schema.operands.front()) members.take("");
    // X.T: a rank-2 operand stored transposed (checkpoint weights are out x in, B is in x out).
    const FileTensor* tt = o.shape.size() == 2 && !lone ? members.take(o.name + ".T") : nullptr;
    if (t && tt)
      bad(c, fmt::format("both {} and {}: give {} or its transpose, not both", t->name, tt->name,
                         o.name));
    const bool transposed = tt != nullptr;
    if (transposed) t = tt;
    // X.blocked: scales as cuBLASLt reads them; its shape follows from m, n and k (below).
    const FileTensor* tb = blocked_layout(o) ? members.take(o.name + ".blocked") : nullptr;
    if (tb && t)
      bad(c, fmt::format("both {} and {}: give {} in one layout", t->name, tb->name, o.name));
    if (tb) {
      placed.push_back({&o, tb, {}, false, true});
      continue;
    }
    if (!t) {
      placed.push_back({&o, nullptr, {}});
      continue;
    }
    if (transposed && t->shape.size() != 2)
      bad(c, fmt::format("{} is {}: a transposed operand must be 2-d ({} is {})", t->name,
                         shape_str(t->shape), o.name, o.shape_text()));
    std::vector<int64_t> file_shape = t->shape;
    const bool packed = packed_fp4(*t, operand_format(o.format, k.recipe.in, k.recipe.out));
    if (packed && !file_shape.empty()) file_shape.back() *= 2;  // two elements per byte
    if (transposed) std::swap(file_shape[0], file_shape[1]);
    // How the tensor reads, for messages: a packed one with the bytes it came from, a
    // transposed one with the member's own shape.
    const auto shown = [&](const std::vector<int64_t>& elements) {
      std::string s = shape_str(elements);
      if (transposed)
        s += fmt::format(" (given as {}: {}{})", t->name, shape_str(t->shape),
                         packed ? " uint8, two e2m1 per byte" : "");
      else if (packed)
        s += fmt::format(" (uint8 {}: two e2m1 per byte)", shape_str(t->shape));
      return s;
    };
    const auto shape = fit_rank(schema, o, file_shape);
    if (!shape)
      bad(c, fmt::format("{} is {}; {}'s {} is {}", o.name, shown(file_shape), op->name, o.name,
                         o.shape_text()));
    for (size_t j = 0; j < o.shape.size(); ++j) {
      if (derived(o.shape[j])) continue;  // checked against m, n, k below
      const auto [it, fresh] = dims.emplace(o.shape[j], (*shape)[j]);
      if (!fresh && it->second != (*shape)[j])
        bad(c, fmt::format("{} is {}, which makes {} = {}, but {} = {} already ({}: {})", o.name,
                           shown(*shape), name(o.shape[j]), (*shape)[j], name(o.shape[j]),
                           it->second, op->name, expected_members(*op)));
    }
    placed.push_back({&o, t, *shape, transposed});
  }
  Problem p;
  for (const auto& [d, v] : dims) (d == Dim::m ? p.m : d == Dim::n ? p.n : p.k) = v;
  for (const Placed& pl : placed)
    for (size_t j = 0; pl.tensor && !pl.blocked && j < pl.operand->shape.size(); ++j)
      if (const Dim d = pl.operand->shape[j]; derived(d) && pl.shape[j] != value(d, p))
        bad(c, fmt::format("{} is {}, but {} = {} needs {} = {}", pl.operand->name,
                           shape_str(pl.shape), "k", p.k, name(d), value(d, p)));
  for (const auto& [d, meaning] : schema.dims)
    if (!dims.count(d))
      bad(c, fmt::format("no member gives {}'s dimension {} ({}); {} reads {}", op->name, name(d),
                         meaning, op->name, expected_members(*op)));
  if (schema.alpha_beta) {
    p.alpha = scalar_member(c, members, "alpha").value_or(1.0);
    p.beta = scalar_member(c, members, "beta").value_or(0.0);
  }
  Tensor* slots[] = {&p.a, &p.b, &p.c, &p.d};
  for (const Placed& pl : placed) {
    const Operand& o = *pl.operand;
    const Format f = operand_format(o.format, k.recipe.in, k.recipe.out);
    std::vector<int64_t> shape;
    for (Dim d : o.shape) shape.push_back(value(d, p));
    if (pl.tensor && pl.blocked) {
      *slots[o.slot - 'a'] = unblocked(c, o, *pl.tensor, f, shape, as, notes);
    } else if (pl.tensor && pl.transposed) {
      const Tensor file = convert_tensor(c, o, *pl.tensor, f, {shape[1], shape[0]}, as, notes);
      Tensor& t = *slots[o.slot - 'a'] = Tensor(f, shape);
      for (int64_t i = 0; i < shape[0]; ++i)
        for (int64_t j = 0; j < shape[1]; ++j)
          t.bits[static_cast<size_t>(i * shape[1] + j)] =
              file.bits[static_cast<size_t>(j * shape[0] + i)];
      if (notes)
        notes->push_back(fmt::format("{}: {} read as the transpose of {} ({})", c.source, o.name,
                                     pl.tensor->name, shape_str(pl.tensor->shape)));
    } else if (pl.tensor) {
      *slots[o.slot - 'a'] = convert_tensor(c, o, *pl.tensor, f, shape, as, notes);
    } else if (o.fill) {
      Tensor t(f, shape);
      std::fill(t.bits.begin(), t.bits.end(), round_double(f, *o.fill).bits);
      *slots[o.slot - 'a'] = std::move(t);
    } else if (o.presence == Presence::required ||
               (o.presence == Presence::with_beta && p.beta != 0)) {
      bad(c, fmt::format("no member '{}'{}; {} reads {}", o.name,
                         o.presence == Presence::with_beta ? " (beta != 0 reads it)" : "", op->name,
                         expected_members(*op)));
    }
  }
  if (schema.lengths) {
    const FileTensor* t = members.take(schema.lengths->name);
    if (!t)
      bad(c, fmt::format("no member '{}'; {} reads {}", schema.lengths->name, op->name,
                         expected_members(*op)));
    for (int64_t i = 0; i < t->count(); ++i) {
      const double v = t->value(i);
      if (v != std::floor(v) || std::fabs(v) > 1e15)
        bad(c, fmt::format("{} must hold integers ({} is not one)", schema.lengths->name, v));
      p.lengths.push_back(static_cast<int64_t>(v));
    }
  }
  for (const Scalar& s : schema.scalars) {
    const std::optional<double> v = scalar_member(c, members, s.name);
    if (!v && !s.fallback)
      bad(c, fmt::format("no scalar '{}' ({}); {} reads {}", s.name, s.meaning, op->name,
                         expected_members(*op)));
    p.scalars.push_back(round_value(Format::fp32, v ? *v : s.fallback(p)));
  }
  if (const std::vector<std::string> extra = members.unused(); !extra.empty())
    bad(c, fmt::format("member{} {} {} not read by {} (it reads {})", extra.size() == 1 ? "" : "s",
                       fmt::join(extra, ", "), extra.size() == 1 ? "is" : "are", op->name,
                       expected_members(*op)));
  if (const std::string why = operand_mismatch(k, p); !why.empty()) bad(c, why);
  return p;
}

void set_input_cases(std::vector<InputCase> cases, BitsAs as) {
  g_cases = std::move(cases);
  g_as = as;
}
const std::vector<InputCase>& input_cases() {
  return g_cases;
}
BitsAs input_bits_as() {
  return g_as;
}
void set_inputs_path(std::string path) {
  g_path = std::move(path);
}
const std::string& inputs_path() {
  return g_path;
}

}  // namespace numguard
