// `numguard check --kernel K --seed S --case I`: rebuilds one case, runs the kernel on it and
// prints what a person needs to debug it — the generator and shape, the worst output element,
// the inputs that feed it (CUTLASS-style dump: inline up to 16 values, otherwise all inputs go
// to numguard-case-<kernel>-<seed>-<case>.txt in the current directory), the exact reference,
// the output, and the error against the derived bound.
#pragma once

#include <cstdint>
#include <string>

#include "harness/engine/check_runner.h"

namespace numguard::cli {

// Prints the details on stdout and returns the outcome (its verdict decides the exit status).
CaseOutcome print_case_details(const KernelDesc& k, uint64_t seed, int64_t index);

// Where a case came from, for print_case.
struct CaseOrigin {
  std::string text;  // the "case" line: "3 of seed 1, generator uniform", "reproducer FILE"
  // When the inputs are too many to list: the file that already holds them (a reproducer),
  // or else the file to write them to, with its header lines.
  std::string inputs_in;
  std::string inputs_file, inputs_header;
};

// The same details for any case: a reproducer's, a generated one's.
CaseOutcome print_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin);
// The same, into `text` instead of stdout (the inputs file, when there is one, is written).
CaseOutcome describe_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin,
                          std::string& text);

}  // namespace numguard::cli
