// gzip_test.cpp — gzip compression policy, Accept-Encoding negotiation and encode_response.
#include <gtest/gtest.h>

#include <string>

#include "azora/accept_encoding.hpp"
#include "azora/gzip.hpp"
#include "azora/metrics.hpp"
#include "azora/response_encoding.hpp"

namespace {

using azora::ContentEncoding;

std::string json_body(std::size_t approx) {
  std::string s = "[";
  for (int i = 0; s.size() < approx; i++)
    s += "{\"id\":" + std::to_string(i) + ",\"title\":\"Course " + std::to_string(i) + "\"},";
  s.back() = ']';
  return s;
}

TEST(Gzip, RoundTripsAndShrinksText) {
  const std::string body = json_body(20000);
  for (int level : {1, 6, 9}) {
    const std::string z = azora::gzip_compress(body, level);
    EXPECT_LT(z.size(), body.size() / 3) << "level " << level;
    EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1F);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(z[1]), 0x8B);
    EXPECT_EQ(azora::gzip_decompress(z), body);
  }
  EXPECT_EQ(azora::gzip_decompress(azora::gzip_compress("")), "");
}

TEST(Gzip, RefusesBadLevelsAndCorruptData) {
  EXPECT_THROW(azora::gzip_compress("x", 0), azora::UsageError);
  EXPECT_THROW(azora::gzip_compress("x", 10), azora::UsageError);
  const std::string z = azora::gzip_compress(json_body(5000));
  EXPECT_THROW(azora::gzip_decompress(z.substr(0, z.size() / 2)), azora::CompressionError);
  std::string flipped = z;
  flipped[z.size() / 2] ^= 0x55;
  EXPECT_THROW(azora::gzip_decompress(flipped), azora::CompressionError);
  EXPECT_THROW(azora::gzip_decompress("not gzip at all"), azora::CompressionError);
  EXPECT_THROW(azora::gzip_decompress(""), azora::CompressionError);
  // A small bomb: 1 MB of zeros may not be inflated into a 1 KB budget.
  const std::string bomb = azora::gzip_compress(std::string(1 << 20, '\0'), 9);
  EXPECT_THROW(azora::gzip_decompress(bomb, 1024), azora::CompressionError);
}

TEST(Gzip, SkipsSmallBodiesAndPrecompressedTypes) {
  const azora::GzipOptions opts;  // 1 KB threshold
  EXPECT_FALSE(azora::should_compress(1023, "application/json", opts));
  EXPECT_TRUE(azora::should_compress(1024, "application/json", opts));
  for (const char* t : {"image/png", "IMAGE/JPEG", "video/mp4", "audio/ogg", "application/zip",
                        "application/gzip", "application/x-gzip; charset=binary", "font/woff2"}) {
    EXPECT_TRUE(azora::is_precompressed_content_type(t)) << t;
    EXPECT_FALSE(azora::should_compress(1 << 20, t, opts)) << t;
  }
  for (const char* t : {"application/json; charset=utf-8", "text/html", "image/svg+xml", ""})
    EXPECT_FALSE(azora::is_precompressed_content_type(t)) << t;
  EXPECT_TRUE(azora::should_compress(10, "text/plain", azora::GzipOptions{1, 0}));
}

TEST(AcceptEncoding, ParsesElementsAndQValues) {
  const auto prefs = azora::parse_accept_encoding(" GZIP ;q=0.8, br;q=1.0 ,identity; q=0, *");
  ASSERT_EQ(prefs.size(), 4u);
  EXPECT_EQ(prefs[0].coding, "gzip");
  EXPECT_DOUBLE_EQ(prefs[0].q, 0.8);
  EXPECT_EQ(prefs[1].coding, "br");
  EXPECT_DOUBLE_EQ(prefs[1].q, 1.0);
  EXPECT_DOUBLE_EQ(prefs[2].q, 0.0);
  EXPECT_EQ(prefs[3].coding, "*");
  // Malformed elements are skipped, the rest kept.
  const auto bad = azora::parse_accept_encoding(
      "gzip;q=2, br;q=0.1234, de flate, ;q=1, ,deflate;q=abc, zstd;q=1.000");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].coding, "zstd");
  EXPECT_TRUE(azora::parse_accept_encoding("").empty());
}

TEST(AcceptEncoding, Negotiates) {
  EXPECT_EQ(azora::negotiate_encoding("gzip, deflate, br"), ContentEncoding::gzip);
  EXPECT_EQ(azora::negotiate_encoding("x-gzip"), ContentEncoding::gzip);
  EXPECT_EQ(azora::negotiate_encoding(""), ContentEncoding::identity);
  EXPECT_EQ(azora::negotiate_encoding("br"), ContentEncoding::identity);
  EXPECT_EQ(azora::negotiate_encoding("gzip;q=0"), ContentEncoding::identity);
  EXPECT_EQ(azora::negotiate_encoding("*"), ContentEncoding::gzip);
  EXPECT_EQ(azora::negotiate_encoding("*;q=0.5, gzip;q=0"), ContentEncoding::identity);
  EXPECT_EQ(azora::negotiate_encoding("gzip;q=0.5, identity;q=0.9"), ContentEncoding::identity);
  EXPECT_EQ(azora::negotiate_encoding("gzip;q=0.5, identity;q=0"), ContentEncoding::gzip);
  EXPECT_EQ(azora::negotiate_encoding("identity;q=0, *;q=0"), ContentEncoding::not_acceptable);
  EXPECT_EQ(azora::negotiate_encoding("*;q=0"), ContentEncoding::not_acceptable);
  EXPECT_EQ(azora::negotiate_encoding("br, *;q=0"), ContentEncoding::not_acceptable);
}

TEST(EncodeResponse, CompressesOnlyWhenAcceptedAndWorthIt) {
  const std::string big = json_body(8000);
  auto r = azora::encode_response(big, "application/json", "gzip, br");
  EXPECT_EQ(r.encoding, ContentEncoding::gzip);
  EXPECT_STREQ(r.content_encoding(), "gzip");
  EXPECT_EQ(r.original_size, big.size());
  EXPECT_EQ(azora::gzip_decompress(r.body), big);

  r = azora::encode_response("{\"small\":true}", "application/json", "gzip");
  EXPECT_EQ(r.encoding, ContentEncoding::identity);
  EXPECT_STREQ(r.content_encoding(), "");
  EXPECT_EQ(r.body, "{\"small\":true}");

  r = azora::encode_response(big, "image/png", "gzip");
  EXPECT_EQ(r.encoding, ContentEncoding::identity);
  r = azora::encode_response(big, "application/json", "gzip;q=0");
  EXPECT_EQ(r.encoding, ContentEncoding::identity);
  EXPECT_EQ(r.body, big);

  // identity refused: even a small body is gzipped rather than refused.
  r = azora::encode_response("tiny", "text/plain", "gzip, identity;q=0");
  EXPECT_EQ(r.encoding, ContentEncoding::gzip);
  EXPECT_EQ(azora::gzip_decompress(r.body), "tiny");

  r = azora::encode_response(big, "application/json", "identity;q=0, *;q=0");
  EXPECT_EQ(r.encoding, ContentEncoding::not_acceptable);
  EXPECT_TRUE(r.body.empty());

  azora::GzipOptions fast{1, 16};
  r = azora::encode_response(big, "application/json", "*", fast);
  EXPECT_EQ(r.encoding, ContentEncoding::gzip);
  EXPECT_EQ(azora::gzip_decompress(r.body), big);
}

TEST(EncodeResponse, RecordsTheSentSizeInTheRegistry) {
  azora::metrics::Registry reg;
  const std::string big = json_body(8000);
  const auto gz = azora::encode_response(big, "application/json", "gzip", {}, &reg);
  azora::encode_response("{}", "application/json", "gzip", {}, &reg);
  azora::encode_response("{}", "application/json", "identity;q=0, *;q=0", {}, &reg);  // 406
  auto& gzip_h = reg.histogram(azora::metrics::names::kResponseSize, "",
                               azora::response_size_buckets(), {{"encoding", "gzip"}});
  auto& plain_h = reg.histogram(azora::metrics::names::kResponseSize, "",
                                azora::response_size_buckets(), {{"encoding", "identity"}});
  EXPECT_EQ(gzip_h.count(), 1u);
  EXPECT_DOUBLE_EQ(gzip_h.sum(), static_cast<double>(gz.body.size()));
  EXPECT_EQ(plain_h.count(), 1u);
  EXPECT_DOUBLE_EQ(plain_h.sum(), 2.0);
  const std::string text = reg.expose();
  EXPECT_NE(text.find("# TYPE azora_response_size_bytes histogram"), std::string::npos) << text;
  EXPECT_NE(text.find("azora_response_size_bytes_bucket{encoding=\"identity\",le=\"64\"} 1"),
            std::string::npos)
      << text;
  // nullptr records nothing.
  azora::encode_response(big, "application/json", "gzip", {}, nullptr);
  EXPECT_EQ(gzip_h.count(), 1u);
}

}  // namespace
