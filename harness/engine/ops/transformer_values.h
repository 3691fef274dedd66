// Values as they are in a trained transformer layer, for the `transformer` generator. Each kind
// follows a published measurement or a framework's documented default (docs/INPUTS.md,
// "Values of the transformer generator"):
//   - activations: layernorm outputs and the residual stream, N(0, 1) per channel scaled by a
//     per-channel gain, with a few outlier channels 10 to 1000 times larger than the rest
//     (Dettmers et al., LLM.int8(), arXiv:2208.07339; Bondarenko et al., arXiv:2109.12948) and
//     sometimes one massive activation 10^4 times larger on the first token (Sun et al.,
//     "Massive activations in large language models", arXiv:2402.17762);
//   - probabilities: post-softmax attention rows, often concentrated on a first "sink" column
//     (Xiao et al., StreamingLLM, arXiv:2309.17453; Sun et al.);
//   - logits: attention scores before the softmax, with the same sink;
//   - weights: a projection at an initialization scale: N(0, 0.02^2) (BERT's, GPT-2's and
//     LLaMA's initializer_range), PyTorch nn.Linear's U(-1/sqrt(fan_in), 1/sqrt(fan_in)), or
//     Glorot's N(0, 2 / (fan_in + fan_out)).
#pragma once

#include <cstdint>
#include <string>

#include "harness/engine/ops/op_cases.h"

namespace numguard::ops {

enum class TransformerRole { activations, probabilities, logits, weights };

// A value source that fills a row-major tensor whose rows hold `cols` values (channels, or
// one softmax row) in order; `fan_in` sizes the weight scales; `max_outlier` caps the outlier
// channels' gain (attention's Q, K and V are projections, milder than the residual stream).
// It keeps its position, so one source fills one tensor (or several of `cols`-wide rows).
// `what`, when given, receives a line saying what was drawn.
ValueFn transformer_values(TransformerRole role, int64_t cols, int64_t fan_in, Rng& r,
                           std::string* what = nullptr, double max_outlier = 1000);

}  // namespace numguard::ops
