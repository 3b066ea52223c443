// cache_encryption_test.cpp — RedisCache value encryption against the real Redis: what Redis
// holds is ciphertext (read back with a plain GET), a tampered, moved or planted value is a
// counted miss and never served, and rotating keys still reads values sealed with the old one.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>

#include "azora/cache_keys.hpp"
#include "azora/metrics.hpp"
#include "azora/redis_cache.hpp"
#include "azora/value_cipher.hpp"
#include "redis_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using azora::Protection;
using azora::RedisCache;

const std::string kKey1(32, '\x11');
const std::string kKey2(32, '\x22');

azora::RedisCacheOptions encrypted_options(std::map<std::string, std::string> keys,
                                           std::string current) {
  azora::RedisCacheOptions o = azora::test::cache_options();
  o.encryption = azora::CacheEncryption{std::move(keys), std::move(current), {"wallet:"}};
  return o;
}

std::string raw_get(const std::string& full_key) {
  azora::RedisConnection admin(azora::test::redis_endpoint());
  azora::RedisReply r = admin.command({"GET", full_key});
  return r.type() == REDIS_REPLY_STRING ? std::string(r.str()) : std::string("<nil>");
}

void raw_set(const std::string& full_key, const std::string& value) {
  azora::RedisConnection admin(azora::test::redis_endpoint());
  admin.command({"SET", full_key, value, "PX", "60000"});
}

TEST(CacheEncryption, RedisHoldsNoPlaintextForEncryptedPrefixes) {
  RedisCache cache(encrypted_options({{"k1", kKey1}}, "k1"));
  const std::string prefix = cache.options().key_prefix;
  const std::string wallet = azora::keys::wallet_balance(17);  // "wallet:balance:user=17"
  ASSERT_TRUE(cache.set(wallet, R"({"balance":"1234.56","currency":"EUR"})", 60s));
  const std::string raw = raw_get(prefix + wallet);
  EXPECT_EQ(raw.find("1234.56"), std::string::npos) << "plaintext in Redis";
  EXPECT_EQ(raw.find("balance"), std::string::npos);
  EXPECT_TRUE(azora::ValueCipher::is_sealed(raw));
  EXPECT_EQ(azora::ValueCipher::key_id(raw), "k1");
  EXPECT_EQ(cache.get(wallet), R"({"balance":"1234.56","currency":"EUR"})");

  // Other prefixes stay plain unless the call asks for encryption.
  cache.set("courses:id=1", "public title", 60s);
  EXPECT_EQ(raw_get(prefix + "courses:id=1"), "public title");
  cache.set("courses:id=2", "secret draft", 60s, Protection::encrypted);
  EXPECT_EQ(raw_get(prefix + "courses:id=2").find("secret"), std::string::npos);
  EXPECT_EQ(cache.get("courses:id=2"), "secret draft");
  EXPECT_EQ(
      cache.get_or_set(
          "courses:id=3", [] { return std::string("loaded secret"); }, 60s, Protection::encrypted),
      "loaded secret");
  EXPECT_EQ(raw_get(prefix + "courses:id=3").find("loaded"), std::string::npos);
  EXPECT_EQ(cache.stats().rejected, 0u);
}

TEST(CacheEncryption, TamperedMovedOrPlantedValuesAreCountedMisses) {
  azora::metrics::Registry reg;
  auto o = encrypted_options({{"k1", kKey1}}, "k1");
  o.metrics = &reg;
  o.name = "wallets";
  RedisCache cache(o);
  const std::string prefix = cache.options().key_prefix;
  ASSERT_TRUE(cache.set("wallet:balance:user=1", "100.00", 60s));
  ASSERT_TRUE(cache.set("wallet:balance:user=2", "999999.00", 60s));
  const std::string sealed = raw_get(prefix + "wallet:balance:user=1");

  // One flipped bit of the ciphertext: the tag does not verify.
  std::string tampered = sealed;
  tampered[tampered.size() - 20] ^= 0x01;
  raw_set(prefix + "wallet:balance:user=1", tampered);
  EXPECT_EQ(cache.get("wallet:balance:user=1"), std::nullopt);
  // user=2's sealed balance copied under user=1's key: bound to its key, it does not open.
  raw_set(prefix + "wallet:balance:user=1", raw_get(prefix + "wallet:balance:user=2"));
  EXPECT_EQ(cache.get("wallet:balance:user=1"), std::nullopt);
  // A plaintext value where encryption is required (planted, or from before encryption).
  raw_set(prefix + "wallet:balance:user=1", "1000000.00");
  EXPECT_EQ(cache.get("wallet:balance:user=1"), std::nullopt);
  // get_or_set loads instead, and replaces the bad value with a sealed one.
  EXPECT_EQ(cache.get_or_set(
                "wallet:balance:user=1", [] { return std::string("100.00"); }, 60s),
            "100.00");
  EXPECT_TRUE(azora::ValueCipher::is_sealed(raw_get(prefix + "wallet:balance:user=1")));
  EXPECT_EQ(cache.get("wallet:balance:user=1"), "100.00");

  const azora::CacheStats s = cache.stats();
  // Three gets, and the get_or_set's two looks (before and inside its single flight).
  EXPECT_EQ(s.rejected, 5u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_NE(reg.expose().find("azora_cache_rejected_total{cache=\"wallets\"} 5"), std::string::npos)
      << reg.expose();
}

TEST(CacheEncryption, RotationReadsOldValuesAndSealsNewOnesWithTheCurrentKey) {
  const std::string key = "wallet:balance:user=5";
  std::string prefix;
  {
    RedisCache before(encrypted_options({{"k1", kKey1}}, "k1"));
    prefix = before.options().key_prefix;
    ASSERT_TRUE(before.set(key, "50.00", 60s));
    ASSERT_TRUE(before.set("wallet:balance:user=6", "60.00", 60s));
  }
  RedisCache rotated(encrypted_options({{"k1", kKey1}, {"k2", kKey2}}, "k2"));
  EXPECT_EQ(rotated.get(key), "50.00");  // sealed with k1, still readable
  ASSERT_TRUE(rotated.set(key, "55.00", 60s));
  EXPECT_EQ(azora::ValueCipher::key_id(raw_get(prefix + key)), "k2");
  EXPECT_EQ(rotated.get(key), "55.00");

  // Once k1 is retired, what it sealed is a miss (the loader refills it with k2).
  RedisCache retired(encrypted_options({{"k2", kKey2}}, "k2"));
  EXPECT_EQ(retired.get(key), "55.00");
  EXPECT_EQ(retired.get("wallet:balance:user=6"), std::nullopt);
  EXPECT_EQ(retired.stats().rejected, 1u);
  // And a cache without keys serves no sealed value either.
  RedisCache no_keys(azora::test::cache_options());
  EXPECT_EQ(no_keys.get(key), std::nullopt);
  EXPECT_EQ(no_keys.stats().rejected, 1u);
}

TEST(CacheEncryption, RefusesBadKeysAndEncryptionWithoutKeys) {
  EXPECT_THROW(RedisCache(encrypted_options({{"k1", "too short"}}, "k1")), azora::UsageError);
  EXPECT_THROW(RedisCache(encrypted_options({{"k1", kKey1}}, "k9")), azora::UsageError);
  EXPECT_THROW(RedisCache(encrypted_options({{"", kKey1}}, "")), azora::UsageError);
  RedisCache plain(azora::test::cache_options());
  EXPECT_THROW(plain.set("x", "y", 60s, Protection::encrypted), azora::UsageError);
}

TEST(ValueCipher, SealsOpensAndBindsTheContext) {
  azora::ValueCipher c({{"k1", kKey1}}, "k1");
  const std::string a = c.seal("wallet 42", "ctx-a");
  EXPECT_NE(a, c.seal("wallet 42", "ctx-a"));  // fresh nonce every time
  EXPECT_EQ(c.open(a, "ctx-a"), "wallet 42");
  EXPECT_EQ(c.open(a, "ctx-b"), std::nullopt);
  EXPECT_EQ(c.open(a.substr(0, a.size() - 1), "ctx-a"), std::nullopt);
  EXPECT_EQ(c.open("wallet 42", "ctx-a"), std::nullopt);
  EXPECT_EQ(c.open(c.seal("", "ctx"), "ctx"), "");
  // The key id is authenticated: renaming it to another known id does not open.
  azora::ValueCipher two({{"k1", kKey1}, {"k2", kKey2}}, "k1");
  std::string renamed = two.seal("x", "ctx");
  renamed[azora::ValueCipher::kMagic.size() + 2] = '2';  // "k1" -> "k2"
  EXPECT_EQ(two.open(renamed, "ctx"), std::nullopt);
}

}  // namespace
