#include <algorithm>

#include "harness/cli/verb.h"

namespace numguard::cli {
namespace {

// A function-local static: verbs register during static initialisation of other translation
// units, whose order relative to this one is unspecified.
std::vector<Verb>& registry() {
  static std::vector<Verb> verbs;
  return verbs;
}

}  // namespace

bool register_verb(Verb verb) {
  registry().push_back(std::move(verb));
  return true;
}

std::vector<Verb> registered_verbs() {
  std::vector<Verb> sorted = registry();
  std::sort(sorted.begin(), sorted.end(),
            [](const Verb& a, const Verb& b) { return a.name < b.name; });
  return sorted;
}

}  // namespace numguard::cli
