// Host launcher of the flash-style attention kernel of attention.cu. Plain C++ (no CUDA types),
// like launch.h, so register_attention.cpp and the tests call it without nvcc. Kept apart from
// launch.h so the attention kernels add files rather than edit shared ones. Built without
// CUDA, the launcher throws std::runtime_error("attention_tiled: built without CUDA (...)")
// (attention_stub.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels_under_test/cuda/launch.h"

namespace numguard::cuda {

enum class AttnInput : uint8_t { fp16, bf16, fp32 };  // fp32: 32-bit containers

// Attention's operands (harness/engine/ops/attention_op.cpp): q (m x k), keys (n x k), v (n x
// k) as bits of `in`, one element per uint64_t, row-major; lengths (m values, each clamped to
// [0, n]: query row i sees keys j < lengths[i]); scale in fp32. One thread block per query
// row, key tiles of `block` in increasing order with the online-softmax rescale, in exactly
// the order of kernels_under_test/cpu/attention_rows.h's tiled algorithm (the twin). Returns
// m x k bits of `in`, each RNE-rounded from fp32; a row with no visible key gives zeros.
// std::invalid_argument for buffers that do not fit the shapes, k > 1024 or block > 1024.
Bits attention_tiled(AttnInput in, int block, int64_t m, int64_t n, int64_t k, const Bits& q,
                     const Bits& keys, const Bits& v, const std::vector<int64_t>& lengths,
                     float scale);

}  // namespace numguard::cuda
