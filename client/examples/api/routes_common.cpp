// routes_common.cpp — shared route pieces (see routes_common.hpp).
#include "routes_common.hpp"

#include "api_error.hpp"
#include "params.hpp"
#include "sql.hpp"

namespace azora::example::routes {

std::string single_row(const nlohmann::json& rows, const char* code, const std::string& what) {
  if (rows.empty()) throw ApiError(404, code, what + " not found");
  return rows.front().dump();
}

Reply update_course(RowSource& rows, const httplib::Request& req, std::int64_t* id) {
  only_params(req, {});
  *id = id_param(req.matches[1]);
  const CourseUpdate u = course_update(req.body);
  const Param price = u.price_cents ? Param(std::to_string(*u.price_cents)) : Param();
  const nlohmann::json updated =
      rows.write(RowQuery{sql::kUpdateCourse, {u.title, price, std::to_string(*id)}},
                 shaping::preset(shaping::Preset::full));
  return Reply{200, single_row(updated, "not_found", "course " + std::to_string(*id))};
}

void check_page_exists(bool empty, int page) {
  if (empty && page > 1) {
    throw ApiError(404, "page_out_of_range", "page " + std::to_string(page) + " is past the end");
  }
}

}  // namespace azora::example::routes
