// What the report's studies need from the reduction family (op_study.h): the accumulation
// study's inputs at length n, the range study's pattern and the formats' cliffs on it.
#pragma once

#include "harness/engine/op.h"
#include "harness/engine/ops/reduction_cases.h"

namespace numguard::ops {

AccumulationSpec reduction_accumulation(const ReductionForm& f, std::string length_meaning,
                                        std::string noun, std::vector<std::string> plotted);
RangeSpec reduction_range(const ReductionForm& f);

}  // namespace numguard::ops
