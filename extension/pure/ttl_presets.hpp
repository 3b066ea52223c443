// ttl_presets.hpp — the lifetimes behind azora_opt.ttl(name): generic tiers and the seed guide's
// per-data-type defaults, by name.
//
// PostgreSQL-free (test/unit/cache_ttl_test.cpp). The per-data-type values are the seed guide's
// server-side choices (a wallet balance nearly fresh, reference data a day); the client library's
// Redis presets (client/include/azora/ttl_presets.hpp) are per-endpoint and deliberately separate.
#pragma once

#include <cstdint>
#include <string_view>

namespace azora::ttl_preset {

struct Preset {
  const char* name;
  int64_t seconds;
};

inline constexpr Preset kPresets[] = {
    {"short", 60},           {"medium", 5 * 60},
    {"long", 60 * 60},       {"day", 24 * 60 * 60},
    {"user_profile", 3600},  {"course_list", 5 * 60},
    {"course_detail", 3600}, {"wallet_balance", 60},
    {"job_list", 5 * 60},    {"system_config", 24 * 60 * 60},
};

// The preset's lifetime in seconds, or -1 for an unknown name (names are case-sensitive).
inline int64_t seconds(std::string_view name) {
  for (const Preset& p : kPresets)
    if (name == p.name) return p.seconds;
  return -1;
}

// "short, medium, ..." for the hint of an unknown name.
inline constexpr const char* kNameList =
    "short, medium, long, day, user_profile, course_list, course_detail, wallet_balance, "
    "job_list, system_config";

}  // namespace azora::ttl_preset
