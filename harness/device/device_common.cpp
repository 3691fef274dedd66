#include "harness/device/device.h"

namespace numguard::device {

std::string tc_arch_of(int cc_major) {
  if (cc_major == 12) return "rtx_blackwell";
  if (cc_major >= 9) return "hopper";
  if (cc_major == 8) return "ampere";
  if (cc_major == 7) return "volta";
  return "";
}

std::string tc_arch() {
  return tc_arch_of(status().cc_major);
}

}  // namespace numguard::device
