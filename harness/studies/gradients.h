// Section 3 of the report: gradients through an L-layer stack (plain or residual; no norm,
// pre-LN or post-LN; GELU or ReLU) built from the kernels under test, forward and backward in
// fp16, bf16, tf32 and fp32 recipes, against a high-precision reference of the same network,
// under no loss scaling, a fixed scale and dynamic scaling (GradScaler).
#pragma once

#include <cstdint>
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
  // Added beside the fields above (docs/report-schema.md, `gradients`).
  double rel_error_u = 0;           // rel_error in units of the precision's u
  double weight_grad_norm = 0;      // ||dL/dW_l||, unscaled
  double weight_grad_ref_norm = 0;  // the same from the reference
  double weight_grad_subnormal_fraction = 0;
  int64_t weight_grad_overflow_count = 0;
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
  // Added beside the fields above.
  double initial_scale = 1;    // none: 1, fixed: the fixed scale, dynamic: GradScaler's 2^16
  int steps = 1;               // backward passes run (dynamic: warm-up and retried steps)
  double unit_roundoff = 0;    // u of the working format (fp16, bf16, tf32, fp32)
  double weight_gain = 0;      // W_l = RN(gain z / sqrt(width)), z standard normal
  double input_scale = 0;      // x_0 = RN(input_scale z)
  double reference_check = 0;  // max relative gap between the fp64 and extended references
  double seconds = 0;          // wall time of the run's passes (one thread)
};

struct GradientResult {
  std::vector<GradientRun> runs;
  const GradientRun* find(const std::string& precision, const std::string& residual,
                          const std::string& norm, const std::string& activation,
                          const std::string& scaling) const;
};

// The sweep's sizes: --quick halves the depth and scales only fp16 and bf16; the gain is
// calibrated per depth so that the claims hold in both (docs/studies-gradients.md).
struct GradientConfig {
  int depth = 64, width = 64, batch = 16;
  // The plain stack without norm shrinks gradients by about this factor from the top layer to
  // the bottom one in the fp64 reference: the weight gain is calibrated to it per activation.
  double total_decay = 1.5e-4;
  double input_scale = 4;
  double fixed_scale = 1024;  // 2^10
  int warmup_steps = 3;       // dynamic: fresh batches before the evaluation batch
  std::vector<std::string> precisions{"fp16", "bf16", "tf32", "fp32"};
  std::vector<std::string> norms{"none", "pre_ln", "post_ln"};
  std::vector<std::string> scaled_precisions{"fp16", "bf16", "tf32", "fp32"};  // fixed, dynamic
};
GradientConfig gradient_config(bool quick);

GradientResult run_gradients(const StudyOptions& opt);
GradientResult run_gradients(const StudyOptions& opt, const GradientConfig& config);
Section gradients_section(const GradientResult& r);

}  // namespace numguard::studies
