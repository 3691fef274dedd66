// numguard/plugin.h for C++17 plugins: builders for the recipe, the kernels and the plugin
// description. C++17 has no designated initializers, and C++20's must follow declaration order
// and warn under -Wextra for every field left out, so C++ plugins fall back on positional
// aggregate initialization, where a value can land in the wrong one of several fields of the
// same type (a dozen const char*, several int32_t) without a diagnostic. Here every field is
// set by a setter named exactly like the C field, every field left unset is zero or NULL and so
// takes its default, and strings are copied into storage the plugin owns, so a name built in
// a std::string is safe.
//
//   #include <numguard/plugin.hpp>
//   static int run(const numguard_problem* p, uint64_t* out, int64_t out_count);
//   NUMGUARD_PLUGIN_EXPORT(
//       numguard::Kernel("gemm.fp16.fp32acc.split4", "gemm",
//                        numguard::Recipe().in("fp16").acc("fp32").order("split_k").splits(4)
//                            .partial("fp32"),
//                        run)
//           .max_unsupported(0.1))
//
// NUMGUARD_PLUGIN_EXPORT defines numguard_plugin_entry with a function-local static Plugin
// (built once, thread-safely, on the first call; it lives as long as the library). The same by
// hand, for a plugin that builds its kernel list in a loop:
//
//   extern "C" NUMGUARD_PLUGIN_API const numguard_plugin* numguard_plugin_entry(void) {
//     static const numguard::Plugin plugin = [] {
//       numguard::Plugin p;
//       for (...) p.add(numguard::Kernel(...));
//       return p;
//     }();
//     return plugin.get();
//   }
//
// Header-only over the C ABI (link numguard::plugin; numguard::formats for the conversions of
// numguard/formats.hpp, included here). Building the plugin with hidden visibility (CMake:
// CXX_VISIBILITY_PRESET hidden) keeps these inline classes out of its exported symbols; the
// macro exports the entry regardless.
#ifndef NUMGUARD_PLUGIN_HPP
#define NUMGUARD_PLUGIN_HPP

#if __cplusplus < 201703L
#error "numguard/plugin.hpp needs C++17; C plugins use numguard/plugin.h"
#endif

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats.hpp"
#include "plugin.h"

// numguard looks the entry up with dlsym: it must stay visible under -fvisibility=hidden.
#if defined(__GNUC__)
#define NUMGUARD_PLUGIN_API __attribute__((visibility("default")))
#else
#define NUMGUARD_PLUGIN_API
#endif

#define NUMGUARD_PLUGIN_EXPORT(...)                                                   \
  extern "C" NUMGUARD_PLUGIN_API const numguard_plugin* numguard_plugin_entry(void) { \
    static const ::numguard::Plugin numguard_plugin_instance{__VA_ARGS__};            \
    return numguard_plugin_instance.get();                                            \
  }

namespace numguard {
// numguard's own sources have a numguard::Recipe too: the inline namespace gives these classes
// other symbol names, so the two can never be merged across a plugin and the executable.
inline namespace sdk {

class Plugin;

// A numguard_recipe2 and numguard_recipe3 under construction; setters chain:
// Recipe().in("fp16").acc("fp32").
class Recipe {
 public:
  // ABI 1 fields.
  Recipe& in(std::string v) { return text(&numguard_recipe2::in, std::move(v)); }
  Recipe& acc(std::string v) { return text(&numguard_recipe2::acc, std::move(v)); }
  Recipe& out(std::string v) { return text(&numguard_recipe2::out, std::move(v)); }
  Recipe& out_rounding(std::string v) {
    return text(&numguard_recipe2::out_rounding, std::move(v));
  }
  Recipe& order(std::string v) { return text(&numguard_recipe2::order, std::move(v)); }
  Recipe& block(std::int32_t v) { return number(&numguard_recipe2::block, v); }
  Recipe& lanes(std::int32_t v) { return number(&numguard_recipe2::lanes, v); }
  Recipe& method(std::string v) { return text(&numguard_recipe2::method, std::move(v)); }
  Recipe& stage(std::string v) { return text(&numguard_recipe2::stage, std::move(v)); }
  Recipe& math_ulps(double v) { return number(&numguard_recipe2::math_ulps, v); }
  Recipe& max_abs_input(double v) { return number(&numguard_recipe2::max_abs_input, v); }
  Recipe& finite_inputs_only(bool v = true) {
    return number(&numguard_recipe2::finite_inputs_only, std::int32_t{v});
  }
  // ABI 2 fields.
  Recipe& input_cast(std::string v) { return text(&numguard_recipe2::input_cast, std::move(v)); }
  Recipe& input_cast_rounding(std::string v) {
    return text(&numguard_recipe2::input_cast_rounding, std::move(v));
  }
  Recipe& product(std::string v) { return text(&numguard_recipe2::product, std::move(v)); }
  Recipe& acc_rounding(std::string v) {
    return text(&numguard_recipe2::acc_rounding, std::move(v));
  }
  Recipe& fanin(std::int32_t v) { return number(&numguard_recipe2::fanin, v); }
  Recipe& splits(std::int32_t v) { return number(&numguard_recipe2::splits, v); }
  Recipe& partial(std::string v) { return text(&numguard_recipe2::partial, std::move(v)); }
  Recipe& frac_bits(std::int32_t v) { return number(&numguard_recipe2::frac_bits, v); }
  Recipe& operand_exponents(bool v = true) {
    return number(&numguard_recipe2::operand_exponents, std::int32_t{v});
  }
  Recipe& ftz(std::string v) { return text(&numguard_recipe2::ftz, std::move(v)); }
  Recipe& daz(bool v = true) { return number(&numguard_recipe2::daz, std::int32_t{v}); }
  Recipe& normal_inputs_only(bool v = true) {
    return number(&numguard_recipe2::normal_inputs_only, std::int32_t{v});
  }
  Recipe& alpha_applies(std::string v) {
    return text(&numguard_recipe2::alpha_applies, std::move(v));
  }
  Recipe& alpha_beta(std::string v) { return text(&numguard_recipe2::alpha_beta, std::move(v)); }
  Recipe& empty_rows(std::string v) { return text(&numguard_recipe2::empty_rows, std::move(v)); }
  // ABI 3 fields (numguard_recipe3).
  Recipe& zero_exponent(std::int32_t v) { return number3(&numguard_recipe3::zero_exponent, v); }
  Recipe& out_frac_bits(std::int32_t v) { return number3(&numguard_recipe3::out_frac_bits, v); }
  Recipe& scale_group(std::int32_t v) { return number3(&numguard_recipe3::scale_group, v); }
  Recipe& block_format(std::string v) {
    return text3(&numguard_recipe3::block_format, std::move(v));
  }
  Recipe& scale_rule(std::string v) { return text3(&numguard_recipe3::scale_rule, std::move(v)); }

  // The C structs with their strings pointing into this Recipe: valid while it lives unchanged.
  numguard_recipe2 c() const {
    return with_texts([](const std::string& s) { return s.c_str(); });
  }
  numguard_recipe3 c3() const {
    return with_texts3([](const std::string& s) { return s.c_str(); });
  }

 private:
  friend class Plugin;
  using Text = const char* numguard_recipe2::*;
  using Text3 = const char* numguard_recipe3::*;
  template <typename S>
  using Texts = std::vector<std::pair<const char * S::*, std::string>>;

  template <typename S>
  Recipe& set_text(Texts<S>& texts, const char* S::*field, std::string v) {
    for (auto& t : texts)
      if (t.first == field) {
        t.second = std::move(v);
        return *this;
      }
    texts.emplace_back(field, std::move(v));
    return *this;
  }
  template <typename S, typename Keep>
  static S filled(S r, const Texts<S>& texts, Keep keep) {
    for (const auto& t : texts) r.*(t.first) = keep(t.second);
    return r;
  }
  Recipe& text(Text field, std::string v) { return set_text(texts_, field, std::move(v)); }
  Recipe& text3(Text3 field, std::string v) { return set_text(texts3_, field, std::move(v)); }
  template <typename T>
  Recipe& number(T numguard_recipe2::*field, T v) {
    numbers_.*field = v;
    return *this;
  }
  Recipe& number3(std::int32_t numguard_recipe3::*field, std::int32_t v) {
    numbers3_.*field = v;
    return *this;
  }
  template <typename Keep>
  numguard_recipe2 with_texts(Keep keep) const {
    return filled(numbers_, texts_, keep);
  }
  template <typename Keep>
  numguard_recipe3 with_texts3(Keep keep) const {
    return filled(numbers3_, texts3_, keep);
  }

  numguard_recipe2 numbers_{};  // every string pointer stays NULL here: texts_ holds them
  Texts<numguard_recipe2> texts_;
  numguard_recipe3 numbers3_{};
  Texts<numguard_recipe3> texts3_;
};

// One kernel: its name (<op>.<input>.<accumulation>.<algorithm>), op, recipe and run.
class Kernel {
 public:
  Kernel(std::string name, std::string op, Recipe recipe, numguard_run_fn run)
      : name_(std::move(name)), op_(std::move(op)), recipe_(std::move(recipe)), run_(run) {}
  Kernel& device(std::string v) {
    device_ = std::move(v);
    return *this;
  }
  Kernel& max_unsupported(double v) {
    max_unsupported_ = v;
    return *this;
  }

 private:
  friend class Plugin;
  std::string name_, op_;
  Recipe recipe_;
  numguard_run_fn run_;
  std::optional<std::string> device_;  // unset: NULL ("cpu"), not ""
  double max_unsupported_ = 0;
};

// The plugin description numguard_plugin_entry returns. Its strings and kernel array live in
// one heap block that moves with the Plugin, so get() stays valid across a move and for as
// long as the Plugin lives; a Plugin cannot be copied (the copy's pointers would lead back).
class Plugin {
 public:
  Plugin() : s_(std::make_unique<State>()) {}
  Plugin(std::initializer_list<Kernel> kernels) : Plugin() {
    for (const Kernel& k : kernels) add(k);
  }

  Plugin& add(const Kernel& k) {
    if (!s_) s_ = std::make_unique<State>();  // a moved-from Plugin starts over
    numguard_kernel3 c{};
    c.name = keep(k.name_);
    c.op = keep(k.op_);
    c.recipe = k.recipe_.with_texts([this](const std::string& s) { return keep(s); });
    c.run = k.run_;
    if (k.device_) c.device = keep(*k.device_);
    c.max_unsupported = k.max_unsupported_;
    c.recipe3 = k.recipe_.with_texts3([this](const std::string& s) { return keep(s); });
    s_->kernels.push_back(c);  // may reallocate: the description is pointed at it again
    s_->plugin.kernels3 = s_->kernels.data();
    s_->plugin.kernel_count = static_cast<std::uint32_t>(s_->kernels.size());
    return *this;
  }

  // NULL only for a moved-from Plugin.
  const numguard_plugin* get() const { return s_ ? &s_->plugin : nullptr; }

 private:
  struct State {
    std::deque<std::string> strings;  // a deque never moves an element it grows past
    std::vector<numguard_kernel3> kernels;
    numguard_plugin plugin{NUMGUARD_PLUGIN_ABI_VERSION, 0, nullptr, nullptr, nullptr};
  };
  const char* keep(const std::string& s) {
    s_->strings.push_back(s);
    return s_->strings.back().c_str();
  }
  std::unique_ptr<State> s_;
};

}  // namespace sdk
}  // namespace numguard

#endif  // NUMGUARD_PLUGIN_HPP
