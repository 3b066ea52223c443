// result.hpp — Result: an owning, move-only view of a libpq PGresult; Row and Field read it
// the libpqxx way (r[0][0].as<int>(), r[0]["name"].as<std::string>(), for (auto row : r)).
#pragma once

#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <libpq-fe.h>

#include "azora/conversions.hpp"

namespace azora {

class Row;
class Field;

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

  // Row access, bounds-checked (UsageError past rows()); rows are views valid while *this lives.
  Row operator[](int row) const;
  class const_iterator;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  bool empty() const noexcept { return rows() == 0; }
  int size() const noexcept { return rows(); }  // libpqxx's name for rows()

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

// One field of a Result: its text, or NULL, converted on request.
//   f.as<int>()             the value; UnexpectedNull if NULL, ConversionError if not an int
//   f.as<int>(0)            the value, or 0 if NULL
//   f.as<std::optional<int>>(), f.get<int>()   the value, or nullopt if NULL
// Conversions: integers, float, double, bool, std::string, std::string_view (valid while the
// Result lives); see from_text in conversions.hpp. Errors name the column, the row and the text.
class Field {
 public:
  Field(const Result& r, int row, int col) noexcept : r_(&r), row_(row), col_(col) {}
  bool is_null() const { return r_->is_null(row_, col_); }
  // The text ("" for NULL), valid while the Result lives.
  std::string_view view() const { return r_->value(row_, col_); }
  const char* c_str() const { return PQgetvalue(r_->native(), row_, col_); }
  std::string name() const { return r_->column_name(col_); }
  int row() const noexcept { return row_; }
  int column() const noexcept { return col_; }

  template <class T>
  T as() const {
    if constexpr (conv::is_optional<T>::value) {
      return get<typename T::value_type>();
    } else {
      if (is_null()) conv::throw_unexpected_null(conv::type_name<T>(), where());
      return convert<T>();
    }
  }
  template <class T>
  T as(const T& if_null) const {
    return is_null() ? if_null : convert<T>();
  }
  template <class T>
  std::optional<T> get() const {
    if (is_null()) return std::nullopt;
    return convert<T>();
  }
  // "column \"price\", row 3", for messages.
  std::string where() const;

 private:
  template <class T>
  T convert() const {
    // The location is built only on failure (read again with it, to throw the full message):
    // the common path allocates nothing for it.
    try {
      return from_text<T>(view());
    } catch (const ConversionError&) {
      return from_text<T>(view(), where());
    }
  }
  const Result* r_;
  int row_;
  int col_;
};

// One row of a Result: fields by position or by column name.
class Row {
 public:
  Row(const Result& r, int row) noexcept : r_(&r), row_(row) {}
  // Bounds-checked: UsageError for a column past columns() or a name that is not a column.
  Field operator[](int col) const;
  Field operator[](std::string_view column_name) const;
  Field operator[](const char* column_name) const { return (*this)[std::string_view(column_name)]; }
  int size() const noexcept { return r_->columns(); }
  int index() const noexcept { return row_; }

 private:
  const Result* r_;
  int row_;
};

class Result::const_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Row;
  using difference_type = int;
  using pointer = void;
  using reference = Row;
  const_iterator(const Result& r, int row) noexcept : r_(&r), row_(row) {}
  Row operator*() const noexcept { return Row(*r_, row_); }
  const_iterator& operator++() noexcept {
    ++row_;
    return *this;
  }
  const_iterator operator++(int) noexcept {
    const_iterator old = *this;
    ++row_;
    return old;
  }
  bool operator==(const const_iterator& o) const noexcept { return row_ == o.row_ && r_ == o.r_; }
  bool operator!=(const const_iterator& o) const noexcept { return !(*this == o); }

 private:
  const Result* r_;
  int row_;
};

inline Result::const_iterator Result::begin() const noexcept {
  return const_iterator(*this, 0);
}
inline Result::const_iterator Result::end() const noexcept {
  return const_iterator(*this, rows());
}

}  // namespace azora
