// cache_entry.hpp — what one result-cache entry stores, and its byte encoding in the arena.
//
// PostgreSQL-free (test/unit/cache_entry_test.cpp). The arena key is the database OID followed
// by the user's key text (make_key), so two databases never share an entry. The value remembers
// everything a hit must check before serving (docs/extension/cache.md):
//   * the query text, the bound parameters, the effective search_path (as schema OIDs) and the
//     call's context (cache/context.hpp: the roles, every setting that can change the answer, the
//     schema state private to a session): one key names one query, so a call with the same key
//     and another query, other params, another search_path, role or keyed setting is a miss that
//     replaces the entry;
//   * the source relations with the generation words read before the fill's snapshot
//     (cache_generations.hpp): a changed word means a write committed since;
//   * the privilege checks the executor made (relation, the role checked, the columns read), to
//     be re-made for the calling role on every hit;
//   * the result document itself.
// Encoding: a fixed header, then the arrays, then the texts; all integers in host order (the
// bytes never leave the server's shared memory). decode() checks every length against the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azora::cache {

struct Source {
  uint32_t relid;
  uint32_t gen_slot;
  uint64_t word;  // the generation word read before the fill's snapshot
};

struct PermCheck {
  uint32_t relid;
  uint32_t check_as_user;     // 0: the calling role; else the view owner the executor checks
  std::vector<int32_t> cols;  // selectedCols members (attno - FirstLowInvalidHeapAttributeNumber)
};

// An entry with its texts as Text: std::string to build one (EntryValue), std::string_view for a
// decoded one whose texts point into the encoded buffer (EntryView: no copy of the result).
template <typename Text>
struct BasicEntry {
  uint32_t filler_role = 0;
  std::vector<uint32_t> search_path;
  std::vector<Source> sources;
  std::vector<PermCheck> perms;
  std::vector<std::optional<Text>> params;
  Text context;  // opaque bytes, compared whole (cache/context.hpp)
  Text query;
  Text result;
};
using EntryValue = BasicEntry<std::string>;
using EntryView = BasicEntry<std::string_view>;

namespace detail {
struct Header {
  uint32_t version;
  uint32_t filler_role;
  uint32_t n_sources;
  uint32_t n_perms;
  uint32_t n_params;
  uint32_t query_len;
  uint32_t result_len;
  uint32_t n_search_path;
  uint32_t context_len;
};
inline constexpr uint32_t kVersion = 2;
}  // namespace detail
// Where the filler's role sits in an encoded value: a scan can read these 4 bytes alone.
inline constexpr size_t kFillerRoleOffset = offsetof(detail::Header, filler_role);
namespace detail {
inline constexpr uint32_t kNullParam = 0xFFFFFFFFu;

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

class Reader {
 public:
  Reader(const char* p, size_t n) : p_(p), left_(n) {}
  template <typename T>
  bool get(T* v) {
    if (left_ < sizeof(T)) return false;
    std::memcpy(v, p_, sizeof(T));
    p_ += sizeof(T);
    left_ -= sizeof(T);
    return true;
  }
  bool view(size_t n, std::string_view* v) {
    if (left_ < n) return false;
    *v = std::string_view(p_, n);
    p_ += n;
    left_ -= n;
    return true;
  }
  size_t left() const { return left_; }

 private:
  const char* p_;
  size_t left_;
};
}  // namespace detail

inline std::string make_key(uint32_t dbid, std::string_view key) {
  std::string out;
  out.reserve(sizeof dbid + key.size());
  detail::put(out, dbid);
  out.append(key);
  return out;
}

// The user's key text of an arena key (empty if malformed).
inline std::string_view key_text(std::string_view arena_key) {
  return arena_key.size() < 4 ? std::string_view() : arena_key.substr(4);
}
inline uint32_t key_dbid(std::string_view arena_key) {
  uint32_t dbid = 0;
  if (arena_key.size() >= 4) std::memcpy(&dbid, arena_key.data(), 4);
  return dbid;
}

inline std::string encode(const EntryValue& v) {
  std::string out;
  detail::Header h{detail::kVersion,
                   v.filler_role,
                   static_cast<uint32_t>(v.sources.size()),
                   static_cast<uint32_t>(v.perms.size()),
                   static_cast<uint32_t>(v.params.size()),
                   static_cast<uint32_t>(v.query.size()),
                   static_cast<uint32_t>(v.result.size()),
                   static_cast<uint32_t>(v.search_path.size()),
                   static_cast<uint32_t>(v.context.size())};
  detail::put(out, h);
  for (uint32_t ns : v.search_path) detail::put(out, ns);
  for (const Source& s : v.sources) detail::put(out, s);
  for (const PermCheck& p : v.perms) {
    detail::put(out, p.relid);
    detail::put(out, p.check_as_user);
    detail::put(out, static_cast<uint32_t>(p.cols.size()));
    for (int32_t c : p.cols) detail::put(out, c);
  }
  for (const auto& param : v.params) {
    detail::put(out, param ? static_cast<uint32_t>(param->size()) : detail::kNullParam);
    if (param) out.append(*param);
  }
  out.append(v.context);
  out.append(v.query);
  out.append(v.result);
  return out;
}

// Decodes bytes made by encode(); false if they are not a complete entry of this version.
inline bool decode(const char* data, size_t len, EntryView* out) {
  detail::Reader r(data, len);
  detail::Header h;
  if (!r.get(&h) || h.version != detail::kVersion) return false;
  out->filler_role = h.filler_role;
  if (h.n_search_path > r.left() / 4) return false;
  out->search_path.resize(h.n_search_path);
  for (uint32_t& ns : out->search_path)
    if (!r.get(&ns)) return false;
  // Each array element needs at least 4 bytes, so a corrupt count cannot make us allocate much.
  if (h.n_sources > r.left() / sizeof(Source)) return false;
  out->sources.resize(h.n_sources);
  for (Source& s : out->sources)
    if (!r.get(&s)) return false;
  if (h.n_perms > r.left() / 12) return false;
  out->perms.resize(h.n_perms);
  for (PermCheck& p : out->perms) {
    uint32_t n = 0;
    if (!r.get(&p.relid) || !r.get(&p.check_as_user) || !r.get(&n) || n > r.left() / 4)
      return false;
    p.cols.resize(n);
    for (int32_t& c : p.cols)
      if (!r.get(&c)) return false;
  }
  if (h.n_params > r.left() / 4) return false;
  out->params.clear();
  for (uint32_t i = 0; i < h.n_params; i++) {
    uint32_t n = 0;
    if (!r.get(&n)) return false;
    if (n == detail::kNullParam) {
      out->params.emplace_back(std::nullopt);
      continue;
    }
    std::string_view text;
    if (!r.view(n, &text)) return false;
    out->params.emplace_back(text);
  }
  if (!r.view(h.context_len, &out->context) || !r.view(h.query_len, &out->query) ||
      !r.view(h.result_len, &out->result))
    return false;
  return r.left() == 0;
}

// Whether a stored entry answers this call: the same query text, bound params, search_path and
// context.
inline bool same_query(const EntryView& e, std::string_view query,
                       const std::vector<std::optional<std::string>>& params,
                       const std::vector<uint32_t>& search_path, std::string_view context) {
  if (e.query != query || e.params.size() != params.size() || e.search_path != search_path ||
      e.context != context)
    return false;
  for (size_t i = 0; i < params.size(); i++) {
    if (e.params[i].has_value() != params[i].has_value()) return false;
    if (params[i] && *e.params[i] != *params[i]) return false;
  }
  return true;
}

}  // namespace azora::cache
