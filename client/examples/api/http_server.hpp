// http_server.hpp — ApiServer: the HTTP layer shared by both modes.
//
// Owns the cpp-httplib server, its worker threads, and what every route gets alike: timing
// into http_request_duration_seconds{method, route, status} (the route *template*, e.g.
// "/api/courses/{id}", never the raw path, so the series count stays bounded), the mapping of
// exceptions to JSON errors {"error", "code"} (4xx for bad requests, 405 with Allow for a
// known path and another method, 503 when the database is unreachable or the pool exhausted —
// its cause logged, never sent —, 500 only for a bug), the response encoding (gzip when the
// mode allows it and the client accepts it) and GET /metrics.
#pragma once

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

#include "azora/metrics.hpp"

namespace azora::example {

// What a handler returns: the status and the uncompressed JSON body.
struct Reply {
  int status = 200;
  std::string body;
};
using RouteHandler = std::function<Reply(const httplib::Request&)>;

class ApiServer {
 public:
  // negotiate_gzip: false sends every body as it is (before mode), true gzips when the client's
  // Accept-Encoding allows it and the body is worth it (azora::encode_response).
  ApiServer(bool negotiate_gzip, int threads, metrics::Registry& registry);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // route: the label (template); pattern: httplib's regex for it, capture groups in matches.
  void get(const std::string& route, const std::string& pattern, RouteHandler handler);
  void post(const std::string& route, const std::string& pattern, RouteHandler handler);

  // Binds (false when the address is taken), then serves until stop().
  bool bind(const std::string& host, int port);
  void serve();
  void stop();

 private:
  httplib::Server::Handler wrap(const std::string& method, const std::string& route,
                                RouteHandler handler);
  // Writes reply into res; returns the status sent (406 when no encoding is acceptable).
  int send(const httplib::Request& req, httplib::Response& res, Reply reply);
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // "GET, HEAD" / "POST" ...: the methods some route serves `path` with; empty when none does.
  std::string allowed_methods(const std::string& path) const;

  // Every route's pattern and method, for 405's Allow header (filled before serve()).
  std::vector<std::pair<std::regex, std::string>> routes_;

  bool negotiate_gzip_;
  metrics::Registry& registry_;
  std::unique_ptr<httplib::Server> server_;
};

// {"error": message, "code": code} as text (never throws on odd bytes in message).
std::string error_body(const std::string& code, const std::string& message);

}  // namespace azora::example
