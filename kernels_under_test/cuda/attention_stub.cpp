// The attention launcher when the project is built without CUDA (as launch_stub.cpp): the
// kernels stay registered (their twins are checked everywhere) and running one says why not.
#include <stdexcept>
#include <string>

#include "harness/device/device.h"
#include "kernels_under_test/cuda/attention_launch.h"

namespace numguard::cuda {

Bits attention_tiled(AttnInput, int, int64_t, int64_t, int64_t, const Bits&, const Bits&,
                     const Bits&, const std::vector<int64_t>&, float) {
  throw std::runtime_error(std::string("attention_tiled: ") + device::status().why_not);
}

}  // namespace numguard::cuda
