// context.cpp — the bytes of a cached call's context (see context.hpp).
//
// The keyed GUCs are found once per backend in PostgreSQL's sorted GUC array and remembered as
// (index, pointer) pairs; a later call reads their current values through the pointers. The
// array is re-scanned when it changed: a new setting (a custom placeholder, a library LOADed)
// changes its length, and a placeholder replaced by its library's real definition changes the
// pointer at its index.
#include "cache/context.hpp"

#include <cstring>
#include <vector>

#include "pg.hpp"

namespace azora::cache {
namespace {

// Settings of the keyed groups that cannot change what a read-only query returns: timeouts,
// transaction defaults (REPEATABLE READ and SERIALIZABLE bypass the cache anyway), where new
// objects go, vacuum thresholds, which messages reach the client and in which language, the
// client's encoding (conversion happens after the result, on the wire), warnings.
constexpr const char* kNotKeyed[] = {
    "check_function_bodies",
    "client_encoding",
    "client_min_messages",
    "default_table_access_method",
    "default_tablespace",
    "default_toast_compression",
    "default_transaction_deferrable",
    "default_transaction_isolation",
    "default_transaction_read_only",
    "escape_string_warning",
    "gin_pending_list_limit",
    "idle_in_transaction_session_timeout",
    "idle_session_timeout",
    "lc_messages",
    "lock_timeout",
    "statement_timeout",
    "temp_tablespaces",
    "transaction_deferrable",
    "transaction_isolation",
    "transaction_read_only",
    "vacuum_failsafe_age",
    "vacuum_freeze_min_age",
    "vacuum_freeze_table_age",
    "vacuum_multixact_failsafe_age",
    "vacuum_multixact_freeze_min_age",
    "vacuum_multixact_freeze_table_age",
};

bool keyed_group(config_group g) {
  switch (g) {
    case CLIENT_CONN_STATEMENT:
    case CLIENT_CONN_LOCALE:
    case CLIENT_CONN_OTHER:
    case COMPAT_OPTIONS_PREVIOUS:
    case COMPAT_OPTIONS_CLIENT:
    case CUSTOM_OPTIONS:
      return true;
    default:
      return false;
  }
}

bool is_keyed(const config_generic* g) {
  if (!keyed_group(g->group)) return false;
  if (pg_strncasecmp(g->name, "azora_opt.", 10) == 0) return false;
  for (const char* name : kNotKeyed)
    if (pg_strcasecmp(g->name, name) == 0) return false;
  return true;
}

struct Keyed {
  int index;
  const config_generic* var;
  bool custom;  // its name goes into the bytes (other backends may not have it at all)
};

std::vector<Keyed> keyed;
int keyed_for_count = -1;  // GetNumConfigOptions() when keyed was built
uint64 private_epoch = 0;  // bumped by this session's temporary-object DDL

void rebuild() {
  keyed.clear();
  config_generic** vars = get_guc_variables();
  int n = GetNumConfigOptions();
  for (int i = 0; i < n; i++)
    if (is_keyed(vars[i])) keyed.push_back(Keyed{i, vars[i], vars[i]->group == CUSTOM_OPTIONS});
  keyed_for_count = n;
}

bool stale() {
  if (GetNumConfigOptions() != keyed_for_count) return true;
  config_generic** vars = get_guc_variables();
  for (const Keyed& k : keyed)
    if (vars[k.index] != k.var) return true;
  return false;
}

// Appends to a buffer that is reused from call to call: after the first calls it never
// allocates (a hit's context is built on every call, so this is on the hot path).
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out), used_(out->size()) {
    if (out_->size() < used_ + 512) out_->resize(used_ + 512);
  }
  ~Writer() { out_->resize(used_); }
  template <typename T>
  void put(const T& v) {
    bytes(&v, sizeof v);
  }
  void text(const char* s) {
    uint32 n = s == nullptr ? 0xFFFFFFFFu : static_cast<uint32>(strlen(s));
    put(n);
    if (s != nullptr) bytes(s, n);
  }
  void value(const config_generic* g) {
    switch (g->vartype) {
      case PGC_BOOL:
        put(*reinterpret_cast<const config_bool*>(g)->variable);
        break;
      case PGC_INT:
        put(*reinterpret_cast<const config_int*>(g)->variable);
        break;
      case PGC_REAL:
        put(*reinterpret_cast<const config_real*>(g)->variable);
        break;
      case PGC_STRING:
        text(*reinterpret_cast<const config_string*>(g)->variable);
        break;
      case PGC_ENUM:
        put(*reinterpret_cast<const config_enum*>(g)->variable);
        break;
    }
  }

 private:
  void bytes(const void* p, size_t n) {
    if (used_ + n > out_->size()) out_->resize(2 * (used_ + n));
    memcpy(out_->data() + used_, p, n);
    used_ += n;
  }
  std::string* out_;
  size_t used_;
};

}  // namespace

void append_call_context(std::string* out) {
  if (stale()) rebuild();
  Writer w(out);
  w.put(GetUserId());
  w.put(GetSessionUserId());
  Oid temp_ns = InvalidOid, temp_toast = InvalidOid;
  GetTempNamespaceState(&temp_ns, &temp_toast);
  if (OidIsValid(temp_ns)) {
    // This session's temporary objects can shadow any name of the query: its entries are its
    // own (pid and start time), and its temp DDL moves private_epoch.
    w.put(MyProcPid);
    w.put(MyStartTimestamp);
    w.put(private_epoch);
  } else {
    w.put(int{0});
  }
  for (const Keyed& k : keyed) {
    if (k.custom) w.text(k.var->name);
    w.value(k.var);
  }
}

bool setting_is_keyed(const char* name) noexcept {
  config_generic** vars = get_guc_variables();
  int n = GetNumConfigOptions();
  for (int i = 0; i < n; i++)
    if (pg_strcasecmp(vars[i]->name, name) == 0) return is_keyed(vars[i]);
  return false;
}

void note_private_schema_change() noexcept {
  private_epoch++;
}

}  // namespace azora::cache
