// Section 3 of the report: gradients through an L-layer stack (plain or residual; no norm,
// pre-LN or post-LN; GELU or ReLU) built from the kernels under test, forward and backward in
// fp16, bf16, tf32 and fp32 recipes, against a high-precision reference of the same network,
// under no loss scaling, a fixed scale and dynamic scaling (GradScaler).
#pragma once

#include <string>
#include <vector>

#include "harness/studies/section.h"
#include "harness/studies/study_options.h"

namespace numguard::studies {

struct GradientLayer {
  int layer = 0;                     // 0: the input side, L-1: next to the loss
  double grad_norm = 0;              // ||dL/dx|| of this layer's input, unscaled, from the kernels
  double ref_norm = 0;               // the same from the reference
  double rel_error = 0;              // ||g - g_ref|| / ||g_ref||
  double underflow_fraction = 0;     // entries 0 in the recipe where the reference is non-zero
  double subnormal_fraction = 0;     // entries subnormal in the recipe's format
  int64_t overflow_count = 0;        // inf / NaN entries
  double weight_grad_rel_error = 0;  // the same for dL/dW of this layer
  double weight_grad_underflow_fraction = 0;
};

struct GradientRun {
  std::string precision;   // fp16, bf16, tf32, fp32
  std::string residual;    // plain, residual
  std::string norm;        // none, pre_ln, post_ln
  std::string activation;  // gelu, relu
  std::string scaling;     // none, fixed, dynamic
  double final_scale = 1;  // the loss scale of the reported step
  int skipped_steps = 0;   // dynamic: steps skipped for inf / NaN gradients
  int depth = 0, width = 0, batch = 0;
  std::vector<std::string> kernels;  // the kernels the stack is built from
  std::vector<GradientLayer> layers;
};

struct GradientResult {
  std::vector<GradientRun> runs;
};

GradientResult run_gradients(const StudyOptions& opt);
Section gradients_section(const GradientResult& r);

}  // namespace numguard::studies
