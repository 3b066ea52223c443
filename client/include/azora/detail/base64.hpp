// base64.hpp — base64url without padding (RFC 4648 §5), for tokens that travel in URLs.
//
// Internal (azora/detail/): used by the library and its tools, installed because public headers
// or the example API include it, but not part of the client API; it may change without notice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace azora {

std::string base64url_encode(std::string_view bytes);
// nullopt for anything that is not canonical unpadded base64url (wrong alphabet, impossible
// length, non-zero trailing bits): one token has exactly one spelling.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace azora
