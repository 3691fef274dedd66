#include "harness/engine/shape_sets.h"

namespace numguard {

const std::vector<ShapeSet>& shape_sets() {
  // Tokens per GEMM: one sequence of the model's context length (BERT 512, LLaMA 2048).
  static const std::vector<ShapeSet> sets = {
      {.name = "bert-base",
       .summary = "BERT-base encoder layer: hidden 768, 12 heads of 64, FFN 3072, 512 tokens, "
                  "vocabulary 30522",
       .source = "Devlin et al. 2019, BERT (L = 12, H = 768, A = 12, FFN 4H, 512 positions); "
                 "vocabulary size from the released bert-base-uncased config.json",
       .ops = {{"gemm",
                {{"512x2304x768", "fused Q, K, V projection"},
                 {"512x768x768", "attention output projection"},
                 {"512x3072x768", "FFN up"},
                 {"512x768x3072", "FFN down"}}},
               {"layernorm", {{"512x768", "post-attention and post-FFN LayerNorm"}}},
               {"layernorm_backward", {{"512x768", "LayerNorm backward"}}},
               {"softmax", {{"512x512", "attention scores of one head"}}},
               {"attention", {{"512x512x64", "one head: queries x keys x head dimension"}}},
               {"gelu", {{"512x3072", "FFN activation"}}},
               {"gelu_backward", {{"512x3072", "FFN activation backward"}}},
               {"cross_entropy", {{"512x30522", "masked-LM loss over the vocabulary"}}},
               {"sum", {{"512x768", "row sums over the hidden dimension"}}},
               {"sumsq", {{"512x768", "row sums of squares"}}},
               {"dot", {{"768", "a hidden-size dot product"}}},
               {"amax", {{"512x768", "an activation's absolute maximum (fp8 scaling)"}}},
               {"adam", {{"2359296", "one 768 x 3072 weight matrix"}}}}},
      {.name = "llm-7b",
       .summary = "LLaMA-7B decoder layer: hidden 4096, 32 heads of 128, SwiGLU FFN 11008, "
                  "2048 tokens, vocabulary 32000",
       .source = "Touvron et al. 2023, LLaMA (Table 2: dimension 4096, 32 heads, 32 layers; "
                 "SwiGLU FFN of 2/3 4d rounded to 256: 11008; context 2048); vocabulary "
                 "32000 and intermediate_size 11008 from the released params.json / config.json",
       .ops = {{"gemm",
                {{"2048x4096x4096", "Q, K, V and output projections"},
                 {"2048x11008x4096", "FFN gate and up projections"},
                 {"2048x4096x11008", "FFN down projection"}}},
               {"rmsnorm", {{"2048x4096", "RMSNorm before attention and FFN"}}},
               {"rmsnorm_backward", {{"2048x4096", "RMSNorm backward"}}},
               {"softmax",
                {{"2048x2048", "attention scores of one head"},
                 {"2048x32000", "next-token distribution over the vocabulary"}}},
               {"log_softmax", {{"2048x32000", "next-token log-probabilities"}}},
               {"attention", {{"2048x2048x128", "one head: queries x keys x head dimension"}}},
               {"silu", {{"2048x11008", "SwiGLU gate activation"}}},
               {"silu_backward", {{"2048x11008", "SwiGLU gate activation backward"}}},
               {"cross_entropy", {{"2048x32000", "next-token loss over the vocabulary"}}},
               {"sum", {{"2048x4096", "row sums over the hidden dimension"}}},
               {"sumsq", {{"2048x4096", "row sums of squares (RMSNorm's statistic)"}}},
               {"dot", {{"4096", "a hidden-size dot product"}}},
               {"amax", {{"2048x4096", "an activation's absolute maximum (fp8 scaling)"}}},
               {"adam", {{"16777216", "one 4096 x 4096 projection weight"}}}}},
  };
  return sets;
}

const ShapeSet* find_shape_set(std::string_view name) {
  for (const ShapeSet& s : shape_sets())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> set_shapes(const ShapeSet& s, std::string_view op) {
  std::vector<std::string> out;
  for (const auto& [name, shapes] : s.ops)
    if (name == op)
      for (const auto& [shape, what] : shapes) out.push_back(shape);
  return out;
}

}  // namespace numguard
