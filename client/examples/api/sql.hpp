// sql.hpp — the example API's statements, per mode, on the tables of scripts/elearning.sql.
//
// Before: the seed's "Before" code — every row, every column (SELECT *), paged in memory.
// After: one page in SQL (LIMIT page size + 1: the extra row says whether there is more,
// without a COUNT), and only the columns the endpoint shows.
#pragma once

namespace azora::example::sql {

inline constexpr const char* kBeforeCourseList =
    "SELECT c.*, u.name AS instructor_name FROM courses c JOIN users u ON u.id = c.instructor_id "
    "ORDER BY c.id";
inline constexpr const char* kBeforeCourse =
    "SELECT c.*, u.name AS instructor_name FROM courses c JOIN users u ON u.id = c.instructor_id "
    "WHERE c.id = $1";
inline constexpr const char* kBeforeWallet = "SELECT * FROM wallets WHERE user_id = $1";
inline constexpr const char* kBeforeJobs = "SELECT * FROM jobs WHERE category = $1 ORDER BY id";

inline constexpr const char* kAfterCourseList =
    "SELECT c.id, c.title, c.category, c.price_cents, c.rating, u.name AS instructor_name "
    "FROM courses c JOIN users u ON u.id = c.instructor_id ORDER BY c.id LIMIT $1 OFFSET $2";
inline constexpr const char* kAfterCourse =
    "SELECT c.id, c.title, c.category, c.price_cents, c.rating, c.published, c.description, "
    "c.created_at, u.name AS instructor_name FROM courses c JOIN users u ON u.id = c.instructor_id "
    "WHERE c.id = $1";
inline constexpr const char* kAfterWallet =
    "SELECT user_id, balance, currency, updated_at FROM wallets WHERE user_id = $1";
inline constexpr const char* kAfterJobs =
    "SELECT id, title, company, salary, remote, created_at FROM jobs WHERE category = $1 "
    "ORDER BY id LIMIT $2 OFFSET $3";

// After mode, after a write: the course's rank in the list order, which says the one list page
// that shows it (the list is ordered by id; updates change neither ids nor membership).
inline constexpr const char* kCourseRank = "SELECT count(*) AS rank FROM courses WHERE id <= $1";

// Both modes: the write endpoint. NULL keeps a column as it is.
inline constexpr const char* kUpdateCourse =
    "UPDATE courses SET title = COALESCE($1, title), "
    "price_cents = COALESCE($2::integer, price_cents) WHERE id = $3 RETURNING id, title, "
    "price_cents";

}  // namespace azora::example::sql
