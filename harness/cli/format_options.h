// Options every verb spells the same way: a number format ("fp16", "bf16", "e4m3", ...) and a
// rounding mode ("rne", "rz", "ru", "rd", "rna", "sr"). Unknown names are usage errors that
// list the accepted spellings.
#pragma once

#include <optional>
#include <string>

#include "harness/core/format.h"
#include "harness/core/rounding.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace numguard::cli {

// "fp64, fp32, tf32, bf16, fp16, e4m3, e5m2"
std::string format_names();

CLI::Option* add_format_option(CLI::App& app, const std::string& flag, Format& out,
                               const std::string& help);
CLI::Option* add_format_option(CLI::App& app, const std::string& flag, std::optional<Format>& out,
                               const std::string& help);
CLI::Option* add_rounding_option(CLI::App& app, const std::string& flag, Rounding& out,
                                 const std::string& help);

}  // namespace numguard::cli
