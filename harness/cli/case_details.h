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
// outputs_file: where to write the kernel's whole output as .npy (npy_output.h), "" nowhere;
// a failure to write it goes to *outputs_error.
CaseOutcome print_case_details(const KernelDesc& k, uint64_t seed, int64_t index,
                               const std::string& outputs_file = "",
                               std::string* outputs_error = nullptr);

// Where a case came from, for print_case.
struct CaseOrigin {
  std::string text;  // the "case" line: "3 of seed 1, generator uniform", "reproducer FILE"
  // When the inputs are too many to list: the file that already holds them (a reproducer),
  // or else the file to write them to, with its header lines.
  std::string inputs_in;
  std::string inputs_file, inputs_header;
  // Where to write the kernel's output (.npy), "" for nowhere; *outputs_error says why not.
  std::string outputs_file;
  std::string* outputs_error = nullptr;
};

// The same details for any case: a reproducer's, a generated one's.
CaseOutcome print_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin);
// The same, into `text` instead of stdout (the inputs file, when there is one, is written).
CaseOutcome describe_case(const KernelDesc& k, const Problem& p, const CaseOrigin& origin,
                          std::string& text);

}  // namespace numguard::cli
