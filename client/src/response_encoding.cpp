// response_encoding.cpp — negotiate + compress (see response_encoding.hpp).
#include "azora/response_encoding.hpp"

#include "append_only_map.hpp"

namespace azora {

namespace {

// The size histogram of (registry, encoding). Every response records one, so the handles are
// cached in a lock-free map: no registry lock, no allocation after the first response of that
// registry. Keyed by the registry's id, not its address (a later registry may reuse it); past
// the map's bound (many short-lived registries, as in tests) the registry is asked each time.
metrics::Histogram& size_histogram(metrics::Registry& registry, bool gzip) {
  struct Handle {
    std::uint64_t registry_id;
    bool gzip;
    metrics::Histogram* histogram;
  };
  // Never destroyed, like Registry::global(): responses may be encoded during static teardown.
  static auto& handles = *new detail::AppendOnlyMap<Handle>(256);
  const std::uint64_t id = registry.id();
  const std::size_t hash = static_cast<std::size_t>(id * 2 + (gzip ? 1 : 0));
  const auto same = [&](const Handle& h) { return h.registry_id == id && h.gzip == gzip; };
  if (const Handle* h = handles.find(hash, same)) return *h->histogram;
  const auto lookup = [&] {
    return &registry.histogram(metrics::names::kResponseSize,
                               "Size of response bodies as sent, in bytes.",
                               response_size_buckets(), {{"encoding", gzip ? "gzip" : "identity"}});
  };
  const Handle* h = handles.insert(hash, same, [&] { return Handle{id, gzip, lookup()}; });
  return h != nullptr ? *h->histogram : *lookup();
}

void record_size(metrics::Registry* registry, const EncodedBody& out) {
  if (registry == nullptr || out.encoding == ContentEncoding::not_acceptable) return;
  size_histogram(*registry, out.encoding == ContentEncoding::gzip)
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
