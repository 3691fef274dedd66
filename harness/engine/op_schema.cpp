#include "harness/engine/op_schema.h"

#include <fmt/format.h>

namespace numguard {

std::string_view name(Dim d) {
  constexpr std::string_view kNames[] = {"m", "n", "k", "k/32", "k/16"};
  return kNames[static_cast<size_t>(d)];
}

int64_t value(Dim d, const Problem& p) {
  switch (d) {
    case Dim::m:
      return p.m;
    case Dim::n:
      return p.n;
    case Dim::k:
      return p.k;
    case Dim::k32:
      return (p.k + 31) / 32;
    case Dim::k16:
      return (p.k + 15) / 16;
  }
  return 0;
}

std::string_view name(OperandFormat f) {
  constexpr std::string_view kNames[] = {"input", "output", "scale", "ue4m3_scale"};
  return kNames[static_cast<size_t>(f)];
}

Format operand_format(OperandFormat f, Format in, Format out) {
  switch (f) {
    case OperandFormat::input:
      return in;
    case OperandFormat::output:
      return out;
    case OperandFormat::scale:
      return Format::e8m0;
    case OperandFormat::scale_ue4m3:
      return Format::ue4m3;
  }
  return in;
}

std::string_view name(Presence p) {
  constexpr std::string_view kNames[] = {"required", "optional", "read when beta != 0"};
  return kNames[static_cast<size_t>(p)];
}

int64_t Operand::count(const Problem& p) const {
  int64_t c = 1;
  for (Dim d : shape) c *= value(d, p);
  return c;
}

std::string Operand::shape_text() const {
  std::string s;
  for (Dim d : shape) s += (s.empty() ? "" : " x ") + std::string(numguard::name(d));
  return s;
}

const Operand* OpSchema::operand(char slot) const {
  for (const Operand& o : operands)
    if (o.slot == slot) return &o;
  return nullptr;
}

std::vector<int64_t> OpSchema::out_shape(const Problem& p) const {
  if (out_length) return {out_length(p)};
  std::vector<int64_t> s;
  for (Dim d : out) s.push_back(value(d, p));
  return s;
}

std::string OpSchema::out_text() const {
  if (out_length) return out_length_text;
  std::string s;
  for (Dim d : out) s += (s.empty() ? "" : " x ") + std::string(name(d));
  return s;
}

std::string OpSchema::mismatch(std::string_view op, const Problem& p, Format in,
                               Format out_format) const {
  const Tensor* slots[] = {&p.a, &p.b, &p.c, &p.d};
  for (const Operand& o : operands) {
    const Tensor& t = *slots[o.slot - 'a'];
    const Format want = operand_format(o.format, in, out_format);
    if (!t.empty() && t.format != want)
      return fmt::format("operand {} ({}) is {}, the kernel reads {}", o.slot, o.name,
                         numguard::name(t.format), numguard::name(want));
  }
  for (const auto& [d, v] : fixed)
    if (value(d, p) != v) return fmt::format("{} needs {} = {}", op, name(d), v);
  if (!alpha_beta && (p.alpha != 1 || p.beta != 0))
    return fmt::format("{} reads no alpha or beta (alpha {} and beta {} given)", op, p.alpha,
                       p.beta);
  for (char slot = 'a'; slot <= 'd'; ++slot) {
    const Tensor& t = *slots[slot - 'a'];
    const Operand* o = operand(slot);
    const auto have = static_cast<int64_t>(t.size());
    if (!o) {
      if (have != 0)
        return fmt::format("operand {} must be absent ({} elements given)", slot, have);
      continue;
    }
    const bool read =
        o->presence == Presence::required || (o->presence == Presence::with_beta && p.beta != 0);
    if (have == 0 && !read) continue;
    const int64_t want = o->count(p);
    if (have != want)
      return fmt::format("operand {} must have {} elements for shape m={} n={} k={} ({} given)",
                         slot, want, p.m, p.n, p.k, have);
  }
  if (lengths) {
    const int64_t want = value(lengths->count, p);
    if (static_cast<int64_t>(p.lengths.size()) != want)
      return fmt::format("{} needs {} = {} {} ({} given)", op, name(lengths->count), want,
                         lengths->name, p.lengths.size());
    if (lengths->below)
      for (int64_t t : p.lengths)
        if (t < 0 || t >= value(*lengths->below, p))
          return fmt::format("{} value {} outside [0, {} = {})", lengths->name, t,
                             name(*lengths->below), value(*lengths->below, p));
  } else if (!p.lengths.empty()) {
    return fmt::format("{} reads no integer operands ({} given)", op, p.lengths.size());
  }
  if (p.scalars.size() != scalars.size()) {
    std::string names;
    for (const Scalar& s : scalars) names += (names.empty() ? "" : ", ") + s.name;
    return fmt::format("{} reads scalars {{{}}} ({} given)", op, names, p.scalars.size());
  }
  return "";
}

std::vector<std::string> OpSchema::describe() const {
  std::vector<std::string> lines;
  for (const Operand& o : operands)
    lines.push_back(fmt::format(
        "{}  {}  [{}]  {} format{}  {}", o.slot, o.name, o.shape_text(), name(o.format),
        o.presence == Presence::required ? "" : fmt::format(", {}", name(o.presence)), o.meaning));
  if (lengths)
    lines.push_back(fmt::format(
        "lengths  {}  [{}]  integers{}  {}", lengths->name, name(lengths->count),
        lengths->below ? fmt::format(" in [0, {})", name(*lengths->below)) : std::string(),
        lengths->meaning));
  for (size_t i = 0; i < scalars.size(); ++i)
    lines.push_back(
        fmt::format("scalars[{}]  {}  fp32  {}", i, scalars[i].name, scalars[i].meaning));
  return lines;
}

}  // namespace numguard
