// cursor.cpp — encrypted keyset cursors (see cursor.hpp).
#include "azora/cursor.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "azora/detail/base64.hpp"

namespace azora {

namespace {

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string checked_secret(std::string key) {
  if (key.size() < 16) throw UsageError("cursor key must be at least 16 bytes");
  return key;
}

}  // namespace

std::string CursorCodec::derive_key(std::string_view secret) {
  static constexpr std::string_view kLabel = "azora keyset cursor, AES-256-GCM";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), out,
           &len) == nullptr)
    throw Error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

CursorCodec::CursorCodec(std::string key, std::chrono::seconds ttl)
    : cipher_({{kKeyId, derive_key(checked_secret(std::move(key)))}}, kKeyId), ttl_(ttl) {
  if (ttl_.count() < 0) throw UsageError("cursor ttl must not be negative");
}

std::string CursorCodec::scope(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) {
    s += std::to_string(p.size());
    s += ':';
    s += p;
  }
  return s;
}

std::string CursorCodec::encode(std::string_view scope,
                                const std::vector<std::string>& values) const {
  // dump() throws on invalid UTF-8; the sort key may be bytea-ish text, so replacing would
  // corrupt it: keep the error (a UsageError) explicit.
  nlohmann::json doc = {{"k", values}};
  if (ttl_.count() > 0) doc["x"] = unix_now() + ttl_.count();
  std::string payload;
  try {
    payload = doc.dump();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("cursor value is not valid UTF-8: ") + e.what());
  }
  std::string token = base64url_encode(cipher_.seal(payload, scope));
  if (token.size() > kMaxLength) throw UsageError("sort key too long for a cursor");
  return token;
}

std::vector<std::string> CursorCodec::decode(std::string_view scope,
                                             std::string_view cursor) const {
  if (cursor.empty()) throw InvalidCursor("invalid cursor: empty");
  if (cursor.size() > kMaxLength) throw InvalidCursor("invalid cursor: too long");
  std::optional<std::string> sealed = base64url_decode(cursor);
  if (!sealed) throw InvalidCursor("invalid cursor: malformed");
  // Authenticate before parsing anything: an unverified payload never reaches the JSON parser.
  std::optional<std::string> payload = cipher_.open(*sealed, scope);
  if (!payload)
    throw InvalidCursor(
        "invalid cursor: does not verify (tampered, made with another key, or from another "
        "listing or filter)");
  nlohmann::json j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object() || !j.contains("k") || !j["k"].is_array())
    throw InvalidCursor("invalid cursor: payload is not a key");
  if (j.contains("x")) {
    if (!j["x"].is_number_integer()) throw InvalidCursor("invalid cursor: payload is not a key");
    if (unix_now() > j["x"].get<long long>()) throw InvalidCursor("invalid cursor: expired");
  }
  std::vector<std::string> values;
  for (const auto& v : j["k"]) {
    if (!v.is_string()) throw InvalidCursor("invalid cursor: payload is not a key");
    values.push_back(v.get<std::string>());
  }
  return values;
}

}  // namespace azora
