// response_encoding.cpp — negotiate + compress (see response_encoding.hpp).
#include "azora/response_encoding.hpp"

namespace azora {

EncodedBody encode_response(std::string body, std::string_view content_type,
                            std::string_view accept_encoding, const GzipOptions& opts) {
  EncodedBody out{{}, ContentEncoding::identity, body.size()};
  const EncodingWeights w = encoding_weights(accept_encoding);
  const bool gzip_ok = w.gzip > 0.0;
  const bool identity_ok = w.identity > 0.0;
  if (!gzip_ok && !identity_ok) {
    out.encoding = ContentEncoding::not_acceptable;
    return out;
  }
  // gzip when the client takes it and it is worth it, or when identity is refused outright.
  const bool prefer_gzip = gzip_ok && w.gzip >= w.identity;
  if ((prefer_gzip && should_compress(body.size(), content_type, opts)) || !identity_ok) {
    out.body = gzip_compress(body, opts.level);
    out.encoding = ContentEncoding::gzip;
  } else {
    out.body = std::move(body);
  }
  return out;
}

}  // namespace azora
