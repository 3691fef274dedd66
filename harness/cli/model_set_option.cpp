#include "harness/cli/model_set_option.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

#include "harness/cli/verb.h"
#include "references/tensor_core_features.h"

namespace numguard::cli {

void apply_model_settings(tc::TcModel& m, const std::vector<std::string>& settings) {
  for (const std::string& kv : settings) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--set {}: expected KEY=VALUE", kv));
    try {
      tc::set_feature(m, std::string_view(kv).substr(0, eq), std::string_view(kv).substr(eq + 1));
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--set {}", e.what()));
    }
  }
}

}  // namespace numguard::cli
