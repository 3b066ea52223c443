// projection.hpp — Projection: which columns a caller may ask for (?fields=a,b), as an
// allow-list, and the SELECT list built from them with identifiers quoted by libpq.
//
// The requested names come from the client, so they are checked against the allow-list
// (unknown name: UsageError naming the allowed ones) and are only ever used quoted.
// Thread-safe (immutable after construction).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "azora/connection.hpp"

namespace azora {

class Projection {
 public:
  // allowed: the columns that may be exposed, in their default order (non-empty, no duplicates).
  explicit Projection(std::vector<std::string> allowed);

  // The columns for a comma-separated request ("name, email"); empty request = every allowed
  // column. Duplicates are dropped, request order is kept.
  std::vector<std::string> select(std::string_view fields) const;
  std::vector<std::string> select(const std::vector<std::string>& fields) const;

  const std::vector<std::string>& allowed() const noexcept { return allowed_; }

  // "col1", "col2" — each name quoted with PQescapeIdentifier (conn's encoding rules).
  static std::string sql_list(const Connection& conn, const std::vector<std::string>& columns);

 private:
  std::vector<std::string> allowed_;
};

}  // namespace azora
