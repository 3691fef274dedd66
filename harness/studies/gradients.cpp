#include "harness/studies/gradients.h"

namespace numguard::studies {

// Stub: replaced by the study's implementation.
GradientResult run_gradients(const StudyOptions&) {
  return {};
}

Section gradients_section(const GradientResult&) {
  Section s;
  s.key = "gradients";
  s.title = "Gradients in deep stacks";
  return s;
}

}  // namespace numguard::studies
