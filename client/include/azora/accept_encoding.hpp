// accept_encoding.hpp — Accept-Encoding negotiation (RFC 9110 §12.5.3) between gzip and identity.
//
// Pure functions; malformed header elements are ignored rather than failing the request.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace azora {

// One element of an Accept-Encoding header: a coding (lower-cased) and its weight 0..1.
struct EncodingPreference {
  std::string coding;  // "gzip", "br", "identity", "*", ...
  double q = 1.0;
};

// The header's elements in order. Elements with a malformed q (not 0..1 with at most three
// decimals) or an empty coding are skipped.
std::vector<EncodingPreference> parse_accept_encoding(std::string_view header);

// The effective weights of the two codings this library produces, after applying explicit
// entries, "x-gzip" (an alias of gzip) and the "*" wildcard. identity defaults to 1 unless
// refused explicitly or through "*;q=0"; gzip defaults to 0 unless listed or covered by "*".
struct EncodingWeights {
  double gzip = 0.0;
  double identity = 1.0;
};
EncodingWeights encoding_weights(std::string_view accept_encoding);

enum class ContentEncoding {
  identity,       // send the body as it is
  gzip,           // send it gzipped, with Content-Encoding: gzip
  not_acceptable  // the client refused both (e.g. "identity;q=0, *;q=0"): answer 406
};

// The coding to answer with. gzip when the client gives it (or "x-gzip", or "*") a weight > 0
// that is not lower than identity's; identity otherwise, unless identity is refused too.
// An empty header means "no encoding wanted" -> identity.
ContentEncoding negotiate_encoding(std::string_view accept_encoding);

}  // namespace azora
