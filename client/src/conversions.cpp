// conversions.cpp — the non-template conversions of conversions.hpp: floating point to and from
// text, booleans, and the errors.
#include "azora/conversions.hpp"

#include <cctype>
#include <cmath>

namespace azora::conv {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); i++) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// PostgreSQL's spellings of the non-finite values: float8in and numeric_in read them back
// (to_chars' "inf"/"nan" are read by float8in but not by numeric_in).
template <class F>
std::string floating_to_text(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  // Without a format and precision, to_chars writes the shortest text that reads back to
  // exactly v (round-trip), like PostgreSQL's own output with extra_float_digits = 1.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 64 bytes hold any double's shortest form
  return std::string(buf, end);
}

template <class F>
std::optional<F> parse_floating(std::string_view text) noexcept {
  std::string_view s = trim(text);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  // from_chars reads "inf", "infinity" and "nan" in any case, as float8in does.
  F v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string describe(std::string_view text, const char* type, const std::string& where) {
  // Long values are cut: the message is for a log line, not a dump of the field.
  constexpr std::size_t kMaxShown = 64;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  std::string m = "cannot convert \"" + shown + "\" to " + type;
  if (!where.empty()) m += " (" + where + ")";
  return m;
}

}  // namespace

std::string double_to_text(double v) {
  return floating_to_text(v);
}
std::string float_to_text(float v) {
  return floating_to_text(v);
}

std::optional<double> parse_double(std::string_view text) noexcept {
  return parse_floating<double>(text);
}
std::optional<float> parse_float(std::string_view text) noexcept {
  return parse_floating<float>(text);
}

std::optional<bool> parse_bool(std::string_view text) noexcept {
  const std::string_view s = trim(text);
  for (std::string_view w : {"t", "true", "y", "yes", "on", "1"})
    if (iequals(s, w)) return true;
  for (std::string_view w : {"f", "false", "n", "no", "off", "0"})
    if (iequals(s, w)) return false;
  return std::nullopt;
}

void throw_bad_conversion(std::string_view text, const char* type, const std::string& where,
                          const char* why) {
  throw ConversionError(describe(text, type, where) + ": " + why);
}

void throw_unexpected_null(const char* type, const std::string& where) {
  throw UnexpectedNull((where.empty() ? std::string("value") : where) +
                       ": NULL cannot be read as " + type + "; read it as std::optional<" + type +
                       "> or with a default, as<" + type + ">(fallback)");
}

}  // namespace azora::conv
