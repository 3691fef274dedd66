#include "harness/core/output_sample.h"

namespace numguard {
namespace {
thread_local const OutputSample* t_sample = nullptr;
}  // namespace

OutputSample::OutputSample(size_t total, std::vector<size_t> indices, size_t structured)
    : total_(total), structured_(structured), indices_(std::move(indices)), mask_(total, 0) {
  for (size_t i : indices_) mask_[i] = 1;
}

const OutputSample* current_output_sample() {
  return t_sample;
}

OutputSampleScope::OutputSampleScope(const OutputSample* s) : previous_(t_sample) {
  t_sample = s;
}
OutputSampleScope::~OutputSampleScope() {
  t_sample = previous_;
}

}  // namespace numguard
