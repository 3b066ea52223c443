// pipeline.cpp — libpq pipeline mode: send all, flush once, read in order (see pipeline.hpp).
#include "azora/pipeline.hpp"

#include "pq_error_text.hpp"
#include "pq_wait.hpp"

#include <unordered_map>

namespace azora {

namespace {

[[noreturn]] void lost(PGconn* c, const PGresult* res) {
  std::string state = detail::error_field(res, PG_DIAG_SQLSTATE);
  std::string msg = res ? detail::trimmed_message(PQresultErrorMessage(res))
                        : detail::trimmed_message(PQerrorMessage(c));
  throw ConnectionError("connection lost during pipeline: " + msg, state.empty() ? "08006" : state);
}

// A reply run() does not expect (no result, an extra one, a missing Sync): a lost connection when
// it is down; otherwise a statement the pipeline cannot run (e.g. COPY), and the guard drains.
[[noreturn]] void unexpected(PGconn* c, const PGresult* res) {
  if (PQstatus(c) != CONNECTION_OK || res == nullptr || PQresultStatus(res) == PGRES_FATAL_ERROR)
    lost(c, res);
  throw UsageError(std::string("pipeline: unexpected reply from the server (") +
                   PQresStatus(PQresultStatus(res)) + "); one plain statement per entry, no COPY");
}

// Past the run's deadline: the server's state is unknown, so the connection goes.
[[noreturn]] void timed_out(Connection& conn) {
  conn.close();
  throw TimeoutError("pipeline: no answer from the server in time; connection closed");
}

// libpq refused to queue a statement (PQsend* returned 0). Only a connection that is down is a
// lost connection; a refusal on a live one (too many parameters, out of memory) is the
// statement's problem, and the guard then drains what was already queued.
[[noreturn]] void refused(PGconn* c, std::size_t index) {
  if (PQstatus(c) != CONNECTION_OK) lost(c, nullptr);
  throw UsageError("pipeline: statement " + std::to_string(index) +
                   " refused by libpq: " + detail::trimmed_message(PQerrorMessage(c)));
}

// Brings a live connection out of pipeline mode although statements are still queued or their
// results unread (run() left by an exception): a Sync ends the open segment, then every pending
// result is read and dropped until libpq lets the connection leave. false when that fails or
// the deadline passes (the caller then closes the connection).
bool drain(PGconn* c, detail::WaitClock::time_point deadline) noexcept {
  if (PQstatus(c) != CONNECTION_OK) return false;
  if (PQpipelineSync(c) == 0 || !detail::flush_until(c, deadline)) return false;
  // Each iteration consumes a result or the NULL ending one; the cap only guards against a
  // libpq that never lets go.
  for (int i = 0; i < 1000000; i++) {
    if (PQexitPipelineMode(c) == 1) return true;
    if (PQstatus(c) != CONNECTION_OK || !detail::await_result(c, deadline)) return false;
    PQclear(PQgetResult(c));
  }
  return false;
}

// Leaves pipeline mode and non-blocking mode however run() exits. When run() ends early with
// statements pending, they are drained to the sync; a connection that still cannot leave
// pipeline mode (or the server does not answer in time) is closed, so no one (a plain
// Connection, a pool) inherits a connection stuck in pipeline mode.
struct ModeGuard {
  Connection& conn;
  ~ModeGuard() {
    PGconn* c = conn.native();
    if (c == nullptr) return;  // closed on a timeout
    if (PQpipelineStatus(c) != PQ_PIPELINE_OFF && PQexitPipelineMode(c) == 0 &&
        !drain(c, detail::WaitClock::now() + Connection::kHousekeepingTimeout)) {
      conn.close();
      return;
    }
    PQsetnonblocking(c, 0);
  }
};

}  // namespace

Result& PipelineOutcome::value() {
  if (status == Status::error) throw *error;
  if (status == Status::aborted)
    throw PipelineAborted("statement skipped: an earlier statement of the pipeline failed");
  return result;
}

Pipeline::Pipeline(Connection& conn, Sync sync, std::chrono::milliseconds timeout)
    : conn_(conn), sync_(sync), timeout_(timeout) {
  if (timeout_.count() <= 0) throw UsageError("pipeline: timeout must be positive");
}

std::size_t Pipeline::add(std::string sql, std::vector<Param> params) {
  queue_.push_back(Statement{std::move(sql), std::move(params)});
  return queue_.size() - 1;
}

std::vector<PipelineOutcome> Pipeline::run() {
  std::vector<Statement> batch;
  batch.swap(queue_);
  std::vector<PipelineOutcome> out;
  if (batch.empty()) return out;
  PGconn* c = conn_.native();
  if (!conn_.is_open()) throw ConnectionError("connection is closed", "08003");

  // A statement text used twice or more in the batch (or already prepared on this connection)
  // runs as a prepared statement: the server parses and plans it once instead of N times. Its
  // Parse goes into the pipeline just before its first use. One-off statements stay unnamed.
  std::unordered_map<std::string, int> uses;
  for (const Statement& s : batch) uses[s.sql]++;
  struct Plan {
    std::string name;      // "" = unnamed statement
    bool prepare = false;  // this entry sends the Parse for name
  };
  std::vector<Plan> plans(batch.size());
  std::unordered_map<std::string, std::string> fresh;  // prepared by this batch: sql -> name
  for (std::size_t i = 0; i < batch.size(); i++) {
    const std::string& sql = batch[i].sql;
    if (const std::string* known = conn_.find_prepared(sql)) {
      plans[i].name = *known;
    } else if (auto f = fresh.find(sql); f != fresh.end()) {
      plans[i].name = f->second;
    } else if (uses[sql] > 1) {
      std::string name = conn_.new_statement_name();  // "" when the cache is full
      if (!name.empty()) {
        plans[i] = Plan{name, true};
        fresh.emplace(sql, std::move(name));
      }
    }
  }

  const auto deadline = detail::WaitClock::now() + timeout_;
  if (PQenterPipelineMode(c) == 0)
    throw UsageError("cannot enter pipeline mode: " + detail::trimmed_message(PQerrorMessage(c)));
  ModeGuard guard{conn_};
  if (PQsetnonblocking(c, 1) != 0) lost(c, nullptr);

  std::vector<const char*> values;
  for (std::size_t i = 0; i < batch.size(); i++) {
    const Statement& s = batch[i];
    values.clear();
    for (const Param& p : s.params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());
    if (plans[i].prepare && PQsendPrepare(c, plans[i].name.c_str(), s.sql.c_str(), 0, nullptr) == 0)
      refused(c, i);
    const int sent =
        plans[i].name.empty()
            ? PQsendQueryParams(c, s.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0)
            : PQsendQueryPrepared(c, plans[i].name.c_str(), n, values.data(), nullptr, nullptr, 0);
    if (sent == 0) refused(c, i);
    if (sync_ == Sync::each && PQpipelineSync(c) == 0) refused(c, i);
  }
  if (sync_ == Sync::once && PQpipelineSync(c) == 0) refused(c, batch.size());
  // The socket is non-blocking while sending so that, if the server's replies fill our receive
  // buffer while we are still sending (a large pipeline), we read them into libpq's buffer
  // instead of deadlocking with the server blocked on its own send.
  if (!detail::flush_until(c, deadline)) timed_out(conn_);
  if (PQstatus(c) != CONNECTION_OK) lost(c, nullptr);

  // Waits (until the deadline) for PQgetResult to have something, so it never blocks.
  auto get = [this, c, &deadline] {
    if (!detail::await_result(c, deadline)) timed_out(conn_);
    return PQgetResult(c);
  };
  // One result and its terminating NULL; throws ConnectionError when the connection is gone.
  auto next = [c, &get] {
    Result r(get());
    if (r.native() == nullptr || PQstatus(c) != CONNECTION_OK) unexpected(c, r.native());
    PGresult* end = get();
    if (end != nullptr) {
      Result extra(end);
      unexpected(c, extra.native());
    }
    return r;
  };
  auto read_sync = [c, &get] {
    Result sync(get());
    if (sync.status() != PGRES_PIPELINE_SYNC) unexpected(c, sync.native());
  };
  auto error_of = [](const Result& r) {
    std::string state = detail::error_field(r.native(), PG_DIAG_SQLSTATE);
    return SqlError(detail::trimmed_message(PQresultErrorMessage(r.native())),
                    state.empty() ? "XX000" : state,
                    detail::error_field(r.native(), PG_DIAG_MESSAGE_DETAIL),
                    detail::error_field(r.native(), PG_DIAG_MESSAGE_HINT));
  };
  auto failed = [](ExecStatusType st) {
    return st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR;
  };

  // The error of a Parse that failed, by statement name: its uses report it instead of the
  // server's "prepared statement does not exist".
  std::unordered_map<std::string, SqlError> parse_errors;
  out.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); i++) {
    bool parse_failed = false;  // this entry's own Parse failed: the statement did not run
    if (plans[i].prepare) {
      Result prepared = next();
      if (prepared.status() == PGRES_COMMAND_OK) {
        conn_.remember_prepared(batch[i].sql, plans[i].name);
      } else if (failed(prepared.status())) {
        parse_errors.emplace(plans[i].name, error_of(prepared));
        parse_failed = true;
      }
    }
    Result r = next();
    PipelineOutcome o;
    auto parse_error =
        plans[i].name.empty() ? parse_errors.end() : parse_errors.find(plans[i].name);
    if (parse_failed) {
      // The query after a failed Parse is skipped (same segment): report the Parse's error.
      o.status = PipelineOutcome::Status::error;
      o.error.emplace(parse_error->second);
    } else if (r.status() == PGRES_PIPELINE_ABORTED) {
      o.status = PipelineOutcome::Status::aborted;
    } else if (failed(r.status())) {
      o.status = PipelineOutcome::Status::error;
      o.error.emplace(parse_error != parse_errors.end() ? parse_error->second : error_of(r));
      // A cached statement the session no longer has (DEALLOCATE ALL, DISCARD ALL): forget it
      // so the next run prepares it again.
      if (o.error->sqlstate() == "26000") conn_.forget_prepared(batch[i].sql);
    } else {
      o.result = std::move(r);
    }
    out.push_back(std::move(o));
    if (sync_ == Sync::each) read_sync();
  }
  if (sync_ == Sync::once) read_sync();
  return out;
}

}  // namespace azora
