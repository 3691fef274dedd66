// Dynamic loss scaling as PyTorch's GradScaler does it (docs/REFERENCE.md): start at 2^16; a step
// whose gradients hold any inf or NaN is skipped and halves the scale; after growth_interval
// consecutive finite steps the scale doubles.
#pragma once

namespace numguard::studies {

struct GradScaler {
  double scale = 65536.0;
  double growth_factor = 2.0;
  double backoff_factor = 0.5;
  int growth_interval = 2000;
  int growth_tracker = 0;  // consecutive finite steps since the last change

  // Records one step's outcome and updates the scale; returns true when the step is taken
  // (its gradients were finite), false when it is skipped.
  bool update(bool found_inf) {
    if (found_inf) {
      scale *= backoff_factor;
      growth_tracker = 0;
      return false;
    }
    if (++growth_tracker == growth_interval) {
      scale *= growth_factor;
      growth_tracker = 0;
    }
    return true;
  }
};

}  // namespace numguard::studies
