// ttl_presets.hpp — cache lifetimes: generic tiers and the seed guide's per-endpoint choices.
//
// The values are the seed guide's table (docs/client/cache.md repeats it): they trade staleness
// against load — a wallet balance must be nearly fresh (money), a profile or a published course
// changes rarely, lists sit in between, system configuration changes by deployment.
#pragma once

#include <chrono>

namespace azora::ttl {

using namespace std::chrono_literals;

// Generic tiers.
inline constexpr std::chrono::seconds kShort = 1min;
inline constexpr std::chrono::seconds kMedium = 5min;
inline constexpr std::chrono::seconds kLong = 1h;
inline constexpr std::chrono::seconds kDay = 24h;  // reference data, invalidated explicitly

// Per endpoint.
inline constexpr std::chrono::seconds kUserProfile = 1h;
inline constexpr std::chrono::seconds kCourseDetail = 1h;
inline constexpr std::chrono::seconds kCourseList = 5min;
inline constexpr std::chrono::seconds kWalletBalance = 1min;
inline constexpr std::chrono::seconds kJobList = 5min;
inline constexpr std::chrono::seconds kSystemConfig = 24h;

// Earlier names, kept so existing callers compile (same values as the names above).
inline constexpr std::chrono::seconds kStatic = kDay;
inline constexpr std::chrono::seconds kCourse = kCourseDetail;
inline constexpr std::chrono::seconds kJobSearch = kJobList;

}  // namespace azora::ttl
