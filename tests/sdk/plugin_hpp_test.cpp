// numguard/plugin.hpp: a plugin built with it (plugin_hpp_plugin.cpp, loaded with dlopen as
// numguard loads one) hands numguard exactly the fields it declared, with the current ABI
// version, and its kernels run; and the builders themselves round-trip every recipe field,
// own their strings, and keep the description valid across a move and further add() calls.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <numguard/plugin.hpp>
#include <string>

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL %s\n", what);
    ++failures;
  }
}

bool same(const char* got, const char* want) {
  if (!got || !want) return got == want;
  return std::strcmp(got, want) == 0;
}

#define EXPECT(cond) expect((cond), #cond)

int run_one(const numguard_kernel3& k, const uint64_t* a, int64_t count, uint64_t* out) {
  numguard_problem p{};
  p.k = count;
  p.a.bits = a;
  p.a.count = count;
  return k.run(&p, out, 1);
}

void check_loaded_plugin(const char* path) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::printf("FAIL dlopen(%s): %s\n", path, dlerror());
    ++failures;
    return;
  }
  const auto entry = reinterpret_cast<numguard_plugin_entry_fn>(dlsym(lib, NUMGUARD_PLUGIN_ENTRY));
  EXPECT(entry != nullptr);
  if (!entry) return;
  const numguard_plugin* p = entry();
  EXPECT(p != nullptr && entry() == p);  // built once
  if (!p) return;
  EXPECT(p->abi_version == NUMGUARD_PLUGIN_ABI_VERSION);
  EXPECT(p->kernel_count == 2);
  if (p->kernel_count != 2 || !p->kernels3) return;

  const numguard_kernel3& seq = p->kernels3[0];
  EXPECT(same(seq.name, "sum.fp16.fp32acc.plugin_hpp_sequential"));
  EXPECT(same(seq.op, "sum"));
  EXPECT(same(seq.recipe.in, "fp16") && same(seq.recipe.acc, "fp32"));
  EXPECT(seq.recipe.out == nullptr && seq.recipe.order == nullptr && seq.recipe.partial == nullptr);
  EXPECT(seq.recipe.splits == 0 && seq.recipe.block == 0 && seq.recipe.math_ulps == 0);
  EXPECT(seq.device == nullptr && seq.max_unsupported == 0 && seq.run != nullptr);

  const numguard_kernel3& split = p->kernels3[1];
  EXPECT(same(split.name, "sum.fp16.fp32acc.plugin_hpp_split_k"));
  EXPECT(same(split.op, "sum"));
  EXPECT(same(split.recipe.order, "split_k") && split.recipe.splits == 4);
  EXPECT(same(split.recipe.partial, "fp32") && split.recipe.input_cast == nullptr);
  EXPECT(same(split.device, "cpu") && split.max_unsupported == 0.25);

  // fp16 1, 1, 0.5, 1, 1: 4.5 in fp32 either way (0x40900000); K = 0 is refused by split_k.
  const uint64_t a[] = {0x3C00, 0x3C00, 0x3800, 0x3C00, 0x3C00};
  uint64_t out = 0;
  EXPECT(seq.run && run_one(seq, a, 5, &out) == 0 && out == 0x40900000);
  out = 0;
  EXPECT(split.run && run_one(split, a, 5, &out) == 0 && out == 0x40900000);
  EXPECT(split.run && run_one(split, a, 0, &out) == NUMGUARD_UNSUPPORTED);
  // The library stays loaded: numguard keeps plugins open for the whole run too.
}

int dummy_run(const numguard_problem*, uint64_t*, int64_t) {
  return 0;
}

// Every setter writes its own C field, and unset fields stay zero.
void check_recipe_round_trip() {
  numguard::Recipe r;
  r.in("fp32").acc("fp32").out("bf16").out_rounding("rz").order("fused_block").block(16);
  r.lanes(32).method("online").stage("fp16").math_ulps(2.5).max_abs_input(100).finite_inputs_only();
  r.input_cast("tf32").input_cast_rounding("rna").product("fp32").acc_rounding("rz").fanin(3);
  r.splits(5).partial("bf16").frac_bits(23).operand_exponents().ftz("products,acc").daz();
  r.normal_inputs_only().alpha_applies("to_inputs").alpha_beta("arithmetic").empty_rows("zero");
  const numguard_recipe2 c = r.c();
  EXPECT(same(c.in, "fp32") && same(c.acc, "fp32") && same(c.out, "bf16"));
  EXPECT(same(c.out_rounding, "rz") && same(c.order, "fused_block") && c.block == 16);
  EXPECT(c.lanes == 32 && same(c.method, "online") && same(c.stage, "fp16"));
  EXPECT(c.math_ulps == 2.5 && c.max_abs_input == 100 && c.finite_inputs_only == 1);
  EXPECT(same(c.input_cast, "tf32") && same(c.input_cast_rounding, "rna"));
  EXPECT(same(c.product, "fp32") && same(c.acc_rounding, "rz") && c.fanin == 3);
  EXPECT(c.splits == 5 && same(c.partial, "bf16") && c.frac_bits == 23);
  EXPECT(c.operand_exponents == 1 && same(c.ftz, "products,acc") && c.daz == 1);
  EXPECT(c.normal_inputs_only == 1 && same(c.alpha_applies, "to_inputs"));
  EXPECT(same(c.alpha_beta, "arithmetic") && same(c.empty_rows, "zero"));

  // ABI 3: numguard_recipe3.
  r.zero_exponent(-139).out_frac_bits(13).scale_group(16).block_format("nvfp4").scale_rule("up");
  const numguard_recipe3 c3 = r.c3();
  EXPECT(c3.zero_exponent == -139 && c3.out_frac_bits == 13 && c3.scale_group == 16);
  EXPECT(same(c3.block_format, "nvfp4") && same(c3.scale_rule, "up"));

  const numguard_recipe2 empty = numguard::Recipe().c();
  EXPECT(empty.in == nullptr && empty.acc == nullptr && empty.ftz == nullptr);
  EXPECT(empty.block == 0 && empty.splits == 0 && empty.daz == 0 && empty.math_ulps == 0);
  const numguard_recipe3 empty3 = numguard::Recipe().c3();
  EXPECT(empty3.zero_exponent == 0 && empty3.scale_group == 0 && empty3.block_format == nullptr);

  numguard::Recipe twice;
  twice.in("fp16").in("bf16").daz().daz(false);
  const numguard_recipe2 t = twice.c();
  EXPECT(same(t.in, "bf16") && t.daz == 0);  // the last value set wins
}

// The Plugin's strings outlive the std::strings they came from, and its description survives
// a move and growing past the vector's capacity.
void check_plugin_ownership() {
  std::string name = "sum.fp32.fp32acc.a_name_longer_than_the_small_string_buffer";
  std::string fmt = "fp32";
  numguard::Plugin p{numguard::Kernel(name, "sum", numguard::Recipe().in(fmt), dummy_run)};
  name.assign(name.size(), 'x');
  fmt = "junk";
  const numguard_plugin* d = p.get();
  EXPECT(d->kernel_count == 1);
  EXPECT(same(d->kernels3[0].name, "sum.fp32.fp32acc.a_name_longer_than_the_small_string_buffer"));
  EXPECT(same(d->kernels3[0].recipe.in, "fp32"));

  const char* first_name = d->kernels3[0].name;
  for (int i = 0; i < 100; ++i)
    p.add(numguard::Kernel("sum.fp32.fp32acc.k" + std::to_string(i), "sum",
                           numguard::Recipe().in("fp32"), dummy_run));
  const numguard::Plugin moved = std::move(p);
  EXPECT(moved.get() == d && p.get() == nullptr);
  EXPECT(d->kernel_count == 101 && d->kernels3[0].name == first_name);
  EXPECT(same(d->kernels3[100].name, "sum.fp32.fp32acc.k99"));
  EXPECT(d->abi_version == NUMGUARD_PLUGIN_ABI_VERSION);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::printf("usage: plugin_hpp_test <plugin_hpp_plugin.so>\n");
    return 2;
  }
  check_loaded_plugin(argv[1]);
  check_recipe_round_trip();
  check_plugin_ownership();
  if (failures == 0) std::printf("plugin_hpp: all passed\n");
  return failures != 0;
}
