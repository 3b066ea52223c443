// pipeline.cpp — libpq pipeline mode: send all, flush once, read in order (see pipeline.hpp).
#include "azora/pipeline.hpp"

#include <poll.h>

#include <cerrno>

namespace azora {

namespace {

std::string field(const PGresult* res, int code) {
  const char* v = res ? PQresultErrorField(res, code) : nullptr;
  return v ? v : "";
}

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

[[noreturn]] void lost(PGconn* c, const PGresult* res) {
  std::string state = field(res, PG_DIAG_SQLSTATE);
  std::string msg = res ? trimmed(PQresultErrorMessage(res)) : trimmed(PQerrorMessage(c));
  throw ConnectionError("connection lost during pipeline: " + msg, state.empty() ? "08006" : state);
}

// Writes the whole output buffer. The socket is non-blocking so that, if the server's replies
// fill our receive buffer while we are still sending (a large pipeline), we read them into
// libpq's buffer instead of deadlocking with the server blocked on its own send.
void flush_all(PGconn* c) {
  for (;;) {
    const int r = PQflush(c);
    if (r == 0) return;
    if (r < 0) lost(c, nullptr);
    pollfd p{PQsocket(c), POLLIN | POLLOUT, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) lost(c, nullptr);
    if ((p.revents & POLLIN) && PQconsumeInput(c) == 0) lost(c, nullptr);
  }
}

// Leaves pipeline mode and blocking mode however run() exits; a connection that cannot leave
// pipeline mode stays in it and a Pool will not reuse it.
struct ModeGuard {
  PGconn* c;
  ~ModeGuard() {
    PQsetnonblocking(c, 0);
    if (PQstatus(c) == CONNECTION_OK) PQexitPipelineMode(c);
  }
};

}  // namespace

Result& PipelineOutcome::value() {
  if (status == Status::error) throw *error;
  if (status == Status::aborted)
    throw PipelineAborted("statement skipped: an earlier statement of the pipeline failed");
  return result;
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
  if (PQenterPipelineMode(c) == 0)
    throw UsageError("cannot enter pipeline mode: " + trimmed(PQerrorMessage(c)));
  ModeGuard guard{c};
  if (PQsetnonblocking(c, 1) != 0) lost(c, nullptr);

  std::vector<const char*> values;
  for (const Statement& s : batch) {
    values.clear();
    for (const Param& p : s.params) values.push_back(p ? p->c_str() : nullptr);
    if (PQsendQueryParams(c, s.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                          nullptr, nullptr, 0) == 0)
      lost(c, nullptr);
    if (sync_ == Sync::each && PQpipelineSync(c) == 0) lost(c, nullptr);
  }
  if (sync_ == Sync::once && PQpipelineSync(c) == 0) lost(c, nullptr);
  flush_all(c);
  PQsetnonblocking(c, 0);  // reading may block: PQgetResult waits for the server

  auto read_sync = [c] {
    Result sync(PQgetResult(c));
    if (sync.status() != PGRES_PIPELINE_SYNC) lost(c, sync.native());
  };
  out.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); i++) {
    Result r(PQgetResult(c));
    if (r.native() == nullptr || PQstatus(c) != CONNECTION_OK) lost(c, r.native());
    PipelineOutcome o;
    switch (r.status()) {
      case PGRES_PIPELINE_ABORTED:
        o.status = PipelineOutcome::Status::aborted;
        break;
      case PGRES_FATAL_ERROR:
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR: {
        o.status = PipelineOutcome::Status::error;
        std::string state = field(r.native(), PG_DIAG_SQLSTATE);
        o.error.emplace(trimmed(PQresultErrorMessage(r.native())), state.empty() ? "XX000" : state,
                        field(r.native(), PG_DIAG_MESSAGE_DETAIL),
                        field(r.native(), PG_DIAG_MESSAGE_HINT));
        break;
      }
      default:
        o.result = std::move(r);
    }
    // Each statement's results end with a NULL.
    PGresult* end = PQgetResult(c);
    if (end != nullptr) {
      Result extra(end);
      lost(c, extra.native());
    }
    out.push_back(std::move(o));
    if (sync_ == Sync::each) read_sync();
  }
  if (sync_ == Sync::once) read_sync();
  return out;
}

}  // namespace azora
