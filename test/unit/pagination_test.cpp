// pagination_test.cpp — offset and keyset pages against the real server, cursors end to end.
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "azora/pagination.hpp"
#include "azora/projection.hpp"
#include "azora/query_timer.hpp"
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

TEST_F(Pagination, KeysetDescendingWithFilterAndAddedSortColumn) {
  Listing l = listing();
  l.columns = {"name"};  // id (the sort key) is added to the SELECT list
  l.descending = true;
  l.filter = "org = $1";
  l.filter_params = {std::string("1")};
  std::vector<int> seen;
  std::string cursor;
  do {
    azora::KeysetPage p = azora::paginate_keyset(conn, l, codec, cursor, 7);
    EXPECT_EQ(p.data.columns(), 2);
    for (int id : ids(p.data)) seen.push_back(id);
    cursor = p.next_cursor;
  } while (!cursor.empty());
  std::vector<int> expected;
  for (int id = 95; id >= 1; id -= 2) expected.push_back(id);
  EXPECT_EQ(seen, expected);
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
  azora::KeysetPage p = azora::paginate_keyset(conn, l, codec, "", 3);
  EXPECT_EQ(p.data.column_name(0), "name");
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
