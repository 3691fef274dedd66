// numguard-fuzz-plugin-declarations: the plugin declaration validator
// (load_plugin_declarations, harness/engine/plugin_loader.h) on a numguard_plugin built in
// memory from the input, in ABI 1's layout (numguard_kernel), ABI 2's (numguard_kernel2) or
// ABI 3's (numguard_kernel3).
// Strings come from small dictionaries of what include/numguard/plugin.h allows (ops from
// the op table, formats, roundings, orders, methods...) mixed with arbitrary bytes and NULL;
// numbers from the bytes, NaN, infinities, negatives and extremes included. A plugin is
// outside code: whatever it declares, numguard must answer, never crash. Properties:
//  - "" and exactly kernel_count kernels appended, each with a known op, a run function, a
//    name unique among all kernels, and a recipe that numguard's recipe validation
//    (harness/core/recipe_validation.h) passes;
//  - or one non-empty line (no '\n': control characters in a declared string are escaped)
//    and nothing appended.
// Seeds: corpus/seeds/plugin-declarations/. NUMGUARD_FUZZ_VERBOSE prints each answer.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/recipe_validation.h"
#include "harness/engine/op.h"
#include "harness/engine/plugin_loader.h"
#include "include/numguard/plugin.h"

namespace numguard {
namespace {

constexpr const char* kPath = "/fuzz/libdeclared.so";
constexpr const char* kExisting = "sum.fp32.fp32acc.existing";
constexpr uint32_t kMaxKernels = 4;

constexpr const char* kNames[] = {
    "sum.fp32.fp32acc.fuzz", "gemm.fp16.fp32acc.fuzz", kExisting, "mutant.fuzz", "bad name", ""};
constexpr const char* kFormats[] = {"fp64",  "fp32", "tf32", "bf16", "fp16", "e4m3", "e5m2", "half",
                                    "float", "fp8",  "",     "e2m1", "e3m2", "e2m3", "ue4m3"};
constexpr const char* kRoundings[] = {"rne", "rz", "ru", "rd", "rna", "sr", "RNE"};
constexpr const char* kOrders[] = {"sequential", "pairwise", "blocked",     "tree", "compensated",
                                   "split_k",    "strided",  "fused_block", "any",  "splitk"};
constexpr const char* kMethods[] = {"direct", "two_pass", "online", "welford",
                                    "no_max", "tiled",    "twopass"};
constexpr const char* kFtz[] = {"none",         "all",     "products",         "acc",  "out",
                                "products,acc", "acc,out", "products,acc,out", "acc,", ",",
                                "all,none"};
constexpr const char* kAlphaApplies[] = {"after", "to_inputs", "before"};
constexpr const char* kAlphaBeta[] = {"blas", "arithmetic", "both"};
constexpr const char* kEmptyRows[] = {"op_default", "nan", "zero", "inf"};
constexpr const char* kDevices[] = {"cpu", "cuda", "gpu"};
constexpr const char* kBlockFormats[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3",
                                         "mxfp4",      "nvfp4",      "mxfp3",      "MXFP4"};
constexpr const char* kScaleRules[] = {"spec", "up", "down"};

int dummy_run(const numguard_problem*, uint64_t*, int64_t) {
  return 0;
}

// Reads the input front to back; past its end every byte is 0 (NULL strings, zero numbers:
// the defaults), so a short input is a plugin of mostly default fields.
class Bytes {
 public:
  explicit Bytes(std::span<const uint8_t> d) : d_(d) {}

  uint8_t u8() { return at_ < d_.size() ? d_[at_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{u8()} << (8 * i);
    return v;
  }
  uint64_t u64() { return u32() | uint64_t{u32()} << 32; }

  // NULL, a dictionary value, or arbitrary bytes up to 40 (a NUL in them ends the C string).
  const char* text(std::span<const char* const> valid) {
    const uint8_t how = u8();
    if (how % 8 == 0) return nullptr;
    if (how % 8 <= 5) return keep(valid[u8() % valid.size()]);
    std::string s;
    for (size_t n = u8() % 41; n > 0; --n) s += static_cast<char>(u8());
    if (how % 8 == 7) s = std::string(valid[u8() % valid.size()]) + s;  // a near miss
    return keep(s);
  }

  // Block sizes, lanes, fan-ins, splits, fraction bits, flags: mostly small, with the edges.
  int32_t count() {
    switch (u8() % 10) {
      case 0:
        return 0;
      case 1:
      case 2:
        return 1 + u8() % 64;
      case 3:
        return -static_cast<int32_t>(u8());
      case 4:
        return std::numeric_limits<int32_t>::max();
      case 5:
        return std::numeric_limits<int32_t>::min();
      case 6:
        return (1 << 20) + static_cast<int32_t>(u8() % 3) - 1;  // around kMaxRecipeParameter
      case 7:
        return 52 + static_cast<int32_t>(u8() % 3) - 1;  // around kMaxFracBits
      default:
        return static_cast<int32_t>(u32());
    }
  }

  double number() {
    switch (u8() % 10) {
      case 0:
        return 0;
      case 1:
        return std::numeric_limits<double>::quiet_NaN();
      case 2:
        return std::numeric_limits<double>::infinity();
      case 3:
        return -std::numeric_limits<double>::infinity();
      case 4:
        return -1.0 * (1 + u8());
      case 5:
        return std::numeric_limits<double>::max();
      case 6:
        return std::numeric_limits<double>::denorm_min();
      case 7:
        return (1 + u8()) / 256.0;  // (0, 1]
      default: {
        const uint64_t b = u64();
        double v;
        std::memcpy(&v, &b, sizeof v);
        return v;
      }
    }
  }

 private:
  const char* keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back().c_str();
  }

  std::span<const uint8_t> d_;
  size_t at_ = 0;
  std::deque<std::string> strings_;  // the declared strings, alive for the call
};

// The ABI 1 fields, the same in both layouts.
template <class R>
void fill_v1(Bytes& b, R& r) {
  r.in = b.text(kFormats);
  r.acc = b.text(kFormats);
  r.out = b.text(kFormats);
  r.out_rounding = b.text(kRoundings);
  r.order = b.text(kOrders);
  r.block = b.count();
  r.lanes = b.count();
  r.method = b.text(kMethods);
  r.stage = b.text(kFormats);
  r.math_ulps = b.number();
  r.max_abs_input = b.number();
  r.finite_inputs_only = b.count();
}

void fill_v2(Bytes& b, numguard_recipe2& r) {
  fill_v1(b, r);
  r.input_cast = b.text(kFormats);
  r.input_cast_rounding = b.text(kRoundings);
  r.product = b.text(kFormats);
  r.acc_rounding = b.text(kRoundings);
  r.fanin = b.count();
  r.splits = b.count();
  r.partial = b.text(kFormats);
  r.frac_bits = b.count();
  r.operand_exponents = b.count();
  r.ftz = b.text(kFtz);
  r.daz = b.count();
  r.normal_inputs_only = b.count();
  r.alpha_applies = b.text(kAlphaApplies);
  r.alpha_beta = b.text(kAlphaBeta);
  r.empty_rows = b.text(kEmptyRows);
}

void fill_v3(Bytes& b, numguard_recipe3& r) {
  r.zero_exponent = b.u8() % 4 ? -static_cast<int32_t>(b.u8()) : b.count();
  r.out_frac_bits = b.count();
  r.scale_group = b.u8() % 2 ? 16 : b.count();
  r.block_format = b.text(kBlockFormats);
  r.scale_rule = b.text(kScaleRules);
}

template <class K>
void fill_kernel(Bytes& b, K& k, std::span<const char* const> ops) {
  k.name = b.text(kNames);
  k.op = b.text(ops);
  k.run = b.u8() % 16 == 0 ? nullptr : dummy_run;
  k.device = b.text(kDevices);
}

[[noreturn]] void failed(const std::string& what) {
  std::fprintf(stderr, "plugin-declarations fuzz: property failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace
}  // namespace numguard

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numguard;
  static const std::vector<const char*> ops = [] {
    std::vector<const char*> v;
    for (const OpInfo* op : op_table()) v.push_back(op->name.c_str());
    v.push_back("no_such_op");
    return v;
  }();
  Bytes b({data, size});

  numguard_plugin plugin{};
  const uint8_t header = b.u8();
  const uint32_t abis[] = {1, 2, 3, 3, 0, 4, b.u32()};
  plugin.abi_version = abis[header % 7];
  const uint32_t count = (header >> 3) % (kMaxKernels + 1);
  // 0-2 kernels (ABI 1), 3-5 kernels2, 6 kernels and kernels2, 7 none, 8-10 kernels3,
  // 11 kernels2 and kernels3.
  const uint8_t layout = b.u8() % 12;
  plugin.kernel_count = count;

  std::vector<numguard_kernel> v1(count);
  std::vector<numguard_kernel2> v2(count);
  std::vector<numguard_kernel3> v3(count);
  const bool use_v1 = layout <= 2 || layout == 6;
  const bool use_v2 = (layout >= 3 && layout <= 6) || layout == 11;
  const bool use_v3 = layout >= 8;
  for (uint32_t i = 0; i < count; ++i) {
    if (use_v3) {
      fill_kernel(b, v3[i], ops);
      fill_v2(b, v3[i].recipe);
      v3[i].max_unsupported = b.number();
      fill_v3(b, v3[i].recipe3);
    }
    if (use_v1) {
      fill_kernel(b, v1[i], ops);
      fill_v1(b, v1[i].recipe);
    }
    if (use_v2) {
      fill_kernel(b, v2[i], ops);
      fill_v2(b, v2[i].recipe);
      v2[i].max_unsupported = b.number();
    }
  }
  // An empty vector's data() may be NULL or not; both say "no kernels" with count 0.
  if (use_v1) plugin.kernels = v1.data();
  if (use_v2) plugin.kernels2 = v2.data();
  if (use_v3) plugin.kernels3 = v3.data();
  // An older ABI's numguard_plugin ends before the later arrays: a loader that read them there
  // would crash on this address rather than pass by chance.
  if (plugin.abi_version == 1)
    plugin.kernels2 = reinterpret_cast<const numguard_kernel2*>(uintptr_t{8});
  if (plugin.abi_version == 1 || plugin.abi_version == 2)
    plugin.kernels3 = reinterpret_cast<const numguard_kernel3*>(uintptr_t{8});

  std::vector<KernelDesc> existing(1);
  existing[0].name = kExisting;
  existing[0].op = "sum";
  std::vector<KernelDesc> out(1);  // appending must keep what is already there
  out[0].name = "already.there";

  const std::string error = load_plugin_declarations(&plugin, kPath, existing, out);
  // NUMGUARD_FUZZ_VERBOSE: the validator's answer, to see what a seed exercises.
  static const bool verbose = std::getenv("NUMGUARD_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "ABI %u, %u kernels: %s\n", plugin.abi_version, count,
                 error.empty() ? "accepted" : error.c_str());
  if (!error.empty()) {
    if (error.find('\n') != std::string::npos) failed("the refusal is not one line: " + error);
    if (out.size() != 1 || out[0].name != "already.there")
      failed("a refused plugin appended kernels: " + error);
    return 0;
  }
  if (out.size() != 1 + count)
    failed(fmt::format("{} kernels appended for kernel_count {}", out.size() - 1, count));
  if (out[0].name != "already.there") failed("appending changed a kernel already there");
  for (size_t i = 1; i < out.size(); ++i) {
    const KernelDesc& d = out[i];
    if (!plain_kernel_name(d.name) || d.name == kExisting)
      failed("accepted the name '" + d.name + "'");
    for (size_t j = 1; j < i; ++j)
      if (out[j].name == d.name) failed("accepted the name '" + d.name + "' twice");
    if (!find_op(d.op)) failed(fmt::format("{}: accepted op '{}'", d.name, d.op));
    if (!d.run) failed(d.name + ": accepted without a run function");
    if (d.plugin != kPath) failed(d.name + ": plugin path '" + d.plugin + "'");
    if (!(d.max_unsupported > 0 && d.max_unsupported <= 1))
      failed(fmt::format("{}: max_unsupported {}", d.name, d.max_unsupported));
    if (const std::optional<RecipeProblem> bad = validate(d.recipe))
      failed(fmt::format("{}: accepted a recipe validation refuses: {}", d.name, bad->line()));
  }
  return 0;
}
