// routes_common.hpp — what both modes' routes share: the path patterns and route labels, the
// write endpoint, and the one-row and page replies.
#pragma once

#include <cstdint>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http_server.hpp"
#include "rows.hpp"

namespace azora::example::routes {

// Route label (template) and httplib pattern. {id} matches any segment so that a non-numeric
// id reaches the handler and gets a 400 invalid_id, not a bare 404.
inline constexpr const char* kCourses = "/api/courses";
inline constexpr const char* kCourse = "/api/courses/{id}";
inline constexpr const char* kCoursePattern = R"(/api/courses/([^/]+))";
inline constexpr const char* kWallet = "/api/wallet/balance";
inline constexpr const char* kJobs = "/api/jobs";

// The only object of rows, dumped; ApiError 404 with `code` when there is none.
std::string single_row(const nlohmann::json& rows, const char* code, const std::string& what);

// POST /api/courses/{id}: validates the body, runs the UPDATE, returns the updated course's id,
// title and price_cents (404 not_found for an unknown id). Returns the id updated.
Reply update_course(RowSource& rows, const httplib::Request& req, std::int64_t* id);

// 404 page_out_of_range for an empty page past the first (page 1 of nothing is an empty list).
void check_page_exists(bool empty, int page);

}  // namespace azora::example::routes
