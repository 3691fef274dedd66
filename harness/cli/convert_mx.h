// `numguard convert --mx FORMAT`: the values as one tensor quantized block by block into an
// MX or NVFP4 format (references/mx_block.h), with each block's scale, elements and the
// dequantized values beside the inputs.
#pragma once

#include <string>
#include <vector>

#include "references/mx_block.h"

namespace numguard::cli {

// Prints the quantization of `values` (texts as `convert` reads them); exit status as verbs
// return it. Throws UsageError on a value that is not a number.
int run_convert_mx(const mx::BlockFormat& f, mx::ScaleRule rule,
                   const std::vector<std::string>& values, bool json);

}  // namespace numguard::cli
