// cache_keys.hpp — the seed guide's cache key builders, and the encoding that makes them safe.
//
// Every variable component is percent-encoded down to [A-Za-z0-9_.-], so a user-supplied value
// (a job category, a user id) can never contain ':' (forge another key's shape) or a glob
// character ('*', '?', '[', ']', '\') that would widen an invalidation pattern.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace azora::keys {

// s with every byte outside [A-Za-z0-9_.-] written as %XX (upper-case hex). Injective.
std::string escape_component(std::string_view s);

// "courses:list:page=<page>:size=<size>". page >= 1 and size >= 1, else UsageError.
std::string course_list(int page, int size);
// "courses:id=<id>".
std::string course(std::int64_t id);
std::string course(std::string_view id);
// "wallet:balance:user=<user>".
std::string wallet_balance(std::string_view user);
std::string wallet_balance(std::int64_t user);
// "jobs:category=<category>:page=<page>". page >= 1, else UsageError.
std::string jobs_by_category(std::string_view category, int page);

// Invalidation patterns (for RedisCache::invalidate_pattern) matching the builders above.
// "courses:*": every course and every course list.
std::string all_courses();
// "courses:list:*": every page of the course list (after a course is added or edited).
std::string all_course_lists();
// "jobs:category=<category>:page=*": every page of one category.
std::string jobs_by_category_pages(std::string_view category);

}  // namespace azora::keys
