// pipeline.hpp — Pipeline: N statements sent in libpq pipeline mode, one round trip, results
// in order, each statement's error reported for that statement.
//
// Semantics follow PostgreSQL's pipeline mode (libpq "Pipeline Mode"):
//  * Sync::once (default): one Sync at the end, as the PostgreSQL docs describe a pipeline.
//    All statements form one implicit transaction: after the first error the rest are skipped
//    (Status::aborted) and the ones before it are ROLLED BACK although they report ok. So a
//    batch is all-or-nothing, and the server flushes its replies once (the fast path).
//  * Sync::each: a Sync after every statement. Each statement is its own implicit transaction;
//    one failing does not affect the others, which all run. Still one round trip, but the
//    server commits and flushes per statement (measurably slower, see docs/benchmarks.md).
// A statement text used more than once in a batch is prepared in the pipeline and cached on the
// connection (see Connection::exec_prepared); one-off texts are sent unnamed.
// A connection lost mid-pipeline throws ConnectionError (which statements ran is unknown).
// The whole run (send and read) has a deadline (timeout, default kDefaultTimeout): past it the
// connection is closed and TimeoutError is thrown, so a hung server or a half-open connection
// cannot block the caller forever. Set it above your longest batch (or statement_timeout).
// Not thread-safe; runs on one Connection (e.g. a pool Lease's).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "azora/connection.hpp"

namespace azora {

struct PipelineOutcome {
  enum class Status { ok, error, aborted };
  Status status = Status::ok;
  Result result;                  // the rows/command result when ok
  std::optional<SqlError> error;  // the server's error (with SQLSTATE) when status == error

  bool ok() const noexcept { return status == Status::ok; }
  // The result, or throws this statement's SqlError / PipelineAborted.
  Result& value();
};

class Pipeline {
 public:
  enum class Sync { each, once };

  static constexpr std::chrono::milliseconds kDefaultTimeout{60000};

  // UsageError for a timeout <= 0.
  explicit Pipeline(Connection& conn, Sync sync = Sync::once,
                    std::chrono::milliseconds timeout = kDefaultTimeout);

  // Queues a statement ($1..$n parameters, one statement per entry: no "a; b"). Returns its
  // index in the outcomes.
  std::size_t add(std::string sql, std::vector<Param> params = {});
  std::size_t size() const noexcept { return queue_.size(); }

  // Sends every queued statement in one write, then reads all results; clears the queue.
  std::vector<PipelineOutcome> run();

 private:
  struct Statement {
    std::string sql;
    std::vector<Param> params;
  };
  Connection& conn_;
  Sync sync_;
  std::chrono::milliseconds timeout_;
  std::vector<Statement> queue_;
};

}  // namespace azora
