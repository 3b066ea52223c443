// pipeline_test.cpp — libpq pipeline mode against the real server: order, per-statement
// errors under both sync policies, big batches, dropped connections.
#include <gtest/gtest.h>

#include "azora/pipeline.hpp"
#include "azora/pool.hpp"
#include "test_env.hpp"

namespace {

using azora::Connection;
using azora::Pipeline;
using Status = azora::PipelineOutcome::Status;

TEST(Pipeline, ResultsComeBackInOrder) {
  Connection conn(azora::test::pg_conninfo());
  Pipeline p(conn);
  for (int i = 0; i < 100; i++) EXPECT_EQ(p.add("SELECT $1::int * 2", {std::to_string(i)}), i);
  p.add("SELECT $1::text IS NULL", {std::nullopt});
  EXPECT_EQ(p.size(), 101u);
  std::vector<azora::PipelineOutcome> out = p.run();
  ASSERT_EQ(out.size(), 101u);
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(out[i].ok()) << i;
    EXPECT_EQ(out[i].value().value(0, 0), std::to_string(i * 2));
  }
  EXPECT_EQ(out[100].value().value(0, 0), "t");
  EXPECT_EQ(p.size(), 0u);  // the queue is consumed
  EXPECT_TRUE(p.run().empty());
  EXPECT_EQ(PQpipelineStatus(conn.native()), PQ_PIPELINE_OFF);
  EXPECT_EQ(conn.exec("SELECT 'normal again'").value(0, 0), "normal again");
}

TEST(Pipeline, SyncEachReportsAnErrorForItsStatementAndRunsTheRest) {
  Connection conn(azora::test::pg_conninfo());
  conn.exec("CREATE TEMP TABLE pipe_each(x int)");
  Pipeline p(conn, Pipeline::Sync::each);
  p.add("INSERT INTO pipe_each VALUES (1)");
  p.add("SELECT 1/0");
  p.add("SELEKT 1");
  p.add("INSERT INTO pipe_each VALUES (2)");
  p.add("SELECT count(*) FROM pipe_each");
  std::vector<azora::PipelineOutcome> out = p.run();
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].status, Status::ok);
  EXPECT_EQ(out[0].value().affected_rows(), 1);
  ASSERT_EQ(out[1].status, Status::error);
  EXPECT_EQ(out[1].error->sqlstate(), "22012");
  EXPECT_NE(std::string(out[1].error->what()).find("division by zero"), std::string::npos);
  EXPECT_EQ(out[2].error->sqlstate(), "42601");
  EXPECT_EQ(out[3].status, Status::ok);
  EXPECT_EQ(out[4].value().value(0, 0), "2");
  try {
    out[1].value();
    FAIL();
  } catch (const azora::SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
  EXPECT_EQ(conn.exec("SELECT count(*) FROM pipe_each").value(0, 0), "2");
}

TEST(Pipeline, SyncOnceAbortsTheRestAndRollsBackTheSegment) {
  Connection conn(azora::test::pg_conninfo());
  conn.exec("CREATE TEMP TABLE pipe_once(x int)");
  Pipeline p(conn, Pipeline::Sync::once);
  p.add("INSERT INTO pipe_once VALUES (1)");
  p.add("INSERT INTO pipe_once VALUES ('not a number')");
  p.add("INSERT INTO pipe_once VALUES (3)");
  p.add("SELECT 1");
  std::vector<azora::PipelineOutcome> out = p.run();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].status, Status::ok);
  EXPECT_EQ(out[1].status, Status::error);
  EXPECT_EQ(out[1].error->sqlstate(), "22P02");
  EXPECT_EQ(out[2].status, Status::aborted);
  EXPECT_EQ(out[3].status, Status::aborted);
  EXPECT_THROW(out[2].value(), azora::PipelineAborted);
  // One implicit transaction: the first insert was rolled back with it.
  EXPECT_EQ(conn.exec("SELECT count(*) FROM pipe_once").value(0, 0), "0");

  Pipeline ok(conn, Pipeline::Sync::once);
  ok.add("INSERT INTO pipe_once VALUES (1)");
  ok.add("INSERT INTO pipe_once VALUES (2)");
  for (auto& o : ok.run()) EXPECT_TRUE(o.ok());
  EXPECT_EQ(conn.exec("SELECT count(*) FROM pipe_once").value(0, 0), "2");
}

TEST(Pipeline, LargeBatchWithLargeResultsDoesNotDeadlock) {
  // ~6 MB of replies while ~0.3 MB of queries are still being sent: both socket buffers fill.
  Connection conn(azora::test::pg_conninfo());
  Pipeline p(conn);
  const int n = 3000;
  for (int i = 0; i < n; i++)
    p.add("SELECT $1::int, repeat('x', 2000)" + std::string(60, ' '), {std::to_string(i)});
  std::vector<azora::PipelineOutcome> out = p.run();
  ASSERT_EQ(out.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; i += 499) {
    EXPECT_EQ(out[i].value().value(0, 0), std::to_string(i));
    EXPECT_EQ(out[i].value().value(0, 1).size(), 2000u);
  }
}

TEST(Pipeline, DroppedConnectionIsAConnectionError) {
  Connection conn(azora::test::pg_conninfo());
  Pipeline p(conn);
  p.add("SELECT 1");
  p.add("SELECT pg_terminate_backend(pg_backend_pid())");
  p.add("SELECT 3");
  EXPECT_THROW(p.run(), azora::ConnectionError);
  EXPECT_FALSE(conn.is_open());
  Pipeline again(conn);
  again.add("SELECT 1");
  EXPECT_THROW(again.run(), azora::ConnectionError);
}

TEST(Pipeline, RunsOnAPoolLeaseAndTheLeaseGoesBackClean) {
  azora::PoolOptions o;
  o.conninfo = azora::test::pg_conninfo();
  o.min_size = 1;
  o.max_size = 1;
  azora::Pool pool(o);
  int pid = 0;
  {
    azora::Lease l = pool.acquire();
    pid = l->backend_pid();
    Pipeline p(*l, Pipeline::Sync::once);
    p.add("SELECT 1/0");
    p.add("SELECT 2");
    auto out = p.run();
    EXPECT_EQ(out[1].status, Status::aborted);
  }
  azora::Lease l = pool.acquire();
  EXPECT_EQ(l->backend_pid(), pid);  // reused: nothing left in pipeline mode or a transaction
  EXPECT_EQ(pool.stats().broken, 0u);
  {
    azora::Lease dying = std::move(l);
    Pipeline p(*dying);
    p.add("SELECT pg_terminate_backend(pg_backend_pid())");
    EXPECT_THROW(p.run(), azora::ConnectionError);
  }
  EXPECT_EQ(pool.stats().broken, 1u);
  EXPECT_EQ(pool.acquire()->exec("SELECT 5").value(0, 0), "5");
}

TEST(Pipeline, RepeatedStatementsArePreparedOnceAndReused) {
  Connection conn(azora::test::pg_conninfo());
  auto prepared = [&] {
    return std::string(conn.exec("SELECT count(*) FROM pg_prepared_statements").value(0, 0));
  };
  Pipeline p(conn);
  for (int i = 0; i < 10; i++) p.add("SELECT $1::int + 1", {std::to_string(i)});
  p.add("SELECT 'one-off'");
  auto out = p.run();
  for (int i = 0; i < 10; i++) EXPECT_EQ(out[i].value().value(0, 0), std::to_string(i + 1));
  EXPECT_EQ(out[10].value().value(0, 0), "one-off");
  EXPECT_EQ(prepared(), "1");           // the repeated text only
  p.add("SELECT $1::int + 1", {"41"});  // a later batch reuses it, as does exec_prepared
  EXPECT_EQ(p.run()[0].value().value(0, 0), "42");
  EXPECT_EQ(conn.exec_prepared("SELECT $1::int + 1", {"1"}).value(0, 0), "2");
  EXPECT_EQ(prepared(), "1");
}

TEST(Pipeline, AFailedPrepareIsReportedForEveryUse) {
  for (auto sync : {Pipeline::Sync::each, Pipeline::Sync::once}) {
    Connection conn(azora::test::pg_conninfo());
    Pipeline p(conn, sync);
    p.add("SELECT 1");
    p.add("SELEKT $1::int", {"1"});
    p.add("SELEKT $1::int", {"2"});
    auto out = p.run();
    EXPECT_TRUE(out[0].ok());
    ASSERT_EQ(out[1].status, Status::error);
    EXPECT_EQ(out[1].error->sqlstate(), "42601");
    if (sync == Pipeline::Sync::each) {
      ASSERT_EQ(out[2].status, Status::error);
      EXPECT_EQ(out[2].error->sqlstate(), "42601");  // not "prepared statement does not exist"
    } else {
      EXPECT_EQ(out[2].status, Status::aborted);
    }
    EXPECT_EQ(conn.exec("SELECT count(*) FROM pg_prepared_statements").value(0, 0), "0");
  }
}

TEST(Pipeline, StatementsDeallocatedBehindItsBackArePreparedAgain) {
  Connection conn(azora::test::pg_conninfo());
  Pipeline p(conn);
  p.add("SELECT $1::int", {"1"});
  p.add("SELECT $1::int", {"2"});
  p.run();
  conn.exec("DEALLOCATE ALL");
  p.add("SELECT $1::int", {"3"});
  auto out = p.run();
  ASSERT_EQ(out[0].status, Status::error);  // reported once, with the server's SQLSTATE
  EXPECT_EQ(out[0].error->sqlstate(), "26000");
  p.add("SELECT $1::int", {"4"});
  p.add("SELECT $1::int", {"5"});
  out = p.run();
  EXPECT_EQ(out[1].value().value(0, 0), "5");
}

}  // namespace

namespace {

// run() leaving early on a live connection must not leave a plain Connection in pipeline mode:
// libpq refuses the second statement (more parameters than the protocol allows) after the first
// was queued; the pending statement is drained to the sync and the connection works on.
TEST(PipelineErrors, ARefusedStatementLeavesAPlainConnectionUsable) {
  azora::Connection conn(azora::test::pg_conninfo());
  const int pid = conn.backend_pid();
  azora::Pipeline p(conn, azora::Pipeline::Sync::each);
  p.add("SELECT 1");
  p.add("SELECT $1::int", std::vector<azora::Param>(70000, std::string("1")));
  p.add("SELECT 3");
  EXPECT_THROW(p.run(), azora::UsageError);  // not a ConnectionError: nothing was lost
  ASSERT_TRUE(conn.is_open());
  EXPECT_EQ(PQpipelineStatus(conn.native()), PQ_PIPELINE_OFF);
  EXPECT_EQ(conn.backend_pid(), pid);
  EXPECT_EQ(conn.exec("SELECT 42").value(0, 0), "42");
  azora::Pipeline again(conn);
  again.add("SELECT 43");
  EXPECT_EQ(again.run().at(0).value().value(0, 0), "43");
}

// The same when the server sends a reply run() cannot handle (COPY is not a pipeline
// statement): a clear error, and the connection is out of pipeline mode or closed, never stuck.
TEST(PipelineErrors, AnUnexpectedReplyLeavesThePipelineMode) {
  azora::Connection conn(azora::test::pg_conninfo());
  azora::Pipeline p(conn);
  p.add("SELECT 1");
  p.add("COPY (SELECT 2) TO STDOUT");
  p.add("SELECT 3");
  EXPECT_THROW(p.run(), azora::Error);
  if (conn.is_open()) {
    EXPECT_EQ(PQpipelineStatus(conn.native()), PQ_PIPELINE_OFF);
    EXPECT_EQ(conn.exec("SELECT 42").value(0, 0), "42");
  }
}

}  // namespace
