// exporter.cpp — `azora-opt exporter`: serves azora_opt.metrics() over HTTP for Prometheus.
//
// One connection to the first -d node, opened on the first scrape and reopened after any
// failure, so the exporter starts and keeps serving while the server is down or restarting.
// Like postgres_exporter's pg_up, every scrape ends with azora_opt_up (1 when the metrics were
// read, 0 when not) and a count of failed scrapes, so an alert can tell "server down" from
// "exporter down".
#include <httplib.h>
#include <libpq-fe.h>

#include <sys/socket.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "commands.hpp"

namespace azora::cli {

namespace {

httplib::Server* running = nullptr;

extern "C" void stop_on_signal(int) {
  if (running != nullptr) running->stop();
}

struct Scraper {
  std::string dsn;
  std::mutex mutex;
  std::unique_ptr<Connection> conn;
  long long failures = 0;

  std::string scrape() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string body;
    bool up = false;
    try {
      if (!conn || PQstatus(conn->native()) != CONNECTION_OK)
        conn = std::make_unique<Connection>(dsn);
      Result r = conn->exec("SELECT azora_opt.metrics()");
      body = std::string(r.value(0, 0));
      up = true;
    } catch (const std::exception& e) {
      conn.reset();  // reconnect on the next scrape
      failures++;
      std::fprintf(stderr, "azora-opt exporter: scrape failed: %s\n", e.what());
    }
    body += "# HELP azora_opt_up Whether the last scrape read azora_opt.metrics().\n";
    body += "# TYPE azora_opt_up gauge\n";
    body += std::string("azora_opt_up ") + (up ? "1" : "0") + "\n";
    body +=
        "# HELP azora_opt_exporter_scrape_failures_total Scrapes that could not read the "
        "metrics.\n";
    body += "# TYPE azora_opt_exporter_scrape_failures_total counter\n";
    body += "azora_opt_exporter_scrape_failures_total " + std::to_string(failures) + "\n";
    return body;
  }
};

}  // namespace

int exporter(Context& ctx) {
  std::string listen = ctx.args().option("--listen").value_or("127.0.0.1:9188");
  ctx.args().positional();
  size_t colon = listen.rfind(':');
  int port = 0;
  try {
    port = colon == std::string::npos ? -1 : std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port <= 0 || port > 65535)
    throw UsageError("--listen needs ADDR:PORT, e.g. 127.0.0.1:9188 (got '" + listen + "')");
  std::string host = listen.substr(0, colon);

  Scraper scraper;
  scraper.dsn = ctx.dsn(0);
  httplib::Server server;
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second server bind the same port and
  // share its connections (issue 16). SO_REUSEADDR alone allows a restart while old
  // connections sit in TIME_WAIT but refuses a port another process listens on.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(scraper.scrape(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("azora-opt exporter: see /metrics\n", "text/plain");
  });
  errno = 0;
  if (!server.bind_to_port(host.c_str(), port)) {
    int err = errno;
    std::fprintf(stderr, "azora-opt: cannot listen on %s: %s\n", listen.c_str(),
                 err != 0 ? std::strerror(err) : "cannot bind the address");
    return 1;  // the --listen value cannot be used: bad input
  }
  running = &server;
  std::signal(SIGINT, stop_on_signal);
  std::signal(SIGTERM, stop_on_signal);
  std::fprintf(stderr, "azora-opt exporter: serving http://%s/metrics\n", listen.c_str());
  server.listen_after_bind();
  running = nullptr;
  return 0;
}

}  // namespace azora::cli
