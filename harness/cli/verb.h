// A verb of the numguard CLI: a subcommand that declares its own options and hands back the
// action to run once the command line has parsed. Each verb registers itself from its own
// file (NUMGUARD_REGISTER_VERB), so adding a verb is adding a verb_*.cpp file.
#pragma once

#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace numguard::cli {

// Exit statuses shared by every verb; scripts and CI rely on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the verb ran and found a problem (e.g. a failed check)
inline constexpr int kExitUsage = 2;    // bad flags or unreadable input: nothing was judged
// numguard's own code failed on a case (not the kernel's fault): the run is incomplete.
inline constexpr int kExitInternal = 3;

using VerbAction = std::function<int()>;

struct Verb {
  std::string_view name;
  std::string_view summary;
  // Adds the verb's options to its subcommand. The options must write into state the returned
  // action owns (capture a shared_ptr), because the action runs after parsing.
  std::function<VerbAction(CLI::App&)> setup;
};

// Thrown by an action for a usage problem CLI11 cannot see (e.g. an option combination);
// main prints it as one line and exits with kExitUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool register_verb(Verb verb);
// Every registered verb, sorted by name.
std::vector<Verb> registered_verbs();

}  // namespace numguard::cli

#define NUMGUARD_VERB_CONCAT_(a, b) a##b
#define NUMGUARD_VERB_CONCAT(a, b) NUMGUARD_VERB_CONCAT_(a, b)
#define NUMGUARD_REGISTER_VERB(...)                                                              \
  [[maybe_unused]] static const bool NUMGUARD_VERB_CONCAT(numguard_verb_registered_, __LINE__) = \
      ::numguard::cli::register_verb(__VA_ARGS__)
