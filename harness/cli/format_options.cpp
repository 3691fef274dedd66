#include "harness/cli/format_options.h"

#include <CLI/CLI.hpp>

namespace numguard::cli {
namespace {

constexpr const char* kRoundingNames = "rne, rz, ru, rd, rna, sr";

CLI::Validator format_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (format_from_name(s)) return {};
        return "unknown format '" + s + "' (known: " + format_names() + ")";
      },
      "");
}

CLI::Validator rounding_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (rounding_from_name(s)) return {};
        return "unknown rounding mode '" + s + "' (known: " + kRoundingNames + ")";
      },
      "");
}

}  // namespace

std::string format_names() {
  std::string names;
  for (const FormatDesc& d : all_formats()) {
    if (!names.empty()) names += ", ";
    names += d.name;
  }
  return names;
}

CLI::Option* add_format_option(CLI::App& app, const std::string& flag, Format& out,
                               const std::string& help) {
  return app
      .add_option_function<std::string>(
          flag, [&out](const std::string& s) { out = *format_from_name(s); },
          help + " (" + format_names() + ")")
      ->check(format_validator())
      ->type_name("FORMAT");
}

CLI::Option* add_format_option(CLI::App& app, const std::string& flag, std::optional<Format>& out,
                               const std::string& help) {
  return app
      .add_option_function<std::string>(
          flag, [&out](const std::string& s) { out = format_from_name(s); },
          help + " (" + format_names() + ")")
      ->check(format_validator())
      ->type_name("FORMAT");
}

CLI::Option* add_rounding_option(CLI::App& app, const std::string& flag, Rounding& out,
                                 const std::string& help) {
  return app
      .add_option_function<std::string>(
          flag, [&out](const std::string& s) { out = *rounding_from_name(s); },
          help + " (" + kRoundingNames + ")")
      ->check(rounding_validator())
      ->type_name("MODE");
}

}  // namespace numguard::cli
