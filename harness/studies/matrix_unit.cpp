#include "harness/studies/matrix_unit.h"

#include <vector>

#include "harness/core/rounding.h"
#include "references/tensor_core_model.h"

namespace numguard {
namespace {

// A scale of 1 in the scale format (E8M0 127, UE4M3 0x38).
uint64_t unit_scale(Format scale) {
  return round_double(scale, 1.0).bits;
}

}  // namespace

MatrixUnit model_unit(const std::string& arch, Format in, Format out) {
  const tc::Instruction* row = tc::find_default_instruction(arch, in, in, out);
  if (!row) (void)tc::preset(arch, in, out);  // throws: no preset
  MatrixUnit u = instruction_unit(*row);
  u.name = "model:" + arch;
  return u;
}

MatrixUnit instruction_unit(const tc::Instruction& row) {
  tc::TcModel model = row.model;
  model.operand_emin = tc::operand_emin(row.a);
  model.operand_emin_b = tc::operand_emin(row.b);
  MatrixUnit u;
  u.name = std::string(row.arch) + " " + std::string(row.name);
  u.in = row.a;
  if (row.b != row.a) u.in_b = row.b;
  u.out = row.out;
  u.max_k = 256;
  const Format a = row.a, b = row.b, out = row.out;
  if (model.path == tc::Datapath::scaled || model.path == tc::Datapath::group_scaled) {
    u.scale_block = model.scale_block;
    u.scale = model.scale;
    u.scaled_dot = [model, a, b, out](MatrixUnit::Bits x, MatrixUnit::Bits y, MatrixUnit::Bits sx,
                                      MatrixUnit::Bits sy, uint64_t c) {
      return tc::mma_scaled_dot(model, a, b, x, y, sx, sy, c, out);
    };
    u.dot = [model, a, b, out](MatrixUnit::Bits x, MatrixUnit::Bits y, uint64_t c) {
      const size_t n = (x.size() + static_cast<size_t>(model.scale_block) - 1) /
                       static_cast<size_t>(model.scale_block);
      const std::vector<uint64_t> ones(n, unit_scale(model.scale));
      return tc::mma_scaled_dot(model, a, b, x, y, ones, ones, c, out);
    };
    return u;
  }
  u.dot = [model, a, b, out](MatrixUnit::Bits x, MatrixUnit::Bits y, uint64_t c) {
    return tc::mma_dot(model, a, b, x, y, c, out);
  };
  return u;
}

}  // namespace numguard
