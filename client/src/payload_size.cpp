// payload_size.cpp — response sizes (see payload_size.hpp).
#include "azora/payload_size.hpp"

#include <array>
#include <cstdio>

namespace azora {

std::size_t payload_size(const nlohmann::json& doc) {
  // replace, not strict: a size estimate must not throw on a stray invalid byte.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

std::string human_size(std::size_t bytes) {
  static constexpr std::array<const char*, 5> kUnits{"B", "KB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= 1024.0 && unit + 1 < kUnits.size()) {
    v /= 1024.0;
    unit++;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

}  // namespace azora
