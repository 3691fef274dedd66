// The named case generators. Case i of a check uses generator i % count; each op gives every
// generator its own meaning (OpInfo::make, OpInfo::generator_notes) -- "near_overflow" is a
// sum close to the accumulator's overflow for a reduction and logits in the top binades for
// softmax -- so one name selects the same kind of stress for every op.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "harness/core/format.h"

namespace numguard {

struct Generator {
  std::string name;
  std::string description;  // the generic meaning
};

// Every generator, in a fixed order.
std::span<const Generator> case_generators();
const Generator* find_generator(std::string_view name);

// Rounds x into f (RNE) and returns the bits: how generators place values in a format.
uint64_t to_bits(Format f, double x);

}  // namespace numguard
