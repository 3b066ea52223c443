// gzip.hpp — gzip (RFC 1952) compression of response bodies with zlib, and the policy of when
// not to bother: bodies below a size threshold, and content types that are already compressed.
//
// Thread-safe: every call uses its own zlib stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "azora/error.hpp"

namespace azora {

// zlib reported corrupt or truncated gzip data, or the output exceeded its limit.
class CompressionError : public Error {
 public:
  using Error::Error;
};

struct GzipOptions {
  // zlib level 1 (fastest) .. 9 (smallest); 6 is zlib's default trade-off.
  int level = 6;
  // Bodies smaller than this are sent as they are: below ~1 KB the gzip header and the CPU cost
  // outweigh the bytes saved (the seed guide's threshold).
  std::size_t min_size = 1024;
};

// data as a gzip member. Throws UsageError for a level outside 1..9.
std::string gzip_compress(std::string_view data, int level = 6);

// The decompressed contents of gzip data (for clients and tests). Throws CompressionError for
// corrupt or truncated input, or when the output would exceed max_output bytes (a gzip bomb).
std::string gzip_decompress(std::string_view data, std::size_t max_output = 64u << 20);

// Whether a body of this Content-Type is already compressed, so gzip would waste CPU:
// image/* (except image/svg+xml), video/*, audio/*, application/zip, application/gzip,
// application/x-gzip, application/x-bzip2, application/x-7z-compressed, application/x-xz,
// application/zstd, application/pdf, font/woff, font/woff2. Parameters (";charset=...") and
// case are ignored.
bool is_precompressed_content_type(std::string_view content_type);

// Whether a body should be gzipped under opts (size threshold and content type only; whether
// the client accepts gzip is accept_encoding.hpp's question).
bool should_compress(std::size_t body_size, std::string_view content_type,
                     const GzipOptions& opts = {});

}  // namespace azora
