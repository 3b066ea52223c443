// ttl_presets.hpp — cache lifetimes: generic tiers and the seed guide's per-endpoint choices.
//
// The per-endpoint values trade staleness against load: a wallet balance must be nearly fresh
// (money), a published course changes rarely, a course list sits in between.
#pragma once

#include <chrono>

namespace azora::ttl {

using namespace std::chrono_literals;

// Generic tiers.
inline constexpr std::chrono::seconds kShort = 60s;
inline constexpr std::chrono::seconds kMedium = 5min;
inline constexpr std::chrono::seconds kLong = 1h;
inline constexpr std::chrono::seconds kStatic = 24h;  // reference data, invalidated explicitly

// Per endpoint.
inline constexpr std::chrono::seconds kCourseList = 5min;
inline constexpr std::chrono::seconds kCourse = 10min;
inline constexpr std::chrono::seconds kWalletBalance = 30s;
inline constexpr std::chrono::seconds kJobSearch = 2min;

}  // namespace azora::ttl
