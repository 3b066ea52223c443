// routes_before.cpp — before mode: the seed guide's "Before" code, kept honest. It runs on the
// same pool and the same server as after mode; what it lacks is what the guide adds: it fetches
// every row and every column (SELECT *) and pages in memory, caches nothing, sends everything
// the rows hold, and never compresses.
#include <string>

#include "azora/array_page.hpp"
#include "params.hpp"
#include "routes.hpp"
#include "routes_common.hpp"
#include "sql.hpp"

namespace azora::example {

namespace {

const shaping::Options kAsStored = shaping::preset(shaping::Preset::full);

std::string page_of(const nlohmann::json& all, int page) {
  nlohmann::json p = shaping::paginate(all, page, kPageSize);
  routes::check_page_exists(p["data"].empty(), page);
  return p.dump();
}

}  // namespace

void add_before_routes(ApiServer& server, RowSource& rows) {
  server.get(routes::kCourses, routes::kCourses, [&rows](const httplib::Request& req) {
    only_params(req, {"page", "fields"});  // fields is accepted and ignored, as the seed did
    const int page = page_param(req);
    return Reply{200, page_of(rows.rows(RowQuery{sql::kBeforeCourseList, {}}, kAsStored), page)};
  });
  server.get(routes::kCourse, routes::kCoursePattern, [&rows](const httplib::Request& req) {
    only_params(req, {});
    const std::int64_t id = id_param(req.matches[1]);
    const nlohmann::json r =
        rows.rows(RowQuery{sql::kBeforeCourse, {std::to_string(id)}}, kAsStored);
    return Reply{200, routes::single_row(r, "not_found", "course " + std::to_string(id))};
  });
  server.get(routes::kWallet, routes::kWallet, [&rows](const httplib::Request& req) {
    only_params(req, {});
    const std::int64_t user = user_header(req);
    const nlohmann::json r =
        rows.rows(RowQuery{sql::kBeforeWallet, {std::to_string(user)}}, kAsStored);
    return Reply{200,
                 routes::single_row(r, "user_not_found", "wallet of user " + std::to_string(user))};
  });
  server.get(routes::kJobs, routes::kJobs, [&rows](const httplib::Request& req) {
    only_params(req, {"category", "page"});
    const std::string category = category_param(req);
    const int page = page_param(req);
    return Reply{200, page_of(rows.rows(RowQuery{sql::kBeforeJobs, {category}}, kAsStored), page)};
  });
  server.post(routes::kCourse, routes::kCoursePattern, [&rows](const httplib::Request& req) {
    std::int64_t id = 0;
    return routes::update_course(rows, req, &id);
  });
}

}  // namespace azora::example
