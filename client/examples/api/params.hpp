// params.hpp — request parameters, validated: page numbers, ids, the X-User-Id header, the job
// category and the course update body. Anything malformed is an ApiError 400 naming what is
// wrong, never a 500: these values come straight from the client.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <httplib.h>

namespace azora::example {

inline constexpr int kPageSize = 20;  // the seed's page size
inline constexpr int kMaxPage = 1000000;

// The query parameters an endpoint takes: any other (a misspelt `pagesize`, `pageSize`, a
// repeated `page`) is a 400 invalid_parameter naming it and the allowed ones, instead of being
// silently ignored.
void only_params(const httplib::Request& req, std::initializer_list<const char*> allowed);
// ?page=N: 1 when absent, else an integer in 1..kMaxPage (400 invalid_page).
int page_param(const httplib::Request& req);
// A positive 64-bit id in decimal (400 invalid_id).
std::int64_t id_param(const std::string& text);
// The X-User-Id header: 400 missing_user when absent or empty, 400 invalid_user when it is not
// a positive 64-bit integer.
std::int64_t user_header(const httplib::Request& req);
// ?category=C: required (400 missing_category), at most 64 bytes (400 invalid_category).
std::string category_param(const httplib::Request& req);

// The body of POST /api/courses/{id}: a JSON object with "title" (non-empty string, at most
// 200 bytes) and/or "price_cents" (integer 0..10000000); 400 invalid_body otherwise.
struct CourseUpdate {
  std::optional<std::string> title;
  std::optional<int> price_cents;
};
CourseUpdate course_update(const std::string& body);

}  // namespace azora::example
