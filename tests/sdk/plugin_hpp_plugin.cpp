// A plugin written with numguard/plugin.hpp, for plugin_hpp_test: two sums of fp16 inputs in
// fp32, one sequential and one split_k, declared with fields of both ABI versions. Some of
// its strings are built at run time and die before numguard reads them: the builder must own
// copies. Built with hidden visibility, so that finding the entry proves the export macro.
#include <numguard/plugin.hpp>

#include <algorithm>
#include <string>

namespace {

constexpr int32_t kSplits = 4;

// Exact: every fp16 value is an fp32 value, and every fp32 value rounds to itself.
float fp16_value(uint64_t bits) {
  return static_cast<float>(numguard::decode(NUMGUARD_FORMAT_FP16, bits));
}
uint64_t fp32_bits(float x) {
  return numguard::round(NUMGUARD_FORMAT_FP32, x);
}

int sum_sequential(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k) return 1;
  float s = 0.0f;
  for (int64_t i = 0; i < p->k; ++i) s += fp16_value(p->a.bits[i]);
  out[0] = fp32_bits(s);
  return 0;
}

// K in kSplits chunks of ceil(K / kSplits), each summed in fp32 into an fp32 partial, the
// partials then added in order. K = 0 is refused by design: there is nothing to split.
int sum_split_k(const numguard_problem* p, uint64_t* out, int64_t out_count) {
  if (out_count != 1 || p->a.count != p->k) return 1;
  if (p->k == 0) return NUMGUARD_UNSUPPORTED;
  const int64_t chunk = (p->k + kSplits - 1) / kSplits;
  float total = 0.0f;
  for (int64_t begin = 0; begin < p->k; begin += chunk) {
    float partial = 0.0f;
    for (int64_t i = begin; i < std::min(begin + chunk, p->k); ++i)
      partial += fp16_value(p->a.bits[i]);
    total += partial;
  }
  out[0] = fp32_bits(total);
  return 0;
}

// A name long enough to live on the heap (short strings live inside std::string itself).
std::string split_k_name() {
  return std::string("sum.fp16.fp32acc.") + "plugin_hpp_split_k";
}

}  // namespace

NUMGUARD_PLUGIN_EXPORT(
    numguard::Kernel("sum.fp16.fp32acc.plugin_hpp_sequential", "sum",
                     numguard::Recipe().in("fp16").acc("fp32"), sum_sequential),
    numguard::Kernel(
        split_k_name(), std::string("su") + "m",
        numguard::Recipe().in("fp16").acc("fp32").order("split_k").splits(kSplits).partial(
            std::string("fp") + "32"),
        sum_split_k)
        .device("cpu")
        .max_unsupported(0.25))
