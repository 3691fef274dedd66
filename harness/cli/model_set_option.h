// `--set KEY=VALUE` (numguard mma, probe): one feature of an instruction's model changed, to
// ask what a unit that differs in that one respect would do (tc::model_features lists them).
#pragma once

#include <string>
#include <vector>

#include "references/tensor_core_model.h"

namespace numguard::cli {

// Applies each KEY=VALUE in order; a malformed pair, an unknown key or value is a UsageError.
void apply_model_settings(tc::TcModel& m, const std::vector<std::string>& settings);

}  // namespace numguard::cli
