// conversions.hpp — C++ values to and from PostgreSQL's text format: statement parameters
// (azora::Param) and field values (Field::as<T>, azora::from_text<T>).
//
// Parameters travel in text format, so every value becomes the text PostgreSQL's input
// functions accept: integers in decimal, doubles in the shortest form that reads back to the
// same double (std::to_chars; NaN and ±Infinity spelled as PostgreSQL spells them), bool as
// "true"/"false" (boolin's words; libpqxx sends the same), and NULL for std::nullopt, nullptr
// or an empty std::optional<T>. Reading does the reverse, strictly: the whole text must parse
// and fit the type, or ConversionError says which column held what.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "azora/error.hpp"

namespace azora {

// A value was NULL where the caller asked for a non-optional type, or its text does not
// convert to the type asked for (out of range, not a number, not a boolean, ...).
class ConversionError : public Error {
 public:
  using Error::Error;
};

// The NULL case of ConversionError: read the field as std::optional<T>, or with a default.
class UnexpectedNull : public ConversionError {
 public:
  using ConversionError::ConversionError;
};

namespace conv {

template <class T>
inline constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// The C++ name of T, for error messages ("int", "double", ...).
template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else if constexpr (std::is_same_v<T, signed char>)
    return "signed char";
  else if constexpr (std::is_same_v<T, unsigned char>)
    return "unsigned char";
  else if constexpr (std::is_same_v<T, short>)
    return "short";
  else if constexpr (std::is_same_v<T, unsigned short>)
    return "unsigned short";
  else if constexpr (std::is_same_v<T, int>)
    return "int";
  else if constexpr (std::is_same_v<T, unsigned>)
    return "unsigned int";
  else if constexpr (std::is_same_v<T, long>)
    return "long";
  else if constexpr (std::is_same_v<T, unsigned long>)
    return "unsigned long";
  else if constexpr (std::is_same_v<T, long long>)
    return "long long";
  else if constexpr (std::is_same_v<T, unsigned long long>)
    return "unsigned long long";
  else if constexpr (std::is_same_v<T, float>)
    return "float";
  else if constexpr (std::is_same_v<T, double>)
    return "double";
  else if constexpr (std::is_same_v<T, std::string>)
    return "std::string";
  else if constexpr (std::is_same_v<T, std::string_view>)
    return "std::string_view";
  else
    return "the requested type";
}

// Non-template pieces, in conversions.cpp.
std::string double_to_text(double v);
std::string float_to_text(float v);
// Whether text is a boolean as boolin reads it (true, t, yes, y, on, 1 and their opposites,
// any case, surrounding blanks allowed); nullopt if not.
std::optional<bool> parse_bool(std::string_view text) noexcept;
std::optional<double> parse_double(std::string_view text) noexcept;
std::optional<float> parse_float(std::string_view text) noexcept;
// "cannot convert "abc" to int (column "price", row 0): not a number"; where may be "".
[[noreturn]] void throw_bad_conversion(std::string_view text, const char* type,
                                       const std::string& where, const char* why);
[[noreturn]] void throw_unexpected_null(const char* type, const std::string& where);

}  // namespace conv

// The text of v as PostgreSQL reads it (see the header comment).
template <class T, std::enable_if_t<conv::is_integer_v<T>, int> = 0>
std::string to_text(T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 24 bytes hold any 64-bit integer
  return std::string(buf, end);
}
inline std::string to_text(bool v) {
  return v ? "true" : "false";
}
inline std::string to_text(double v) {
  return conv::double_to_text(v);
}
inline std::string to_text(float v) {
  return conv::float_to_text(v);
}

// Converts a field's text to T. Integers: optional '-' (or '+') and digits, surrounding blanks
// allowed (int4in accepts them), nothing else, within T's range. Floating point: what float8in
// accepts (decimal, exponent, NaN, Infinity, -Infinity, inf). bool: see parse_bool.
// std::string / std::string_view: the text itself (a view points into the caller's buffer).
// `where` names the value in the error ("column \"price\", row 3").
template <class T>
T from_text(std::string_view text, const std::string& where = {}) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return text;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto b = conv::parse_bool(text)) return *b;
    conv::throw_bad_conversion(text, "bool", where,
                               "expected true/false, t/f, yes/no, on/off or 1/0");
  } else if constexpr (std::is_same_v<T, double>) {
    if (auto d = conv::parse_double(text)) return *d;
    conv::throw_bad_conversion(text, "double", where, "not a number");
  } else if constexpr (std::is_same_v<T, float>) {
    if (auto f = conv::parse_float(text)) return *f;
    conv::throw_bad_conversion(text, "float", where, "not a number, or out of float's range");
  } else if constexpr (conv::is_integer_v<T>) {
    std::string_view s = text;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
      s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
      s.remove_suffix(1);
    }
    // from_chars takes no '+'; a '+' before a '-' stays an error.
    if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
      conv::throw_bad_conversion(text, conv::type_name<T>(), where, "out of range");
    }
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      conv::throw_bad_conversion(text, conv::type_name<T>(), where, "not an integer");
    }
    return v;
  } else {
    static_assert(sizeof(T) == 0,
                  "azora::from_text: no conversion for this type (integers, float, double, bool, "
                  "std::string, std::string_view)");
  }
}

// A statement parameter: a value in PostgreSQL's text format, or NULL (no value). Built
// implicitly from what a caller has, so `db.exec_params(sql, {42, "x", 1.5, std::nullopt})`
// works: integers, float/double, bool, std::string, std::string_view, const char* (nullptr is
// NULL), std::nullopt and nullptr (NULL), std::optional<T> of any of these (empty is NULL).
// It is a std::optional<std::string> (the text or nothing), so code reading parameters keeps
// working. A char is refused at compile time: a digit or a letter? say which with a string
// or an int.
class Param : public std::optional<std::string> {
 public:
  Param() = default;  // NULL
  Param(std::nullopt_t) {}
  Param(std::nullptr_t) {}
  Param(std::string v) : std::optional<std::string>(std::move(v)) {}
  Param(std::string_view v) : std::optional<std::string>(std::in_place, v) {}
  Param(const char* v) {
    if (v != nullptr) emplace(v);
  }
  Param(bool v) : std::optional<std::string>(to_text(v)) {}
  Param(double v) : std::optional<std::string>(to_text(v)) {}
  Param(float v) : std::optional<std::string>(to_text(v)) {}
  template <class T, std::enable_if_t<conv::is_integer_v<T>, int> = 0>
  Param(T v) : std::optional<std::string>(to_text(v)) {}
  template <class T>
  Param(const std::optional<T>& v) {
    if (v) {
      Param p(*v);
      if (p) emplace(std::move(*p));
    }
  }
  Param(char) = delete;
};

}  // namespace azora
