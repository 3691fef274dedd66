// How `numguard explain` (and `check --explain`) prints an explanation: the ranked table and
// the verdict as text, and the JSON {"kernel", "failing_cases", "passing_cases", "hypotheses":
// [{"tag", "description", "reproduces", "within_bound", "breaks_passing"}, ...], "verdict"}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/explain/explain_run.h"

namespace numguard::cli {

// At most `rows` hypotheses (the best first).
std::string explanation_text(const explain::Explanation& e, size_t rows = 12);
nlohmann::json explanation_json(const explain::Explanation& e);

}  // namespace numguard::cli
