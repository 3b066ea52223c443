// params.cpp — validation of request parameters (see params.hpp).
#include "params.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "azora/detail/utf8.hpp"

namespace azora::example {

namespace {

// Strict decimal: digits only (no sign, blanks or trailing text), within [1, max].
std::optional<std::int64_t> positive(const std::string& text, std::int64_t max) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 1 || v > max) return std::nullopt;
  return v;
}

// A positive 64-bit id, or a 400 with `code` saying that `what` must be one.
std::int64_t positive_id(const std::string& text, const char* code, const char* what) {
  const auto v = positive(text, std::numeric_limits<std::int64_t>::max());
  if (!v) throw ApiError(400, code, std::string(what) + " must be a positive integer");
  return *v;
}

// Text a client may send as a value: valid UTF-8 (PostgreSQL would refuse anything else with a
// 500) without control characters (libpq would cut the value at a NUL byte, silently).
bool plain_text(const std::string& s) {
  return utf8::is_valid(s) && std::none_of(s.begin(), s.end(), [](char ch) {
           return static_cast<unsigned char>(ch) < 0x20;
         });
}

}  // namespace

void only_params(const httplib::Request& req, std::initializer_list<const char*> allowed) {
  // The URL's query only: httplib also merges a form-encoded POST body into req.params.
  httplib::Params query;
  const std::size_t mark = req.target.find('?');
  if (mark != std::string::npos)
    httplib::detail::parse_query_text(req.target.substr(mark + 1), query);
  for (auto it = query.begin(); it != query.end(); ++it) {
    const std::string& name = it->first;
    const bool known =
        std::any_of(allowed.begin(), allowed.end(), [&name](const char* a) { return name == a; });
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    const std::string shown = plain_text(name) ? name.substr(0, 64) : "(not UTF-8 text)";
    if (!known) {
      throw ApiError(400, "invalid_parameter",
                     "unknown parameter '" + shown + "' (" +
                         (list.empty() ? "this endpoint takes none" : "allowed: " + list) + ")");
    }
    if (query.count(name) > 1)
      throw ApiError(400, "invalid_parameter", "parameter '" + shown + "' is given more than once");
  }
}

int page_param(const httplib::Request& req) {
  if (!req.has_param("page")) return 1;
  const std::string text = req.get_param_value("page");
  const auto v = positive(text, kMaxPage);
  if (!v) {
    throw ApiError(400, "invalid_page",
                   "page must be an integer in 1.." + std::to_string(kMaxPage) + ", not '" +
                       text.substr(0, 32) + "'");
  }
  return static_cast<int>(*v);
}

std::int64_t id_param(const std::string& text) {
  return positive_id(text, "invalid_id", "id");
}

std::int64_t user_header(const httplib::Request& req) {
  const std::string text = req.get_header_value("X-User-Id");
  if (text.empty()) throw ApiError(400, "missing_user", "the X-User-Id header is required");
  return positive_id(text, "invalid_user", "X-User-Id");
}

std::string category_param(const httplib::Request& req) {
  const std::string c = req.get_param_value("category");
  if (c.empty()) throw ApiError(400, "missing_category", "the category parameter is required");
  if (c.size() > 64) throw ApiError(400, "invalid_category", "category is longer than 64 bytes");
  if (!plain_text(c)) {
    throw ApiError(400, "invalid_category",
                   "category must be UTF-8 text without control characters");
  }
  return c;
}

CourseUpdate course_update(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw ApiError(400, "invalid_body", "the body must be a JSON object");
  }
  CourseUpdate u;
  for (const auto& [key, value] : doc.items()) {
    if (key == "title") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
          value.get_ref<const std::string&>().size() > 200 ||
          !plain_text(value.get_ref<const std::string&>())) {
        throw ApiError(400, "invalid_body",
                       "title must be a non-empty string of at most 200 bytes, without control "
                       "characters");
      }
      u.title = value.get<std::string>();
    } else if (key == "price_cents") {
      if (!value.is_number_integer() || value.get<long long>() < 0 ||
          value.get<long long>() > 10000000) {
        throw ApiError(400, "invalid_body", "price_cents must be an integer in 0..10000000");
      }
      u.price_cents = value.get<int>();
    } else {
      throw ApiError(400, "invalid_body",
                     "unknown field '" + key + "' (allowed: title, price_cents)");
    }
  }
  if (!u.title && !u.price_cents) {
    throw ApiError(400, "invalid_body", "nothing to update: give title and/or price_cents");
  }
  return u;
}

}  // namespace azora::example
