// sql_admin.cpp — the cache's management functions: ttl(), cache_invalidate(),
// cache_invalidate_pattern(), cache_stats(), cache_entries(), cache_flush()
// (docs/extension/cache.md, "Managing the cache").
#include "boundary.hpp"
#include "cache/store.hpp"
#include "pure/glob.hpp"
#include "pure/ttl_presets.hpp"

namespace azora::cache {
namespace {

std::string arg_text(FunctionCallInfo fcinfo, int i, const char* what) {
  if (PG_ARGISNULL(i))
    throw Error(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(what) + " must not be null");
  text* t = pg_call([&] { return PG_GETARG_TEXT_PP(i); });
  return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

Datum ttl(FunctionCallInfo fcinfo) {
  std::string name = arg_text(fcinfo, 0, "ttl preset name");
  int64_t seconds = ttl_preset::seconds(name);
  if (seconds < 0) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "unknown ttl preset \"" + name + "\"",
                std::string("Use one of: ") + ttl_preset::kNameList + ".");
  }
  return pg_call([&] {
    auto* iv = static_cast<Interval*>(palloc0(sizeof(Interval)));
    iv->time = seconds * USECS_PER_SEC;
    return PointerGetDatum(iv);
  });
}

// Which entries the caller may remove (docs/extension/cache.md, "Who may invalidate"): a
// superuser any; another role only those its own calls stored, so no role can evict the
// entries of others (writes invalidate every role's entries by themselves).
uint32_t removable_role() {
  return pg_call([] { return superuser(); }) ? 0 : GetUserId();
}

constexpr size_t kMaxPatternBytes = 4096;

bool invalidate(FunctionCallInfo fcinfo) {
  require_ready();
  std::string akey = make_key(MyDatabaseId, arg_text(fcinfo, 0, "cache key"));
  uint64_t hash = key_hash(akey);
  if (!remove(akey, hash, removable_role())) return false;
  count(hash, kInvalidatedExplicit);
  return true;
}

int64 invalidate_pattern(FunctionCallInfo fcinfo) {
  require_ready();
  std::string pattern = arg_text(fcinfo, 0, "pattern");
  if (pattern.size() > kMaxPatternBytes) {
    throw Error(ERRCODE_INVALID_PARAMETER_VALUE,
                "pattern is " + std::to_string(pattern.size()) + " bytes long",
                "Patterns are at most " + std::to_string(kMaxPatternBytes) +
                    " bytes (keys at most 1024); use a prefix such as 'courses:*'.");
  }
  switch (glob::validate(pattern)) {
    case glob::Validity::kEmpty:
      throw Error(ERRCODE_INVALID_PARAMETER_VALUE, "pattern must not be empty",
                  "Use '*' to invalidate every key of this database, or a prefix such as "
                  "'courses:*'.");
    case glob::Validity::kTrailingBackslash:
      throw Error(ERRCODE_INVALID_PARAMETER_VALUE,
                  "pattern \"" + pattern + "\" ends with an unescaped backslash",
                  "A backslash escapes the next character; write \\\\ for a literal backslash.");
    case glob::Validity::kOk:
      break;
  }
  glob::Matcher matcher(pattern, GetDatabaseEncoding() == PG_UTF8);
  uint64_t n = remove_matching(MyDatabaseId, matcher, removable_role());
  // Counted in partition 0: the pattern has no single key.
  for (uint64_t i = 0; i < n; i++) count(0, kInvalidatedPattern);
  return static_cast<int64>(n);
}

constexpr int kStatsColumns = 18;

Datum stats(FunctionCallInfo fcinfo) {
  require_ready();
  TupleDesc desc;
  if (pg_call([&] { return get_call_result_type(fcinfo, nullptr, &desc); }) != TYPEFUNC_COMPOSITE)
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.cache_stats: return type must be a row type");
  if (desc->natts != kStatsColumns)
    throw Error(ERRCODE_INTERNAL_ERROR, "azora_opt.cache_stats: the SQL definition has " +
                                            std::to_string(desc->natts) + " columns, the library " +
                                            std::to_string(kStatsColumns));
  Totals t = totals();
  uint64_t lookups = t.counters[kHits] + t.counters[kMisses];
  Datum v[kStatsColumns];
  bool nulls[kStatsColumns] = {};
  int i = 0;
  v[i++] = Int64GetDatum(t.counters[kHits]);
  v[i++] = Int64GetDatum(t.counters[kMisses]);
  if (lookups > 0) {
    v[i++] = Float8GetDatum(static_cast<double>(t.counters[kHits]) / lookups);
  } else {
    nulls[i++] = true;
  }
  v[i++] = Int64GetDatum(t.entries);
  v[i++] = Int64GetDatum(t.bytes_stored);
  v[i++] = Int64GetDatum(t.bytes_reserved);
  v[i++] = Int64GetDatum(t.bytes_capacity);
  v[i++] = Int64GetDatum(t.entry_limit);
  v[i++] = Int64GetDatum(t.counters[kStores]);
  v[i++] = Int64GetDatum(t.evictions);
  v[i++] = Int64GetDatum(t.expirations);
  v[i++] = Int64GetDatum(t.counters[kInvalidatedExplicit]);
  v[i++] = Int64GetDatum(t.counters[kInvalidatedPattern]);
  v[i++] = Int64GetDatum(t.counters[kInvalidatedWrite]);
  v[i++] = Int64GetDatum(t.counters[kInvalidatedDdl]);
  v[i++] = Int64GetDatum(t.counters[kBypassed]);
  v[i++] = Int64GetDatum(t.counters[kUncacheable] + t.counters[kStoreRaced]);
  v[i++] = Int64GetDatum(t.counters[kFillWaits]);
  return pg_call(
      [&] { return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), v, nulls)); });
}

void list_entries(FunctionCallInfo fcinfo) {
  require_ready();
  int64 now = GetCurrentTimestamp();
  // Keys can name users ("wallet:42"): like pg_stat_statements' query texts, other roles'
  // entries are listed only to superusers and members of pg_read_all_stats.
  Oid me = GetUserId();
  bool all = pg_call([&] { return has_privs_of_role(me, ROLE_PG_READ_ALL_STATS); });
  std::vector<EntryInfo> list = entries(MyDatabaseId, all ? 0 : me);
  pg_call([&] {
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (const EntryInfo& e : list) {
      Datum v[6];
      bool nulls[6] = {};
      v[0] =
          PointerGetDatum(cstring_to_text_with_len(e.key.data(), static_cast<int>(e.key.size())));
      v[1] = Int64GetDatum(static_cast<int64>(e.bytes));
      auto* age = static_cast<Interval*>(palloc0(sizeof(Interval)));
      age->time = now - e.created_at;
      v[2] = PointerGetDatum(age);
      auto* left = static_cast<Interval*>(palloc0(sizeof(Interval)));
      left->time = e.expires_at > now ? e.expires_at - now : 0;
      v[3] = PointerGetDatum(left);
      v[4] = Int64GetDatum(static_cast<int64>(e.hits));
      Datum* oids = static_cast<Datum*>(palloc(sizeof(Datum) * (e.sources.size() + 1)));
      for (size_t i = 0; i < e.sources.size(); i++) oids[i] = ObjectIdGetDatum(e.sources[i]);
      v[5] = PointerGetDatum(construct_array(oids, static_cast<int>(e.sources.size()), REGCLASSOID,
                                             sizeof(Oid), true, TYPALIGN_INT));
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
    }
  });
}

}  // namespace
}  // namespace azora::cache

using namespace azora::cache;

AZORA_SQL_FUNCTION(azora_cache_ttl) {
  return azora::guarded("azora_opt.ttl", [&] { return ttl(fcinfo); });
}

AZORA_SQL_FUNCTION(azora_cache_invalidate) {
  bool removed = azora::guarded("azora_opt.cache_invalidate", [&] { return invalidate(fcinfo); });
  PG_RETURN_BOOL(removed);
}

AZORA_SQL_FUNCTION(azora_cache_invalidate_pattern) {
  int64 n = azora::guarded("azora_opt.cache_invalidate_pattern",
                           [&] { return invalidate_pattern(fcinfo); });
  PG_RETURN_INT64(n);
}

AZORA_SQL_FUNCTION(azora_cache_stats) {
  return azora::guarded("azora_opt.cache_stats", [&] { return stats(fcinfo); });
}

AZORA_SQL_FUNCTION(azora_cache_entries) {
  azora::guarded("azora_opt.cache_entries", [&] { list_entries(fcinfo); });
  return (Datum)0;
}

AZORA_SQL_FUNCTION(azora_cache_flush) {
  int64 n = azora::guarded("azora_opt.cache_flush", [&] {
    require_ready();
    return static_cast<int64>(flush());
  });
  PG_RETURN_INT64(n);
}
