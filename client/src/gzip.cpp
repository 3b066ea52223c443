// gzip.cpp — zlib gzip streams and the compress-or-not policy (see gzip.hpp).
#include "azora/gzip.hpp"

#include "ascii_text.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

namespace azora {

namespace {

// windowBits 15 + 16 selects the gzip wrapper instead of zlib's own (RFC 1950) header.
constexpr int kGzipWindow = 15 + 16;
constexpr int kMemLevel = 8;

// Owns a z_stream for either direction; end() runs on every exit path.
class Deflater {
 public:
  explicit Deflater(int level) {
    if (deflateInit2(&zs_, level, Z_DEFLATED, kGzipWindow, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK)
      throw CompressionError("gzip: deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&zs_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&zs_, kGzipWindow) != Z_OK)
      throw CompressionError("gzip: inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&zs_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

// "Application/JSON; charset=utf-8" -> "application/json".
std::string lower_media_type(std::string_view ct) {
  return detail::lower_ascii(detail::trim_blanks(ct.substr(0, ct.find(';'))));
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
  if (level < 1 || level > 9)
    throw UsageError("gzip: level must be 1..9, got " + std::to_string(level));
  Deflater d(level);
  z_stream* zs = d.get();
  std::string out;
  // deflateBound is exact enough that one pass with Z_FINISH always completes for inputs that
  // fit in uInt; larger inputs are fed in chunks.
  std::size_t consumed = 0;
  int rc = Z_OK;
  do {
    const std::size_t chunk = std::min<std::size_t>(data.size() - consumed, UINT_MAX / 2);
    zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
    zs->avail_in = static_cast<uInt>(chunk);
    consumed += chunk;
    const int flush = consumed == data.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      const std::size_t room = deflateBound(zs, zs->avail_in) + 64;
      const std::size_t old = out.size();
      out.resize(old + room);
      zs->next_out = reinterpret_cast<Bytef*>(out.data() + old);
      zs->avail_out = static_cast<uInt>(room);
      rc = deflate(zs, flush);
      out.resize(old + room - zs->avail_out);
      if (rc == Z_STREAM_ERROR) throw CompressionError("gzip: deflate failed");
    } while (zs->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  } while (consumed < data.size());
  return out;
}

std::string gzip_decompress(std::string_view data, std::size_t max_output) {
  Inflater inf;
  z_stream* zs = inf.get();
  if (data.size() > UINT_MAX) throw CompressionError("gzip: input too large");
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs->avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 16384> buf;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs->next_out = reinterpret_cast<Bytef*>(buf.data());
    zs->avail_out = static_cast<uInt>(buf.size());
    rc = inflate(zs, Z_NO_FLUSH);
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR)
      throw CompressionError(std::string("gzip: corrupt data (") + (zs->msg ? zs->msg : "?") + ")");
    const std::size_t produced = buf.size() - zs->avail_out;
    if (out.size() + produced > max_output)
      throw CompressionError("gzip: output exceeds " + std::to_string(max_output) + " bytes");
    out.append(buf.data(), produced);
    // No progress and input exhausted before the end marker: the data is truncated.
    if (rc == Z_BUF_ERROR || (zs->avail_in == 0 && produced == 0 && rc != Z_STREAM_END))
      throw CompressionError("gzip: truncated data");
  }
  return out;
}

bool is_precompressed_content_type(std::string_view content_type) {
  const std::string t = lower_media_type(content_type);
  if (t == "image/svg+xml") return false;  // XML text: compresses well
  if (starts_with(t, "image/") || starts_with(t, "video/") || starts_with(t, "audio/")) return true;
  static constexpr std::string_view kTypes[] = {"application/zip",
                                                "application/gzip",
                                                "application/x-gzip",
                                                "application/x-bzip2",
                                                "application/x-xz",
                                                "application/x-7z-compressed",
                                                "application/zstd",
                                                "application/pdf",
                                                "font/woff",
                                                "font/woff2",
                                                "application/x-rar-compressed"};
  return std::find(std::begin(kTypes), std::end(kTypes), t) != std::end(kTypes);
}

bool should_compress(std::size_t body_size, std::string_view content_type,
                     const GzipOptions& opts) {
  return body_size >= opts.min_size && !is_precompressed_content_type(content_type);
}

}  // namespace azora
