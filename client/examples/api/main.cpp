// main.cpp — azora-example-api: the seed guide's e-learning API over the client library, in
// the guide's "before" or "after" form (docs/example-api.md). Wires the pieces: options, the
// pool (timed by a QueryTimer), the response cache, the routes of the mode, the HTTP server,
// and a clean stop on SIGINT/SIGTERM.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <pthread.h>
#include <thread>

#include "azora/error.hpp"
#include "azora/pool.hpp"
#include "azora/query_timer.hpp"
#include "http_server.hpp"
#include "options.hpp"
#include "response_cache.hpp"
#include "routes.hpp"
#include "rows.hpp"

namespace {

using namespace azora::example;

azora::PoolOptions pool_options(const Options& o, azora::QueryTimer& timer) {
  azora::PoolOptions p;
  p.conninfo = o.dsn;
  // One connection per HTTP worker, opened up front: both modes run on the same warm pool.
  p.min_size = static_cast<std::size_t>(o.threads);
  p.max_size = static_cast<std::size_t>(o.threads);
  p.name = "api";
  p.registry = &azora::metrics::Registry::global();
  p.timer = &timer;
  // A runaway query must not hold a worker forever.
  p.on_connect = [](azora::Connection& c) { c.exec("SET statement_timeout = '10s'"); };
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  try {
    bool help = false;
    opts = parse_options(argc, argv, &help);
    if (help) {
      std::fputs(usage(), stdout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "azora-example-api: %s\n%s", e.what(), usage());
    return 1;
  }
  // SIGINT/SIGTERM are taken by one thread with sigwait (blocked everywhere else, so the
  // HTTP workers inherit the mask): stopping the server from a signal handler is not safe.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto& registry = azora::metrics::Registry::global();
  azora::QueryTimer timer;
  std::unique_ptr<azora::Pool> pool;
  try {
    pool = std::make_unique<azora::Pool>(pool_options(opts, timer));
  } catch (const azora::Error& e) {
    std::fprintf(stderr, "azora-example-api: cannot open the pool: %s\n", e.what());
    return 2;
  }
  DirectRows rows(*pool);
  std::unique_ptr<ResponseCache> cache;
  if (opts.cache == CacheKind::redis) {
    cache = std::make_unique<RedisResponseCache>(opts.redis_host, opts.redis_port, registry);
  } else {
    cache = std::make_unique<NoCache>();
  }

  const bool after = opts.mode == Mode::after;
  ApiServer server(/*negotiate_gzip=*/after, opts.threads, registry);
  if (after) {
    add_after_routes(server, rows, *cache);
  } else {
    add_before_routes(server, rows);
  }
  errno = 0;
  if (!server.bind(opts.host, opts.port)) {
    int err = errno;
    std::fprintf(stderr, "azora-example-api: cannot listen on %s:%d: %s\n", opts.host.c_str(),
                 opts.port, err != 0 ? std::strerror(err) : "cannot bind the address");
    return 1;
  }
  std::thread stopper([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  std::printf("azora-example-api: mode %s, listening on %s:%d, %d threads, cache %s\n",
              after ? "after" : "before", opts.host.c_str(), opts.port, opts.threads,
              !after                           ? "off"
              : opts.cache == CacheKind::redis ? "redis"
                                               : "none");
  std::fflush(stdout);
  server.serve();
  // serve() also returns when listening fails: make the stopper thread leave in every case.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return 0;
}
