// value_cipher.cpp — AES-256-GCM through OpenSSL's EVP interface (see value_cipher.hpp).
#include "azora/value_cipher.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "azora/error.hpp"

namespace azora {

namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Everything authenticated besides the ciphertext: the header (so the key id cannot be swapped)
// and the context, length-prefixed so no two (header, context) pairs give the same bytes.
std::string aad(std::string_view header, std::string_view context) {
  std::string a(header);
  a += std::to_string(context.size());
  a += ':';
  a += context;
  return a;
}

struct Parsed {
  std::string_view header, id, nonce, ciphertext, tag;
};

std::optional<Parsed> parse(std::string_view s) {
  if (!ValueCipher::is_sealed(s)) return std::nullopt;
  const std::size_t id_len = static_cast<unsigned char>(s[ValueCipher::kMagic.size()]);
  const std::size_t header = ValueCipher::kMagic.size() + 1 + id_len;
  if (id_len == 0 || s.size() < header + kNonceBytes + kTagBytes) return std::nullopt;
  Parsed p;
  p.header = s.substr(0, header);
  p.id = s.substr(ValueCipher::kMagic.size() + 1, id_len);
  p.nonce = s.substr(header, kNonceBytes);
  p.ciphertext = s.substr(header + kNonceBytes, s.size() - header - kNonceBytes - kTagBytes);
  p.tag = s.substr(s.size() - kTagBytes);
  return p;
}

}  // namespace

ValueCipher::ValueCipher(std::map<std::string, std::string> keys, std::string current)
    : keys_(std::move(keys)), current_(std::move(current)) {
  for (const auto& [id, key] : keys_) {
    if (id.empty() || id.size() > 255) throw UsageError("value cipher: key ids are 1..255 bytes");
    if (key.size() != kKeyBytes)
      throw UsageError("value cipher: key \"" + id + "\" must be 32 bytes (AES-256)");
  }
  if (keys_.find(current_) == keys_.end())
    throw UsageError("value cipher: the current key id \"" + current_ + "\" has no key");
}

bool ValueCipher::is_sealed(std::string_view stored) noexcept {
  return stored.size() > kMagic.size() && stored.substr(0, kMagic.size()) == kMagic;
}

std::string ValueCipher::key_id(std::string_view stored) {
  std::optional<Parsed> p = parse(stored);
  return p ? std::string(p->id) : std::string();
}

std::string ValueCipher::seal(std::string_view plaintext, std::string_view context) const {
  const std::string& key = keys_.at(current_);
  std::string out(kMagic);
  out += static_cast<char>(current_.size());
  out += current_;
  const std::string header = out;
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) throw Error("value cipher: no random bytes");
  out.append(reinterpret_cast<const char*>(nonce), sizeof nonce);

  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  const std::string a = aad(header, context);
  std::string ct(plaintext.size(), '\0');
  int len = 0, tail = 0;
  unsigned char tag[kTagBytes];
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(a), static_cast<int>(a.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()), &len,
                        bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()) + len, &tail) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1)
    throw Error("value cipher: AES-256-GCM encryption failed");
  ct.resize(static_cast<std::size_t>(len + tail));
  out += ct;
  out.append(reinterpret_cast<const char*>(tag), sizeof tag);
  return out;
}

std::optional<std::string> ValueCipher::open(std::string_view sealed,
                                             std::string_view context) const {
  std::optional<Parsed> p = parse(sealed);
  if (!p) return std::nullopt;
  auto k = keys_.find(std::string(p->id));
  if (k == keys_.end()) return std::nullopt;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  const std::string a = aad(p->header, context);
  std::string pt(p->ciphertext.size(), '\0');
  std::string tag(p->tag);
  int len = 0, tail = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(k->second),
                         bytes(p->nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(a), static_cast<int>(a.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(pt.data()), &len,
                        bytes(p->ciphertext), static_cast<int>(p->ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(pt.data()) + len, &tail) != 1)
    return std::nullopt;  // the tag did not verify: nothing of pt may be used
  pt.resize(static_cast<std::size_t>(len + tail));
  return pt;
}

}  // namespace azora
