// pq_wait.hpp — waiting on a libpq socket with a deadline (internal: connection.cpp,
// pipeline.cpp).
//
// libpq's blocking calls (PQexec, PQgetResult) wait without a limit: a half-open connection or a
// hung backend (stopped, or its host gone while its kernel still ACKs) blocks them forever, and
// TCP keepalives do not help while the peer's kernel answers. Housekeeping round trips and
// pipelines therefore drive libpq in non-blocking steps and poll the socket with a deadline.
#pragma once

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <chrono>

namespace azora::detail {

using WaitClock = std::chrono::steady_clock;

// Polls the connection's socket for `events` until the deadline; returns the revents (0 on
// timeout). Interrupted polls resume with the time left.
inline short poll_until(PGconn* c, short events, WaitClock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - WaitClock::now());
    if (left.count() < 0) return 0;
    pollfd p{PQsocket(c), events, 0};
    // Round up: a 0 ms poll with time still left would spin.
    const int n = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (n > 0) return p.revents != 0 ? p.revents : events;
    if (n == 0) {
      if (WaitClock::now() >= deadline) return 0;
      continue;
    }
    if (errno != EINTR) return POLLERR;
  }
}

// Writes libpq's output buffer (non-blocking connection) before the deadline, reading input
// meanwhile so a server blocked on its own send cannot deadlock us. false on timeout; true when
// flushed or when the connection failed (the next libpq call reports the failure).
inline bool flush_until(PGconn* c, WaitClock::time_point deadline) {
  for (;;) {
    const int r = PQflush(c);
    if (r <= 0) return true;
    const short ev = poll_until(c, POLLIN | POLLOUT, deadline);
    if (ev == 0) return false;
    if ((ev & POLLIN) && PQconsumeInput(c) == 0) return true;
  }
}

// Reads until PQgetResult would not block, before the deadline. false on timeout; true when a
// result (or the end of results, or a connection failure) is ready for PQgetResult.
inline bool await_result(PGconn* c, WaitClock::time_point deadline) {
  while (PQisBusy(c)) {
    if (poll_until(c, POLLIN, deadline) == 0) return false;
    if (PQconsumeInput(c) == 0) return true;
  }
  return true;
}

}  // namespace azora::detail
