// http_server.cpp — routing, timing, error mapping and encoding (see http_server.hpp).
#include "http_server.hpp"

#include <sys/socket.h>

#include <chrono>
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
    const std::string code = res.status == 404 ? "not_found" : "http_" + std::to_string(res.status);
    res.set_content(error_body(code, "no route for " + req.method + " " + req.path), kJson);
    // httplib gives no start time here; these answers do no work, so they count as 0 s.
    observe(req.method, "unmatched", res.status, 0.0);
    return httplib::Server::HandlerResponse::Handled;
  };
  server_->set_error_handler(on_error);
  server_->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    res.set_content(registry_.expose(), "text/plain; version=0.0.4; charset=utf-8");
    observe(req.method, "/metrics", 200,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

ApiServer::~ApiServer() = default;

void ApiServer::get(const std::string& route, const std::string& pattern, RouteHandler handler) {
  server_->Get(pattern, wrap("GET", route, std::move(handler)));
}

void ApiServer::post(const std::string& route, const std::string& pattern, RouteHandler handler) {
  server_->Post(pattern, wrap("POST", route, std::move(handler)));
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
      reply = error_reply(503, "db_unavailable", e.what());
    } catch (const ConnectionError& e) {
      reply = error_reply(503, "db_unavailable", e.what());
    } catch (const SqlError& e) {
      reply = unavailable_sqlstate(e.sqlstate())
                  ? error_reply(503, "db_unavailable", e.what())
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
