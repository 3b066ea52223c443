// server_cache.cpp — the SQL behind ServerCache (see server_cache.hpp).
#include "azora/server_cache.hpp"

namespace azora {

std::string ServerCache::json(std::string_view key, std::string_view query,
                              std::chrono::seconds ttl, const std::vector<Param>& params) {
  // The params array is built from placeholders only ($4, $5, ...), so no value is ever part of
  // the SQL text; an empty list passes NULL (no params).
  std::string sql = "SELECT azora_opt.cached_json($1::text, $2::text, $3::interval, ";
  if (params.empty()) {
    sql += "NULL::text[])";
  } else {
    sql += "ARRAY[";
    for (std::size_t i = 0; i < params.size(); i++) {
      if (i > 0) sql += ", ";
      sql += "$" + std::to_string(i + 4) + "::text";
    }
    sql += "])";
  }
  std::vector<Param> all = {
      std::string(key), std::string(query),
      ttl.count() > 0 ? Param(std::to_string(ttl.count()) + " seconds") : Param(std::nullopt)};
  all.insert(all.end(), params.begin(), params.end());
  Result r = conn_.exec_prepared(sql, all);
  return std::string(r.value(0, 0));
}

bool ServerCache::invalidate(std::string_view key) {
  Result r = conn_.exec_prepared("SELECT azora_opt.cache_invalidate($1::text)", {std::string(key)});
  return r.value(0, 0) == "t";
}

std::int64_t ServerCache::invalidate_pattern(std::string_view glob) {
  Result r = conn_.exec_prepared("SELECT azora_opt.cache_invalidate_pattern($1::text)",
                                 {std::string(glob)});
  return std::stoll(std::string(r.value(0, 0)));
}

}  // namespace azora
