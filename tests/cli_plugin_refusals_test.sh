#!/usr/bin/env bash
# Malformed plugin declarations (tests/plugins/bad_recipe_plugin.c, one library per case): each
# is refused on load, by list and by check, with exit 2 and one line on stderr naming the
# plugin, the kernel, the field, the value and what is allowed.
#   tests/cli_plugin_refusals_test.sh NUMGUARD CASE=LIBRARY...
set -u
NG=$1
shift
source "$(dirname "$0")/cli_lib.sh"

declare -A lib
for arg in "$@"; do lib[${arg%%=*}]=${arg#*=}; done

# case | kernel as the message shows it | "field = value" | what the allowed part must say
bad=sum.fp32.fp32acc.bad
cases=(
  "order_unknown|$bad|recipe.order = 'zigzag'|allowed: sequential, pairwise, blocked, tree, compensated, split_k, fused_block, strided, any"
  "split_k_splits_0|$bad|recipe.splits = 0|allowed: split_k needs splits in [1, "
  "tree_fanin_0|$bad|recipe.fanin = 0|allowed: tree needs fanin in [2, "
  "tree_fanin_1|$bad|recipe.fanin = 1|allowed: tree needs fanin in [2, "
  "fused_frac_bits_0|$bad|recipe.frac_bits = 0|allowed: fused_block needs frac_bits in [1, 52]"
  "fused_frac_bits_60|$bad|recipe.frac_bits = 60|allowed: fused_block needs frac_bits in [1, 52]"
  "blocked_block_0|$bad|recipe.block = 0|allowed: blocked needs block in [1, "
  "lanes_sequential|$bad|recipe.lanes = 4|allowed: 0: order sequential does not read lanes"
  "partial_unknown|$bad|recipe.partial = 'fp7'|allowed: fp64, fp32, tf32, bf16, fp16, e4m3, e5m2"
  "ftz_bogus|$bad|recipe.ftz = 'products,bogus'|allowed: none, all, or a comma list of products, acc, out"
  "daz_2|$bad|recipe.daz = 2|allowed: 0 or 1"
  "max_unsupported|$bad|max_unsupported = 1.5|allowed: a fraction in (0, 1]"
  "input_cast_wider|$bad|recipe.input_cast = 'fp32'|allowed: a format narrower than in=fp16"
  "name_newline|sum.fp32.fp32acc.bad\\x0aname|name = 'sum.fp32.fp32acc.bad\\x0aname'|allowed: letters, digits"
  "name_comma|sum.fp32.fp32acc.bad,name|name = 'sum.fp32.fp32acc.bad,name'|allowed: letters, digits"
  "lanes_not_power_of_two|$bad|recipe.lanes = 3|allowed: strided needs a power of two"
  "sr_fused_block|$bad|recipe.acc_rounding = 'sr'|allowed: rne, rz, ru, rd or rna with fused blocks"
  "row_op_ftz|$bad|recipe.ftz = 'acc'|allowed: none (op softmax does not read it)"
  "row_op_order_any|$bad|recipe.order = 'any'|allowed: sequential, strided (the orders op softmax's bound models)"
  "stage_on_gemm|$bad|recipe.stage = 'fp16'|allowed: unset (op gemm does not read it)"
  "empty_rows_on_sum|$bad|recipe.empty_rows = 'zero'|allowed: op_default (op sum does not read it)"
  "block_format_unknown|$bad|recipe.block_format = 'mxfp3'|allowed: mxfp8_e4m3, mxfp8_e5m2"
  "mx_gemm_no_block_format|$bad|recipe.block_format = NULL|allowed: the block format op mx_gemm quantizes A and B into"
  "scale_rule_without_format|$bad|recipe.scale_rule = 'up'|allowed: unset without block_format"
  "scale_group_on_gemm|$bad|recipe.scale_group = 16|allowed: 0 (op gemm does not read it)"
  "scale_group_not_divisor|$bad|recipe.scale_group = 24|allowed: 0, or a divisor of the block with fused_block"
  "zero_exponent_sequential|$bad|recipe.zero_exponent = -133|allowed: unset: only fused blocks align zeros"
  "out_frac_bits_60|$bad|recipe.out_frac_bits = 60|allowed: 0, or [1, 52] with fused_block"
)

# Every library CMake built is tested here, and every case here has a library.
[[ ${#lib[@]} -eq ${#cases[@]} ]] || fail "${#lib[@]} libraries for ${#cases[@]} cases"

for entry in "${cases[@]}"; do
  IFS='|' read -r name kernel field_value allowed <<<"$entry"
  path=${lib[$name]:-}
  if [[ -z $path ]]; then
    fail "$name: no library given"
    continue
  fi
  for verb in list check; do
    err=$("$NG" $verb --plugin "$path" 2>&1 >/dev/null)
    status=$?
    [[ $status -eq 2 ]] || fail "$name: $verb: exit $status, want 2: $err"
    [[ -n $err && $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "$name: $verb: stderr not one line: $err"
    for want in "plugin $path" "kernel $kernel: " "$field_value: " "$allowed"; do
      grep -qF -- "$want" <<<"$err" || fail "$name: $verb: message lacks \"$want\": $err"
    done
  done
done

[[ $failures -eq 0 ]] && echo "cli_plugin_refusals: ${#cases[@]} cases, all passed"
exit $((failures > 0))
