// routes_after.cpp — after mode: the seed guide's "After" code done right. One page per query
// (LIMIT size + 1, so hasMore needs no COUNT), only the columns the endpoint shows (and
// ?fields= narrows the course list further, through an allow-list), shaped (nulls dropped,
// long strings cut, nulls kept), whole bodies cached with the seed's TTLs, and the course caches
// invalidated by the write endpoint. gzip is negotiated by the ApiServer.
#include <string>

#include "api_error.hpp"
#include "azora/cache_keys.hpp"
#include "azora/projection.hpp"
#include "params.hpp"
#include "routes.hpp"
#include "routes_common.hpp"
#include "sql.hpp"

namespace azora::example {

namespace {

// The course list's columns a client may ask for with ?fields=.
const Projection kCourseListFields({"id", "title", "category", "price_cents", "rating",
                                    "instructor_name"});

// {"data": rows (at most kPageSize), "page", "pageSize", "hasMore"}; rows holds one extra row
// when there is a next page.
std::string envelope(nlohmann::json rows, int page) {
  const bool has_more = rows.size() > static_cast<std::size_t>(kPageSize);
  if (has_more) rows.erase(rows.size() - 1);
  routes::check_page_exists(rows.empty(), page);
  return nlohmann::json{
      {"data", std::move(rows)}, {"page", page}, {"pageSize", kPageSize}, {"hasMore", has_more}}
      .dump();
}

std::vector<Param> page_params(int page) {
  return {std::to_string(kPageSize + 1),
          std::to_string(static_cast<long long>(page - 1) * kPageSize)};
}

// ?fields=a,b checked against the allow-list (400 invalid_fields); every allowed column without
// ?fields.
std::vector<std::string> course_list_fields(const httplib::Request& req) {
  if (!req.has_param("fields")) return kCourseListFields.allowed();
  try {
    return kCourseListFields.select(req.get_param_value("fields"));
  } catch (const UsageError& e) {
    throw ApiError(400, "invalid_fields", e.what());
  }
}

// The standard preset (strings cut at 1000 bytes) with explicit nulls: a web client reads a
// missing member and a null one differently, and every row of a list has the same members.
shaping::Options after_options(const std::vector<std::string>& fields = {}) {
  shaping::Options o = shaping::preset(shaping::Preset::standard, fields);
  o.drop_nulls = false;
  return o;
}

// One object from the cache, or the query's only row, shaped and stored (404 `code` when
// there is none, and nothing is stored).
Reply cached_row(RowSource& rows, ResponseCache& cache, CacheSlot slot, const std::string& key,
                 const RowQuery& q, const char* code, const std::string& what) {
  return Reply{200, cache.get_or_build(slot, key, [&] {
                 return routes::single_row(rows.rows(q, after_options()), code, what);
               })};
}

}  // namespace

void add_after_routes(ApiServer& server, RowSource& rows, ResponseCache& cache) {
  server.get(routes::kCourses, routes::kCourses, [&rows, &cache](const httplib::Request& req) {
    only_params(req, {"page", "fields"});
    const int page = page_param(req);
    const auto fields = course_list_fields(req);
    const auto build = [&] {
      const auto opts = after_options(fields);
      return envelope(rows.rows(RowQuery{sql::kAfterCourseList, page_params(page)}, opts), page);
    };
    // Custom ?fields= selections are not cached: each would be one more key per page to
    // invalidate on every write, for a rarer request.
    if (req.has_param("fields")) return Reply{200, build()};
    return Reply{
        200, cache.get_or_build(CacheSlot::course_list, keys::course_list(page, kPageSize), build)};
  });
  server.get(routes::kCourse, routes::kCoursePattern, [&rows, &cache](const httplib::Request& req) {
    only_params(req, {});
    const std::int64_t id = id_param(req.matches[1]);
    return cached_row(rows, cache, CacheSlot::course, keys::course(id),
                      RowQuery{sql::kAfterCourse, {std::to_string(id)}}, "not_found",
                      "course " + std::to_string(id));
  });
  server.get(routes::kWallet, routes::kWallet, [&rows, &cache](const httplib::Request& req) {
    only_params(req, {});
    const std::int64_t user = user_header(req);
    return cached_row(rows, cache, CacheSlot::wallet, keys::wallet_balance(user),
                      RowQuery{sql::kAfterWallet, {std::to_string(user)}}, "user_not_found",
                      "wallet of user " + std::to_string(user));
  });
  server.get(routes::kJobs, routes::kJobs, [&rows, &cache](const httplib::Request& req) {
    only_params(req, {"category", "page"});
    const std::string category = category_param(req);
    const int page = page_param(req);
    return Reply{200,
                 cache.get_or_build(CacheSlot::jobs, keys::jobs_by_category(category, page), [&] {
                   std::vector<Param> params = page_params(page);
                   params.insert(params.begin(), category);
                   const auto opts = after_options();
                   return envelope(rows.rows(RowQuery{sql::kAfterJobs, params}, opts), page);
                 })};
  });
  server.post(
      routes::kCourse, routes::kCoursePattern, [&rows, &cache](const httplib::Request& req) {
        std::int64_t id = 0;
        Reply reply = routes::update_course(rows, req, &id);
        // After the commit (the UPDATE is its own transaction): the course, and the one list page
        // that shows it. Exact DELs, not the seed's "courses:list:*" pattern: that one SCANs the
        // keyspace and empties every page on every write, which under a 2 % write mix keeps the
        // list cache nearly empty. (A reader that loaded the old row before the commit and stores
        // it after these DELs leaves it stale until its TTL: cache-aside's known race.)
        const nlohmann::json rank = rows.rows(RowQuery{sql::kCourseRank, {std::to_string(id)}},
                                              shaping::preset(shaping::Preset::full));
        const long long position = rank.at(0).at("rank").get<long long>();
        cache.invalidate(CacheSlot::course, keys::course(id));
        cache.invalidate(
            CacheSlot::course_list,
            keys::course_list(static_cast<int>((position - 1) / kPageSize + 1), kPageSize));
        return reply;
      });
}

}  // namespace azora::example
