#include "harness/studies/matrix_unit.h"

#include "kernels_under_test/cpu/tensor_core_model.h"

namespace numguard {

MatrixUnit model_unit(const std::string& arch, Format in, Format out) {
  const kernels::TcModel model = kernels::preset(arch, in, out);
  MatrixUnit u;
  u.name = "model:" + arch;
  u.in = in;
  u.out = out;
  u.max_k = 256;
  u.dot = [model, in, out](std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c) {
    return kernels::mma_dot(model, in, a, b, c, out);
  };
  return u;
}

}  // namespace numguard
