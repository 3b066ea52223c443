// response_encoding.hpp — the last step of a response: negotiate, maybe gzip, and record the
// size. Combines accept_encoding.hpp and gzip.hpp so handlers make one call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "azora/accept_encoding.hpp"
#include "azora/gzip.hpp"
#include "azora/metrics.hpp"

namespace azora {

struct EncodedBody {
  std::string body;               // bytes to send
  ContentEncoding encoding;       // identity or gzip (not_acceptable: body is empty)
  std::size_t original_size = 0;  // bytes before compression
  // Value for the Content-Encoding header: "gzip", or "" for none.
  const char* content_encoding() const { return encoding == ContentEncoding::gzip ? "gzip" : ""; }
};

// body encoded for a client that sent accept_encoding: gzipped when the client accepts gzip and
// should_compress(body.size(), content_type, opts); otherwise as it is. When the client accepts
// neither gzip nor identity the result is not_acceptable with an empty body.
// The size sent is observed in the azora_response_size_bytes histogram of `metrics`
// (label encoding="gzip"|"identity"; buckets 64 B .. 16 MB); pass nullptr to record nothing.
EncodedBody encode_response(std::string body, std::string_view content_type,
                            std::string_view accept_encoding, const GzipOptions& opts = {},
                            metrics::Registry* metrics = &metrics::Registry::global());

// Response-size histogram buckets: 64 B, 256 B, 1 KB, ... 16 MB.
std::vector<double> response_size_buckets();

}  // namespace azora
