#include "harness/studies/matrix_unit.h"

#include "references/tensor_core_model.h"

namespace numguard {

MatrixUnit model_unit(const std::string& arch, Format in, Format out) {
  const tc::TcModel model = tc::preset(arch, in, out);
  MatrixUnit u;
  u.name = "model:" + arch;
  u.in = in;
  u.out = out;
  u.max_k = 256;
  u.dot = [model, in, out](std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c) {
    return tc::mma_dot(model, in, a, b, c, out);
  };
  return u;
}

}  // namespace numguard
