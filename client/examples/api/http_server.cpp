// http_server.cpp — routing, timing, error mapping and encoding (see http_server.hpp).
#include "http_server.hpp"

#include <sys/socket.h>

#include <chrono>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "azora/error.hpp"
#include "azora/response_encoding.hpp"

namespace azora::example {

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kHttpDuration = "http_request_duration_seconds";

// Bounds at the seed's targets (p95 < 100 ms, p99 < 200 ms), so "met or not" read from the
// histogram is exact rather than interpolated between 0.1 and 0.25.
const std::vector<double>& http_buckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1,
                                        0.15,   0.2,   0.3,    0.5,   1,    2.5,   5,    10};
  return b;
}

// SQLSTATE classes that mean "the database is not there" rather than "this query is wrong":
// 08 connection exception, 57 operator intervention (shutdown, 57P01 terminated, 57P03
// cannot connect now).
bool unavailable_sqlstate(const std::string& state) {
  return state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0;
}

Reply error_reply(int status, const std::string& code, const std::string& message) {
  return Reply{status, error_body(code, message)};
}

// 503: the cause (a socket path, a host name, the server's shutdown message) is for the
// operator's log, not for clients.
Reply unavailable(const std::string& route, const std::exception& cause) {
  std::cerr << "azora-example-api: " << route << ": database unavailable: " << cause.what()
            << std::endl;
  return error_reply(503, "db_unavailable", "the database is unavailable; try again shortly");
}

}  // namespace

std::string error_body(const std::string& code, const std::string& message) {
  return nlohmann::json{{"error", message}, {"code", code}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ApiServer::ApiServer(bool negotiate_gzip, int threads, metrics::Registry& registry)
    : negotiate_gzip_(negotiate_gzip),
      registry_(registry),
      server_(std::make_unique<httplib::Server>()) {
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  // Without TCP_NODELAY a small response waits for the client's delayed ACK (~40 ms each).
  server_->set_tcp_nodelay(true);
  // A worker serves one keep-alive connection until it closes: a high count keeps clients
  // from reconnecting every few requests (size --threads to the number of client connections).
  server_->set_keep_alive_max_count(1000);
  // Bodies are small JSON documents; anything bigger is not a request this API takes.
  server_->set_payload_max_length(64 * 1024);
  // Unknown paths and methods (httplib answers them before any handler): a JSON 404/405 under
  // the bounded route label "unmatched".
  const httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                               httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) {
      // A path some route serves, asked with another method (DELETE, PUT...): 405 with Allow,
      // as RFC 9110 wants, not a 404 that says the resource does not exist.
      const std::string allow = allowed_methods(req.path);
      if (!allow.empty()) {
        res.status = 405;
        res.set_header("Allow", allow);
      }
    }
    const std::string code = res.status == 404   ? "not_found"
                             : res.status == 405 ? "method_not_allowed"
                                                 : "http_" + std::to_string(res.status);
    res.set_content(error_body(code, "no route for " + req.method + " " + req.path), kJson);
    // httplib gives no start time here; these answers do no work, so they count as 0 s.
    observe(req.method, "unmatched", res.status, 0.0);
    return httplib::Server::HandlerResponse::Handled;
  };
  server_->set_error_handler(on_error);
  routes_.emplace_back(std::regex("/metrics"), "GET");
  server_->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    res.set_content(registry_.expose(), "text/plain; version=0.0.4; charset=utf-8");
    observe(req.method, "/metrics", 200,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

ApiServer::~ApiServer() = default;

void ApiServer::get(const std::string& route, const std::string& pattern, RouteHandler handler) {
  routes_.emplace_back(std::regex(pattern), "GET");
  server_->Get(pattern, wrap("GET", route, std::move(handler)));
}

void ApiServer::post(const std::string& route, const std::string& pattern, RouteHandler handler) {
  routes_.emplace_back(std::regex(pattern), "POST");
  server_->Post(pattern, wrap("POST", route, std::move(handler)));
}

std::string ApiServer::allowed_methods(const std::string& path) const {
  bool get = false, post = false;
  for (const auto& [pattern, method] : routes_) {
    if (!std::regex_match(path, pattern)) continue;
    (method == "GET" ? get : post) = true;
  }
  std::string allow;
  if (get) allow = "GET, HEAD";  // httplib answers HEAD with a GET route
  if (post) allow += allow.empty() ? "POST" : ", POST";
  return allow;
}

httplib::Server::Handler ApiServer::wrap(const std::string& method, const std::string& route,
                                         RouteHandler handler) {
  return [this, method, route, handler = std::move(handler)](const httplib::Request& req,
                                                             httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    Reply reply;
    try {
      reply = handler(req);
    } catch (const ApiError& e) {
      reply = error_reply(e.status(), e.code(), e.what());
    } catch (const TimeoutError& e) {  // pool exhausted (or a connect timed out)
      reply = unavailable(route, e);
    } catch (const ConnectionError& e) {
      reply = unavailable(route, e);
    } catch (const SqlError& e) {
      reply = unavailable_sqlstate(e.sqlstate())
                  ? unavailable(route, e)
                  : error_reply(500, "db_error", "SQLSTATE " + e.sqlstate() + ": " + e.what());
    } catch (const std::exception& e) {
      reply = error_reply(500, "internal", e.what());
    }
    const int status = send(req, res, std::move(reply));
    observe(method, route, status,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
}

int ApiServer::send(const httplib::Request& req, httplib::Response& res, Reply reply) {
  res.status = reply.status;
  // The Content-Type carries a charset on purpose: httplib only gzips by itself for the exact
  // type "application/json", so compression stays this server's decision.
  const std::string accept = negotiate_gzip_ ? req.get_header_value("Accept-Encoding") : "";
  EncodedBody out =
      encode_response(std::move(reply.body), kJson, accept, GzipOptions{}, &registry_);
  if (out.encoding == ContentEncoding::not_acceptable) {
    res.status = 406;
    res.set_content(error_body("not_acceptable", "neither gzip nor identity is acceptable"), kJson);
    return res.status;
  }
  if (out.encoding == ContentEncoding::gzip) res.set_header("Content-Encoding", "gzip");
  if (negotiate_gzip_) res.set_header("Vary", "Accept-Encoding");
  res.body = std::move(out.body);
  res.set_header("Content-Type", kJson);
  return res.status;
}

void ApiServer::observe(const std::string& method, const std::string& route, int status,
                        double seconds) {
  registry_
      .histogram(kHttpDuration, "HTTP request latency by method, route template and status.",
                 http_buckets(),
                 {{"method", method}, {"route", route}, {"status", std::to_string(status)}})
      .observe(seconds);
}

bool ApiServer::bind(const std::string& host, int port) {
  // Methods no route serves, registered last so real routes match first: 405 with Allow on a
  // known path, else 404 (httplib would answer a body-carrying method it has no handler for
  // with a bare 400).
  const auto no_route = [this](const std::string& method) {
    return [this, method](const httplib::Request& req, httplib::Response& res) {
      const std::string allow = allowed_methods(req.path);
      Reply reply =
          allow.empty()
              ? error_reply(404, "not_found", "no route for " + method + " " + req.path)
              : error_reply(405, "method_not_allowed", "no route for " + method + " " + req.path);
      if (!allow.empty()) res.set_header("Allow", allow);
      observe(method, "unmatched", send(req, res, std::move(reply)), 0.0);
    };
  };
  server_->Post(".*", no_route("POST"));
  server_->Put(".*", no_route("PUT"));
  server_->Patch(".*", no_route("PATCH"));
  server_->Delete(".*", no_route("DELETE"));
  server_->Options(".*", no_route("OPTIONS"));
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second server bind the same port and
  // share its connections (issue 16). SO_REUSEADDR alone allows a restart while old
  // connections sit in TIME_WAIT but refuses a port another process listens on.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  return server_->bind_to_port(host, port);
}

void ApiServer::serve() {
  server_->listen_after_bind();
}

void ApiServer::stop() {
  server_->stop();
}

}  // namespace azora::example
