// context.cpp — argument parsing and lazily opened connections (see context.hpp).
#include "context.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <cstdint>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "azora/error.hpp"

namespace azora::cli {

bool Args::flag(const std::string& name) {
  for (auto it = words_.begin(); it != words_.end(); ++it) {
    if (*it == name) {
      words_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<std::string> Args::option(const std::string& name) {
  for (size_t i = 0; i < words_.size(); i++) {
    if (words_[i] == name) {
      if (i + 1 >= words_.size()) throw UsageError(name + " needs a value");
      std::string value = words_[i + 1];
      words_.erase(words_.begin() + static_cast<long>(i),
                   words_.begin() + static_cast<long>(i) + 2);
      return value;
    }
    if (words_[i].rfind(name + "=", 0) == 0) {
      std::string value = words_[i].substr(name.size() + 1);
      words_.erase(words_.begin() + static_cast<long>(i));
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Args::positional() const {
  // "--x" and "-x" are options; "-123" is a (negative) number.
  for (const std::string& w : words_)
    if (w.size() > 1 && w[0] == '-' && !std::isdigit(static_cast<unsigned char>(w[1])))
      throw UsageError("unknown option " + w);
  return words_;
}

long long parse_int64(const std::string& text, const std::string& what) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw UsageError(what + " must be a 64-bit integer, e.g. -8243711737183902387 (got '" + text +
                     "')");
  return value;
}

double parse_number(const std::string& text, const std::string& what) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    throw UsageError(what + " must be a number, e.g. 0.25 (got '" + text + "')");
  return value;
}

Result exec_input(Connection& conn, const std::string& sql, const std::vector<Param>& params) {
  try {
    return conn.exec_params(sql, params);
  } catch (const ConnectionError&) {
    throw;
  } catch (const SqlError& e) {
    // Class 22 (data exception): the server refused a value the user typed.
    if (e.sqlstate().rfind("22", 0) == 0)
      throw InputRefused(e.what(), e.sqlstate(), e.detail(), e.hint());
    throw;
  }
}

Connection& Context::open(size_t i) {
  if (conns_.size() < node_count()) conns_.resize(node_count());
  if (!conns_[i]) conns_[i] = std::make_unique<Connection>(dsns_[i]);
  return *conns_[i];
}

Context::Context(std::vector<std::string> dsns, Format format, std::vector<std::string> args)
    : dsns_(std::move(dsns)), format_(format), args_(std::move(args)) {
  if (dsns_.empty()) dsns_.emplace_back();
}

Connection& Context::primary() {
  return open(0);
}

std::vector<Connection*> Context::all() {
  std::vector<Connection*> out;
  for (size_t i = 0; i < node_count(); i++) out.push_back(&open(i));
  return out;
}

std::string Context::node_name(size_t i) {
  PGconn* conn = open(i).native();
  std::string host = PQhost(conn) != nullptr ? PQhost(conn) : "?";
  // A unix socket directory is long and says little: show "local" instead.
  if (!host.empty() && host[0] == '/') host = "local";
  return host + ":" + (PQport(conn) != nullptr ? PQport(conn) : "?");
}

long long parse_size(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) i++;
  if (i == 0) throw UsageError("not a size: '" + text + "' (examples: 500MB, 2GB, 100kB)");
  long long value = 0;
  try {
    value = std::stoll(text.substr(0, i));
  } catch (const std::exception&) {
    throw UsageError("size out of range: '" + text + "'");
  }
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  long long scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "kb" || unit == "k") {
    scale = 1024LL;
  } else if (unit == "mb" || unit == "m") {
    scale = 1024LL * 1024;
  } else if (unit == "gb" || unit == "g") {
    scale = 1024LL * 1024 * 1024;
  } else if (unit == "tb" || unit == "t") {
    scale = 1024LL * 1024 * 1024 * 1024;
  } else {
    throw UsageError("unknown size unit in '" + text + "' (use B, kB, MB, GB or TB)");
  }
  if (value > INT64_MAX / scale) throw UsageError("size out of range: '" + text + "'");
  return value * scale;
}

}  // namespace azora::cli
