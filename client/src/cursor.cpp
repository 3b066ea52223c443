// cursor.cpp — signed keyset cursors (see cursor.hpp).
#include "azora/cursor.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "azora/base64.hpp"

namespace azora {

CursorCodec::CursorCodec(std::string key) : key_(std::move(key)) {
  if (key_.size() < 16) throw UsageError("cursor signing key must be at least 16 bytes");
}

std::string CursorCodec::sign(std::string_view scope, std::string_view payload) const {
  // The scope's length goes first so ("ab","c") and ("a","bc") sign differently.
  std::string message = std::to_string(scope.size()) + ':';
  message.append(scope);
  message.append(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &len) == nullptr)
    throw Error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string CursorCodec::encode(std::string_view scope,
                                const std::vector<std::string>& values) const {
  // dump() throws on invalid UTF-8; the sort key may be bytea-ish text, so replace instead
  // would corrupt it: keep the error (a UsageError) explicit.
  std::string payload;
  try {
    payload = nlohmann::json(values).dump();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("cursor value is not valid UTF-8: ") + e.what());
  }
  std::string body = base64url_encode(payload);
  std::string token = body + '.' + base64url_encode(sign(scope, body));
  if (token.size() > kMaxLength) throw UsageError("sort key too long for a cursor");
  return token;
}

std::vector<std::string> CursorCodec::decode(std::string_view scope,
                                             std::string_view cursor) const {
  if (cursor.empty()) throw InvalidCursor("invalid cursor: empty");
  if (cursor.size() > kMaxLength) throw InvalidCursor("invalid cursor: too long");
  const std::size_t dot = cursor.find('.');
  if (dot == std::string_view::npos || cursor.find('.', dot + 1) != std::string_view::npos)
    throw InvalidCursor("invalid cursor: malformed");
  const std::string_view body = cursor.substr(0, dot);
  std::optional<std::string> mac = base64url_decode(cursor.substr(dot + 1));
  if (!mac) throw InvalidCursor("invalid cursor: malformed signature");
  // Verify before parsing anything: an unsigned payload never reaches the JSON parser.
  const std::string expected = sign(scope, body);
  if (mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0)
    throw InvalidCursor("invalid cursor: signature mismatch (tampered, or from another listing)");
  std::optional<std::string> payload = base64url_decode(body);
  if (!payload) throw InvalidCursor("invalid cursor: malformed payload");
  nlohmann::json j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_array()) throw InvalidCursor("invalid cursor: payload is not a key");
  std::vector<std::string> values;
  for (const auto& v : j) {
    if (!v.is_string()) throw InvalidCursor("invalid cursor: payload is not a key");
    values.push_back(v.get<std::string>());
  }
  return values;
}

}  // namespace azora
