// Sampled verification at production shapes: the output elements one case verifies. At a
// 4096 x 4096 GEMM, checking every element exactly costs minutes; a sample of structured
// elements (tile corners and edges, tails, extreme rows) plus random ones catches the bugs
// that live at tile boundaries and the ones that are everywhere, in seconds.
//
// The sample is set for the thread while numguard evaluates a case (OutputSampleScope).
// Built-in CPU kernels and the references read it and compute only the sampled elements --
// each bit for bit what the full computation gives there -- and leave the others zero;
// code that does not read it computes everything, which is always correct, only slower.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace numguard {

class OutputSample {
 public:
  OutputSample() = default;
  // `indices`: sorted, distinct, each below `total`.
  OutputSample(size_t total, std::vector<size_t> indices, size_t structured);
  size_t total() const { return total_; }
  const std::vector<size_t>& indices() const { return indices_; }
  size_t structured() const { return structured_; }  // of indices, chosen by structure
  bool wanted(size_t i) const { return mask_[i] != 0; }

 private:
  size_t total_ = 0, structured_ = 0;
  std::vector<size_t> indices_;
  std::vector<uint8_t> mask_;
};

// The sample of the case this thread evaluates; nullptr: every element.
const OutputSample* current_output_sample();

// Sets the thread's sample for the scope's lifetime (nullptr: every element).
class OutputSampleScope {
 public:
  explicit OutputSampleScope(const OutputSample* s);
  ~OutputSampleScope();
  OutputSampleScope(const OutputSampleScope&) = delete;
  OutputSampleScope& operator=(const OutputSampleScope&) = delete;

 private:
  const OutputSample* previous_;
};

}  // namespace numguard
