// response_encoding.cpp — negotiate + compress (see response_encoding.hpp).
#include "azora/response_encoding.hpp"

namespace azora {

namespace {

void record_size(metrics::Registry* registry, const EncodedBody& out) {
  if (registry == nullptr || out.encoding == ContentEncoding::not_acceptable) return;
  registry
      ->histogram(metrics::names::kResponseSize, "Size of response bodies as sent, in bytes.",
                  response_size_buckets(),
                  {{"encoding", out.encoding == ContentEncoding::gzip ? "gzip" : "identity"}})
      .observe(static_cast<double>(out.body.size()));
}

}  // namespace

std::vector<double> response_size_buckets() {
  return metrics::Histogram::exponential(64, 4, 10);
}

EncodedBody encode_response(std::string body, std::string_view content_type,
                            std::string_view accept_encoding, const GzipOptions& opts,
                            metrics::Registry* metrics) {
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
  record_size(metrics, out);
  return out;
}

}  // namespace azora
