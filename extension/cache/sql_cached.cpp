// sql_cached.cpp — azora_opt.cached_json() and azora_opt.cached(): a hit, or a fill that runs
// the query and stores its rows (docs/extension/cache.md, "Reading through the cache").
//
// The decision order of one call:
//   bypass (REPEATABLE READ / SERIALIZABLE, hot standby): run, store nothing;
//   lookup: the same key, query and params, not expired, every source's generation word equal to
//     the stored one, no source written by this transaction -> re-check privileges, serve;
//   otherwise claim the key's fill; if another backend holds it, wait for it (at most
//     azora_opt.cache_fill_wait) and look again;
//   fill (fill.cpp), then store unless uncacheable, too big, written by this transaction, or
//     raced by a commit.
// No lock is held while the query runs or privileges are checked (store.hpp).
#include "boundary.hpp"
#include "cache/context.hpp"
#include "cache/fill.hpp"
#include "cache/settings.hpp"
#include "cache/store.hpp"
#include "cache/xact.hpp"

namespace azora::cache {
namespace {

constexpr size_t kMaxKeyBytes = 1024;
constexpr int64 kMaxTtlUs = INT64CONST(290) * 365 * USECS_PER_DAY;

struct Call {
  std::string key;
  std::string query;
  std::vector<std::optional<std::string>> params;
  int64 ttl_us;
  std::vector<uint32_t> search_path;  // the effective one, pg_temp and pg_catalog included
  std::string context;                // roles, keyed settings, private schema (context.hpp)
};

std::vector<uint32_t> effective_search_path() {
  List* path = pg_call([] { return fetch_search_path(true); });
  std::vector<uint32_t> out;
  ListCell* lc;
  foreach (lc, path) out.push_back(lfirst_oid(lc));
  return out;
}

// A NOTICE once per session and reason (a reason names the refused function or relation kind,
// so each distinct one is told once; at most 64 are remembered, then they repeat).
void notice_once(const char* reason, const std::string& key) {
  static std::vector<std::string> seen;
  for (const std::string& r : seen)
    if (r == reason) return;
  if (seen.size() < 64) seen.emplace_back(reason);
  pg_call([&] {
    ereport(NOTICE,
            (errmsg("azora_opt: result of cache key \"%s\" not cached: %s", key.c_str(), reason),
             errdetail("The query ran uncached. This notice is shown once per session "
                       "and reason.")));
  });
}

bool sources_current(const EntryView& e) {
  for (const Source& s : e.sources)
    if (!may_serve(generations(), s.gen_slot, s.word)) return false;
  return true;
}

std::vector<uint32> slots_of(const std::vector<Source>& sources) {
  std::vector<uint32> out;
  for (const Source& s : sources) out.push_back(s.gen_slot);
  return out;
}

// False if a relation of the entry is gone; raises 42501 for a role without the privilege.
bool recheck_privileges(const EntryView& e) {
  std::vector<FillPerm> perms;
  for (const PermCheck& p : e.perms)
    perms.push_back(FillPerm{p.relid, p.check_as_user, static_cast<int>(p.cols.size()),
                             const_cast<int32*>(p.cols.data())});
  const FillPerm* data = perms.data();
  int n = static_cast<int>(perms.size());
  return pg_call([&] { return check_perms(n, data); });
}

enum class Lookup { kHit, kMiss, kBypass };

// Serves the entry if it answers this call; removes it if a write made it stale. kBypass: this
// transaction wrote one of the entry's sources, so it must run the query itself.
Lookup try_hit(const Call& c, const std::string& akey, uint64 hash, std::string* result) {
  std::string value;
  if (!lookup(akey, hash, GetCurrentTimestamp(), &value)) return Lookup::kMiss;
  EntryView e;
  if (!decode(value.data(), value.size(), &e) ||
      !same_query(e, c.query, c.params, c.search_path, c.context))
    return Lookup::kMiss;
  if (!sources_current(e)) {
    remove_if_stale(akey, hash);
    return Lookup::kMiss;
  }
  std::vector<uint32> slots = slots_of(e.sources);
  if (wrote_any(slots.data(), static_cast<int>(slots.size()))) return Lookup::kBypass;
  // Raises the executor's 42501 for a role without SELECT.
  if (!recheck_privileges(e)) {
    remove(akey, hash);
    count(hash, kInvalidatedDdl);
    return Lookup::kMiss;
  }
  *result = std::string(e.result);
  count(hash, kHits);
  return Lookup::kHit;
}

text* result_text(const std::string& s) {
  return pg_call([&] { return cstring_to_text_with_len(s.data(), static_cast<int>(s.size())); });
}

std::string fill_and_maybe_store(const Call& c, const std::string& akey, uint64 hash, bool bypass) {
  std::vector<const char*> params;
  for (const auto& p : c.params) params.push_back(p ? p->c_str() : nullptr);
  FillIn in{c.query.c_str(), static_cast<int>(params.size()), params.data(),
            bypass ? nullptr : &generations(), static_cast<int64>(max_entry_bytes)};
  FillOut out;
  pg_call([&] { run_fill(&in, &out); });
  std::string json(out.json->data, out.json->len);
  if (bypass) {
    count(hash, kBypassed);
    return json;
  }
  if (wrote_any(out.slots, out.n_sources)) {
    count(hash, kBypassed);
    return json;
  }
  // A miss: the query ran to fill the key (stored below, or not, with the reason counted).
  count(hash, kMisses);
  if (out.uncacheable != nullptr) {
    count(hash, kUncacheable);
    notice_once(out.uncacheable, c.key);
    return json;
  }
  if (out.too_big) {
    count(hash, kUncacheable);
    notice_once("the result is larger than azora_opt.cache_max_entry_bytes", c.key);
    return json;
  }
  EntryValue v;
  v.filler_role = GetUserId();
  for (int i = 0; i < out.n_sources; i++)
    v.sources.push_back(Source{out.sources[i], out.slots[i], out.words[i]});
  for (int i = 0; i < out.n_perms; i++) {
    const FillPerm& p = out.perms[i];
    v.perms.push_back(
        PermCheck{p.relid, p.check_as_user, std::vector<int32_t>(p.cols, p.cols + p.n_cols)});
  }
  v.search_path = c.search_path;
  v.context = c.context;
  v.params = c.params;
  v.query = c.query;
  // Moved, not copied: the result exists once as a string and once encoded, never more.
  v.result = std::move(json);
  std::string value = encode(v);
  if (akey.size() + value.size() > static_cast<size_t>(max_entry_bytes)) {
    count(hash, kUncacheable);
    notice_once("the result is larger than azora_opt.cache_max_entry_bytes", c.key);
    return std::move(v.result);
  }
  int64 now = GetCurrentTimestamp();
  switch (store(akey, hash, value, v.sources, now, now + c.ttl_us)) {
    case StoreOutcome::kStored:
      count(hash, kStores);
      break;
    case StoreOutcome::kRaced:
      count(hash, kStoreRaced);
      break;
    case StoreOutcome::kTooBig:
      count(hash, kUncacheable);
      notice_once("the result is larger than one cache partition", c.key);
      break;
  }
  return std::move(v.result);
}

// Releases a fill claim however the fill ends (a result, an azora::Error, a PgError).
class FillGuard {
 public:
  explicit FillGuard(uint64 hash) : hash_(hash) {}
  ~FillGuard() { release_fill(hash_); }
  FillGuard(const FillGuard&) = delete;
  FillGuard& operator=(const FillGuard&) = delete;

 private:
  uint64 hash_;
};

std::string cached_json(Call& c) {
  require_ready();
  c.search_path = effective_search_path();
  append_call_context(&c.context);
  if (c.key.size() > kMaxKeyBytes) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE,
                "cache key is " + std::to_string(c.key.size()) + " bytes long",
                "Keys are at most " + std::to_string(kMaxKeyBytes) +
                    " bytes; use a short name such as 'courses:list:page:1'.");
  }
  std::string akey = make_key(MyDatabaseId, c.key);
  uint64 hash = key_hash(akey);
  // Catalog changes committed elsewhere are taken in now, as a direct query would at its next
  // lock: a hit must not answer for a catalog this session does not see yet, nor a fill plan
  // with one older than the schema epoch it records (fill.cpp).
  pg_call([] { AcceptInvalidationMessages(); });
  bool bypass =
      IsolationUsesXactSnapshot() || (RecoveryInProgress() && on_standby == kStandbyBypass);
  std::string result;
  if (bypass) return fill_and_maybe_store(c, akey, hash, true);
  Lookup found = try_hit(c, akey, hash, &result);
  if (found == Lookup::kHit) return result;
  // Own writes: run without claiming the key, so nobody waits for a result never stored.
  if (found == Lookup::kBypass) return fill_and_maybe_store(c, akey, hash, true);
  Claim claim = claim_fill(hash);
  if (claim == Claim::kOwn) return fill_and_maybe_store(c, akey, hash, true);
  if (claim == Claim::kBusy) {
    // Another backend is filling this key: wait for it (bounded), then take its result.
    count(hash, kFillWaits);
    wait_for_fill(hash, fill_wait_ms);
    found = try_hit(c, akey, hash, &result);
    if (found == Lookup::kHit) return result;
    return fill_and_maybe_store(c, akey, hash, found == Lookup::kBypass);
  }
  FillGuard guard(hash);
  return fill_and_maybe_store(c, akey, hash, false);
}

// Reads the four arguments shared by cached_json() and cached(); every PostgreSQL call that can
// fail (detoasting) goes through pg_call, as this frame owns C++ strings.
Call read_args(FunctionCallInfo fcinfo) {
  Call c;
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
    throw Error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                PG_ARGISNULL(0) ? "cache key must not be null" : "cached query must not be null",
                "Pass a key naming the query's result and the query text.");
  }
  text* key = pg_call([&] { return PG_GETARG_TEXT_PP(0); });
  text* query = pg_call([&] { return PG_GETARG_TEXT_PP(1); });
  c.key.assign(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
  c.query.assign(VARDATA_ANY(query), VARSIZE_ANY_EXHDR(query));
  if (c.key.empty())
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "cache key must not be empty",
                "Use a name such as 'courses:list:page:1'.");
  if (PG_ARGISNULL(2)) {
    c.ttl_us = static_cast<int64>(default_ttl_s) * USECS_PER_SEC;
  } else {
    Interval* ttl = pg_call([&] { return PG_GETARG_INTERVAL_P(2); });
    // In 128 bits: '178000000 years' would overflow int64 microseconds. A TTL beyond
    // kMaxTtlUs (about 290 years) is that long: an entry lives no longer than its server.
    __int128 us =
        static_cast<__int128>(ttl->time) +
        (static_cast<__int128>(ttl->day) + static_cast<__int128>(ttl->month) * DAYS_PER_MONTH) *
            USECS_PER_DAY;
    c.ttl_us = us > kMaxTtlUs ? kMaxTtlUs : static_cast<int64>(us < 0 ? 0 : us);
    if (c.ttl_us <= 0) {
      throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "cache ttl must be positive",
                  "Pass an interval such as '5 minutes' or azora_opt.ttl('medium'); NULL means "
                  "azora_opt.cache_default_ttl.");
    }
  }
  if (!PG_ARGISNULL(3)) {
    ArrayType* arr = pg_call([&] { return PG_GETARG_ARRAYTYPE_P(3); });
    if (ARR_NDIM(arr) > 1)
      throw Error(ERRCODE_ARRAY_SUBSCRIPT_ERROR, "params must be a one-dimensional text array",
                  "Pass ARRAY['42', 'abc'] with one value per $n.");
    Datum* values;
    bool* nulls;
    int n;
    pg_call([&] { deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &n); });
    for (int i = 0; i < n; i++) {
      if (nulls[i]) {
        c.params.emplace_back(std::nullopt);
      } else {
        text* t = DatumGetTextPP(values[i]);
        c.params.emplace_back(std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
      }
    }
  }
  return c;
}

}  // namespace
}  // namespace azora::cache

AZORA_SQL_FUNCTION(azora_cache_cached_json) {
  text* result = azora::guarded("azora_opt.cached_json", [&] {
    using namespace azora::cache;
    Call call = read_args(fcinfo);
    return result_text(cached_json(call));
  });
  PG_RETURN_TEXT_P(result);
}

// cached(): the JSON document turned into rows of the caller's column definition list by
// json_to_recordset, which reads the same ReturnSetInfo (so the same names-to-columns rules apply).
AZORA_SQL_FUNCTION(azora_cache_cached) {
  text* json = azora::guarded("azora_opt.cached", [&] {
    using namespace azora::cache;
    Call call = read_args(fcinfo);
    return result_text(cached_json(call));
  });
  LOCAL_FCINFO(inner, 1);
  InitFunctionCallInfoData(*inner, fcinfo->flinfo, 1, InvalidOid, nullptr, fcinfo->resultinfo);
  inner->args[0].value = PointerGetDatum(json);
  inner->args[0].isnull = false;
  return json_to_recordset(inner);
}
