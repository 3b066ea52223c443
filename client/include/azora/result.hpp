// result.hpp — Result: an owning, move-only view of a libpq PGresult.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <libpq-fe.h>

namespace azora {

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* res) noexcept : res_(res) {}
  ~Result() { reset(); }
  Result(Result&& other) noexcept
      : limit_(other.limit_), column_limit_(other.column_limit_), res_(other.release()) {}
  Result& operator=(Result&& other) noexcept {
    if (this != &other) {
      reset();
      limit_ = other.limit_;
      column_limit_ = other.column_limit_;
      res_ = other.release();
    }
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const noexcept {
    const int n = res_ ? PQntuples(res_) : 0;
    return limit_ >= 0 && limit_ < n ? limit_ : n;
  }
  // Hides the rows from n on (pagination fetches one row ahead to learn whether there is more).
  void truncate(int n) noexcept {
    if (n >= 0 && n < rows()) limit_ = n;
  }
  int columns() const noexcept {
    const int n = res_ ? PQnfields(res_) : 0;
    return column_limit_ >= 0 && column_limit_ < n ? column_limit_ : n;
  }
  // Hides the columns from n on (pagination selects sort columns the caller did not ask for,
  // to build the cursor; they must not reach the client).
  void truncate_columns(int n) noexcept {
    if (n >= 0 && n < columns()) column_limit_ = n;
  }
  std::string column_name(int col) const;
  // Index of a shown column by name, or -1.
  int column_index(std::string_view name) const;
  bool is_null(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }
  // The text value of a field; empty view for NULL (check is_null) — valid while *this lives.
  std::string_view value(int row, int col) const;
  // The value, or nullopt for NULL.
  std::optional<std::string> get(int row, int col) const;
  // Rows affected by INSERT/UPDATE/DELETE (0 for other statements).
  long affected_rows() const;
  ExecStatusType status() const noexcept { return res_ ? PQresultStatus(res_) : PGRES_EMPTY_QUERY; }

  PGresult* native() const noexcept { return res_; }
  PGresult* release() noexcept {
    PGresult* r = res_;
    res_ = nullptr;
    limit_ = -1;
    column_limit_ = -1;
    return r;
  }

 private:
  void reset() noexcept {
    if (res_ != nullptr) PQclear(res_);
    res_ = nullptr;
    limit_ = -1;
    column_limit_ = -1;
  }
  int limit_ = -1;         // rows() cap set by truncate(), -1 for none
  int column_limit_ = -1;  // columns() cap set by truncate_columns(), -1 for none
  PGresult* res_ = nullptr;
};

}  // namespace azora
