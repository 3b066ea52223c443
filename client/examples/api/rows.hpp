// rows.hpp — RowSource: runs one read query on a pooled connection and returns its rows as a
// shaped JSON array.
//
// The seam for the server-side result cache (issue 8): a `--cache server` source would send
// the same RowQuery as SELECT azora_opt.cached_json(key, sql, ttl, params) and shape the JSON
// it returns, so the handlers do not change. Today there is one source, DirectRows.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "azora/connection.hpp"
#include "azora/pool.hpp"
#include "azora/shaping.hpp"

namespace azora::example {

struct RowQuery {
  std::string sql;            // one SELECT with $1..$n; fixed text (prepared per connection)
  std::vector<Param> params;  // values, never interpolated
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // The rows as an array of objects, shaped by opts. Errors propagate (SqlError, ...).
  virtual nlohmann::json rows(const RowQuery& q, const shaping::Options& opts) = 0;
  // One write statement (its own transaction); returns its RETURNING rows the same way. Apart
  // from rows() because a caching source must never cache or serve a write.
  virtual nlohmann::json write(const RowQuery& q, const shaping::Options& opts) = 0;
};

// Straight to PostgreSQL through the pool.
class DirectRows : public RowSource {
 public:
  explicit DirectRows(Pool& pool) : pool_(pool) {}
  nlohmann::json rows(const RowQuery& q, const shaping::Options& opts) override;
  nlohmann::json write(const RowQuery& q, const shaping::Options& opts) override;

 private:
  Pool& pool_;
};

}  // namespace azora::example
