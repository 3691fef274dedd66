// The GPU's matrix units as MatrixUnits: mma.sync through a one-warp probe kernel, and cuBLAS
// GEMM with K-long 1x1 products. Empty (with the reason) where no CUDA device exists.
#pragma once

#include <string>
#include <vector>

#include "harness/studies/matrix_unit.h"

namespace numguard {

std::vector<MatrixUnit> device_matrix_units(std::string* why_not);

}  // namespace numguard
