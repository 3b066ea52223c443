// pagination_test.cpp — offset and keyset pages against the real server, cursors end to end.
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "azora/pagination.hpp"
#include "azora/projection.hpp"
#include "azora/query_timer.hpp"
#include "azora/shaping.hpp"
#include "test_env.hpp"

namespace {

using azora::Connection;
using azora::CursorCodec;
using azora::Listing;

class Pagination : public ::testing::Test {
 protected:
  // Per process: ctest may run several of these suites at once on the same cluster.
  static std::string table() { return "page_items_" + std::to_string(::getpid()); }
  static void SetUpTestSuite() {
    Connection c(azora::test::pg_conninfo());
    const std::string t = table();
    c.exec("DROP TABLE IF EXISTS " + t + ";" + "CREATE TABLE " + t +
           "(id int PRIMARY KEY, name text NOT NULL, org int NOT NULL, secret text);"
           // 95 rows, names repeat (name, id is the composite key), two orgs.
           "INSERT INTO " +
           t + " SELECT g, 'item' || (g % 7), g % 2, 's' FROM " + "generate_series(1, 95) g;" +
           "CREATE INDEX ON " + t + "(name, id)");
  }
  static void TearDownTestSuite() {
    Connection c(azora::test::pg_conninfo());
    c.exec("DROP TABLE IF EXISTS " + table());
  }

  Listing listing() const {
    Listing l;
    l.table = table();
    l.columns = {"id", "name"};
    l.order_by = {"id"};
    return l;
  }

  Connection conn{azora::test::pg_conninfo()};
  CursorCodec codec{"pagination-test-key-0123456789"};
};

std::vector<int> ids(const azora::Result& r) {
  std::vector<int> out;
  const int col = r.column_index("id");
  for (int i = 0; i < r.rows(); i++) out.push_back(std::stoi(std::string(r.value(i, col))));
  return out;
}

TEST_F(Pagination, OffsetPagesHaveDataPageSizeTotalAndHasMore) {
  azora::OffsetPage p = azora::paginate_offset(conn, listing(), 1, 10, true);
  EXPECT_EQ(p.page, 1);
  EXPECT_EQ(p.page_size, 10);
  EXPECT_EQ(p.data.rows(), 10);
  EXPECT_EQ(ids(p.data).front(), 1);
  EXPECT_TRUE(p.has_more);
  EXPECT_EQ(p.total, 95);

  azora::OffsetPage last = azora::paginate_offset(conn, listing(), 10, 10);
  EXPECT_EQ(ids(last.data), (std::vector<int>{91, 92, 93, 94, 95}));
  EXPECT_FALSE(last.has_more);
  EXPECT_EQ(last.total, std::nullopt);

  azora::OffsetPage exact = azora::paginate_offset(conn, listing(), 19, 5);
  EXPECT_EQ(exact.data.rows(), 5);
  EXPECT_FALSE(exact.has_more);  // the one-ahead row decides, not a guess

  EXPECT_EQ(azora::paginate_offset(conn, listing(), 11, 10).data.rows(), 0);
}

TEST_F(Pagination, OffsetRejectsBadPageArguments) {
  EXPECT_THROW(azora::paginate_offset(conn, listing(), 0, 10), azora::UsageError);
  EXPECT_THROW(azora::paginate_offset(conn, listing(), 1, 0), azora::UsageError);
  EXPECT_THROW(azora::paginate_offset(conn, listing(), 1, azora::kMaxPageSize + 1),
               azora::UsageError);
  Listing l = listing();
  l.order_by.clear();
  EXPECT_THROW(azora::paginate_offset(conn, l, 1, 10), azora::UsageError);
}

TEST_F(Pagination, KeysetWalksEveryRowOnceInOrder) {
  std::vector<int> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    azora::KeysetPage p = azora::paginate_keyset(conn, listing(), codec, cursor, 10);
    pages++;
    for (int id : ids(p.data)) seen.push_back(id);
    if (!p.has_more) {
      EXPECT_TRUE(p.next_cursor.empty());
      break;
    }
    ASSERT_FALSE(p.next_cursor.empty());
    cursor = p.next_cursor;
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(pages, 10);
  ASSERT_EQ(seen.size(), 95u);
  for (int i = 0; i < 95; i++) EXPECT_EQ(seen[i], i + 1);
}

TEST_F(Pagination, KeysetPagesMatchOffsetPages) {
  Listing l = listing();
  l.order_by = {"name", "id"};  // composite key over a repeating column
  std::string cursor;
  for (int page = 1; page <= 7; page++) {
    azora::KeysetPage k = azora::paginate_keyset(conn, l, codec, cursor, 15);
    azora::OffsetPage o = azora::paginate_offset(conn, l, page, 15);
    EXPECT_EQ(ids(k.data), ids(o.data)) << "page " << page;
    EXPECT_EQ(k.has_more, o.has_more) << "page " << page;
    cursor = k.next_cursor;
  }
  EXPECT_TRUE(cursor.empty());
}

TEST_F(Pagination, KeysetDescendingWithFilterAndHiddenSortColumn) {
  Listing l = listing();
  l.columns = {"name"};  // id (the sort key) is selected for the cursor, not returned
  l.sortable = {"id"};
  l.descending = true;
  l.filter = "org = $1";
  l.filter_params = {std::string("1")};
  std::vector<std::string> seen;
  std::string cursor;
  do {
    azora::KeysetPage p = azora::paginate_keyset(conn, l, codec, cursor, 7);
    EXPECT_EQ(p.data.columns(), 1);
    EXPECT_EQ(p.data.column_index("id"), -1);
    for (const auto& row : azora::shaping::shape(p.data, {})) {
      EXPECT_FALSE(row.contains("id")) << row;
      seen.push_back(row.at("name").get<std::string>());
    }
    cursor = p.next_cursor;
  } while (!cursor.empty());
  std::vector<std::string> expected;
  for (int id = 95; id >= 1; id -= 2) expected.push_back("item" + std::to_string(id % 7));
  EXPECT_EQ(seen, expected);
  // Offset pages hide it too.
  azora::OffsetPage o = azora::paginate_offset(conn, l, 1, 5);
  EXPECT_EQ(o.data.columns(), 1);
  EXPECT_EQ(o.data.column_name(0), "name");
}

TEST_F(Pagination, SortColumnOutsideTheAllowedColumnsIsRefused) {
  Listing l = listing();          // columns id, name
  l.order_by = {"secret", "id"};  // e.g. ?sort=secret from a client
  EXPECT_THROW(azora::paginate_offset(conn, l, 1, 10), azora::UsageError);
  try {
    azora::paginate_keyset(conn, l, codec, "", 10);
    FAIL() << "a sort on a column outside the allow-list was accepted";
  } catch (const azora::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("sort column \"secret\" is not allowed"),
              std::string::npos)
        << e.what();
  }
  l.sortable = {"org"};  // allowing another column does not allow this one
  EXPECT_THROW(azora::paginate_keyset(conn, l, codec, "", 10), azora::UsageError);
}

TEST_F(Pagination, TamperedOrForeignCursorIsRejectedClearly) {
  azora::KeysetPage p = azora::paginate_keyset(conn, listing(), codec, "", 10);
  std::string tampered = p.next_cursor;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  try {
    azora::paginate_keyset(conn, listing(), codec, tampered, 10);
    FAIL() << "tampered cursor accepted";
  } catch (const azora::InvalidCursor& e) {
    EXPECT_NE(std::string(e.what()).find("invalid cursor"), std::string::npos);
  }
  Listing other = listing();
  other.descending = true;  // another listing: the cursor does not transfer
  EXPECT_THROW(azora::paginate_keyset(conn, other, codec, p.next_cursor, 10), azora::InvalidCursor);
  EXPECT_THROW(azora::paginate_keyset(conn, listing(), codec, "garbage", 10), azora::InvalidCursor);
  EXPECT_THROW(azora::paginate_keyset(conn, listing(), CursorCodec("a-different-key-0123456"),
                                      p.next_cursor, 10),
               azora::InvalidCursor);
  // The connection is fine afterwards.
  EXPECT_EQ(azora::paginate_keyset(conn, listing(), codec, p.next_cursor, 10).data.rows(), 10);
}

// A cursor is bound to the filter's values: the next page of org 0 cannot be read with it as
// org 1 (the cursor verifies only for the parameters it was made with).
TEST_F(Pagination, OneTenantsCursorDoesNotDecodeForAnother) {
  Listing org0 = listing();
  org0.filter = "org = $1";
  org0.filter_params = {std::string("0")};
  Listing org1 = org0;
  org1.filter_params = {std::string("1")};
  azora::KeysetPage p = azora::paginate_keyset(conn, org0, codec, "", 5);
  ASSERT_TRUE(p.has_more);
  EXPECT_EQ(azora::paginate_keyset(conn, org0, codec, p.next_cursor, 5).data.rows(), 5);
  EXPECT_THROW(azora::paginate_keyset(conn, org1, codec, p.next_cursor, 5), azora::InvalidCursor);
  Listing nulled = org0;
  nulled.filter_params = {std::nullopt};
  EXPECT_THROW(azora::paginate_keyset(conn, nulled, codec, p.next_cursor, 5), azora::InvalidCursor);
}

TEST_F(Pagination, ProjectionFeedsTheListingAndIdentifiersAreQuoted) {
  azora::Projection allowed({"id", "name"});
  Listing l = listing();
  l.columns = allowed.select("name");
  l.sortable = {"id"};  // sorted on, not returned
  azora::KeysetPage p = azora::paginate_keyset(conn, l, codec, "", 3);
  EXPECT_EQ(p.data.column_name(0), "name");
  EXPECT_EQ(p.data.columns(), 1);
  EXPECT_THROW(allowed.select("secret"), azora::UsageError);

  conn.exec("CREATE TEMP TABLE \"odd \"\"table\"\"; x\"(\"the id\" int PRIMARY KEY)");
  conn.exec("INSERT INTO \"odd \"\"table\"\"; x\" SELECT generate_series(1, 5)");
  Listing odd;
  odd.table = "odd \"table\"; x";
  odd.columns = {"the id"};
  odd.order_by = {"the id"};
  azora::KeysetPage first = azora::paginate_keyset(conn, odd, codec, "", 3);
  azora::KeysetPage second = azora::paginate_keyset(conn, odd, codec, first.next_cursor, 3);
  EXPECT_EQ(second.data.rows(), 2);
  EXPECT_EQ(second.data.value(1, 0), "5");
  Listing missing = listing();
  missing.table = "no_such_table";
  try {
    azora::paginate_offset(conn, missing, 1, 10);
    FAIL();
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
}

// The ids in a shaped page, read back from the JSON text and from the document form.
std::vector<int> shaped_ids(const azora::Result& r) {
  std::vector<int> from_text, from_doc;
  for (const auto& row : nlohmann::json::parse(azora::shaping::shape_to_json(r, {})))
    from_text.push_back(row.at("id").get<int>());
  for (const auto& row : azora::shaping::shape(r, {})) from_doc.push_back(row.at("id").get<int>());
  EXPECT_EQ(from_text, from_doc);
  return from_text;
}

TEST_F(Pagination, ShapedPagesHoldOnlyThePageNotTheLookAheadRow) {
  azora::OffsetPage o = azora::paginate_offset(conn, listing(), 2, 10);
  ASSERT_TRUE(o.has_more);
  EXPECT_EQ(shaped_ids(o.data), (std::vector<int>{11, 12, 13, 14, 15, 16, 17, 18, 19, 20}));

  azora::KeysetPage first = azora::paginate_keyset(conn, listing(), codec, "", 4);
  ASSERT_TRUE(first.has_more);
  EXPECT_EQ(shaped_ids(first.data), (std::vector<int>{1, 2, 3, 4}));
  azora::KeysetPage second = azora::paginate_keyset(conn, listing(), codec, first.next_cursor, 4);
  EXPECT_EQ(shaped_ids(second.data), (std::vector<int>{5, 6, 7, 8}));
}

// The seed's course list: courses joined with their instructor, through a trusted FROM clause,
// and the same through a view.
TEST_F(Pagination, PagesOverAJoinAndAView) {
  const std::string users = "page_users_" + std::to_string(::getpid());
  const std::string courses = "page_courses_" + std::to_string(::getpid());
  conn.exec(
      "CREATE TEMP TABLE " + users + "(id int PRIMARY KEY, name text NOT NULL);" +
      "CREATE TEMP TABLE " + courses +
      "(id int PRIMARY KEY, title text NOT NULL, instructor_id int NOT NULL, "
      "published bool NOT NULL);"
      "INSERT INTO " +
      users + " SELECT g, 'teacher' || g FROM generate_series(1, 5) g;" + "INSERT INTO " + courses +
      " SELECT g, 'course' || g, 1 + g % 5, g % 3 <> 0 FROM generate_series(1, 30) g;" +
      "CREATE TEMP VIEW " + courses + "_list AS SELECT c.id, c.title, u.name AS instructor " +
      "FROM " + courses + " c JOIN " + users + " u ON u.id = c.instructor_id WHERE c.published");
  // Expected: the published courses (id % 3 <> 0) with their instructor, by id.
  std::vector<std::string> expected;
  for (int id = 1; id <= 30; id++)
    if (id % 3 != 0)
      expected.push_back(std::to_string(id) + " course" + std::to_string(id) + " teacher" +
                         std::to_string(1 + id % 5));
  const auto rows = [](const azora::Result& r) {
    std::vector<std::string> out;
    for (const auto& row : azora::shaping::shape(r, {}))
      out.push_back(std::to_string(row.at("id").get<int>()) + ' ' +
                    row.at("title").get<std::string>() + ' ' +
                    row.at("instructor").get<std::string>());
    return out;
  };

  Listing join;
  join.table = "course_list";
  join.from = courses + " c JOIN " + users + " u ON u.id = c.instructor_id";
  join.expressions = {{"id", "c.id"}, {"instructor", "u.name"}};  // "id" is in both tables
  join.columns = {"id", "title", "instructor"};
  join.order_by = {"id"};
  join.filter = "c.published";
  Listing view;
  view.table = courses + "_list";
  view.columns = join.columns;
  view.order_by = {"id"};

  for (const Listing& l : {join, view}) {
    std::vector<std::string> keyset, offset;
    std::string cursor;
    int page = 1;
    for (;; page++) {
      azora::KeysetPage k = azora::paginate_keyset(conn, l, codec, cursor, 6);
      azora::OffsetPage o = azora::paginate_offset(conn, l, page, 6, page == 1);
      EXPECT_EQ(rows(k.data), rows(o.data)) << l.table << " page " << page;
      for (auto& r : rows(k.data)) keyset.push_back(r);
      for (auto& r : rows(o.data)) offset.push_back(r);
      if (page == 1) {
        EXPECT_EQ(o.total, 20);
      }
      EXPECT_EQ(k.has_more, o.has_more);
      if (!k.has_more) break;
      cursor = k.next_cursor;
      ASSERT_LT(page, 10);
    }
    EXPECT_EQ(page, 4) << l.table;
    EXPECT_EQ(keyset, expected) << l.table;
    EXPECT_EQ(offset, expected) << l.table;
  }
  // A cursor from the join does not continue the view's listing (another scope).
  const std::string c = azora::paginate_keyset(conn, join, codec, "", 6).next_cursor;
  EXPECT_THROW(azora::paginate_keyset(conn, view, codec, c, 6), azora::InvalidCursor);
}

TEST_F(Pagination, TimedPaginationLandsInTheHistogram) {
  azora::metrics::Registry reg;
  azora::QueryTimerOptions o;
  o.registry = &reg;
  o.slow_threshold = std::chrono::hours(1);
  azora::QueryTimer timer(o);
  azora::paginate_offset(conn, listing(), 1, 10, true, &timer);
  azora::paginate_keyset(conn, listing(), codec, "", 10, &timer);
  EXPECT_EQ(reg.histogram(azora::metrics::names::kQueryDuration, "",
                          azora::metrics::Histogram::latency_buckets(),
                          {{"operation", "select"}, {"table", table()}})
                .count(),
            3u);
}

}  // namespace
