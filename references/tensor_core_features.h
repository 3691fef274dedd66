// The model's switchable features by name, so a user can ask "what if this instruction did X"
// (`numguard mma --set KEY=VALUE`) without a new preset: each key is one TcModel field.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "references/tensor_core_model.h"

namespace numguard::tc {

struct Feature {
  std::string_view key;
  std::string_view values;  // what the key accepts, for help and errors
  std::string_view meaning;
};

std::span<const Feature> model_features();

// Sets one feature from its text ("signed_zero" "true", "zero_exponent" "none", "nan"
// "quiet"); throws std::invalid_argument naming the key and what it accepts.
void set_feature(TcModel& m, std::string_view key, std::string_view value);

// The feature's current value as text (what set_feature reads back).
std::string feature_value(const TcModel& m, std::string_view key);

}  // namespace numguard::tc
