// advisor/probe.cpp — rolled-back, role-restricted subtransactions for the advisor's parse
// and plan work (see probe.hpp). C-style code: it owns no C++ objects, so ereport may unwind
// through it.
#include "advisor/probe.hpp"

namespace azora::advisor {
namespace {

// PostgreSQL's own default, so a probe never inherits the caller's search_path.
constexpr const char* kDefaultSearchPath = "\"$user\", public";

// An error the advisor may skip a statement for. Everything else stops the call: the user
// asked to stop (cancel, statement_timeout, shutdown), the server is short of memory or lock
// slots, or something is broken (I/O, corruption).
bool ordinary(const ErrorData* e) {
  if (e->elevel != ERROR) return false;
  int category = ERRCODE_TO_CATEGORY(e->sqlerrcode);
  return category != ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) &&
         category != ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) &&
         category != ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) &&
         e->sqlerrcode != ERRCODE_DATA_CORRUPTED && e->sqlerrcode != ERRCODE_INDEX_CORRUPTED;
}

// Runs fn as the role, like vacuum.c and matview.c run a table owner's code: restricted (no
// SET ROLE, no temporary objects, no cursors that outlive it) and with GUC changes undone.
void run_as(const ProbeRole& role, void (*fn)(void*), void* arg) {
  Oid save_userid;
  int save_sec;
  GetUserIdAndSecContext(&save_userid, &save_sec);
  SetUserIdAndSecContext(role.userid, save_sec | SECURITY_RESTRICTED_OPERATION);
  int nest = NewGUCNestLevel();
  (void)set_config_option("search_path",
                          role.search_path != nullptr ? role.search_path : kDefaultSearchPath,
                          PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
  fn(arg);
  AtEOXact_GUC(false, nest);
  SetUserIdAndSecContext(save_userid, save_sec);
}

void lock_query(Query* query);

bool lock_walker(Node* node, void* context) {
  if (node == nullptr) return false;
  if (IsA(node, Query)) {
    lock_query(reinterpret_cast<Query*>(node));
    return false;
  }
  return expression_tree_walker(
      node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(lock_walker)), context);
}

// plancache.c's ScanQueryForLocks, taking the locks.
void lock_query(Query* query) {
  ListCell* lc;
  foreach (lc, query->rtable) {
    auto* rte = static_cast<RangeTblEntry*>(lfirst(lc));
    if (rte->rtekind == RTE_RELATION) {
      LockRelationOid(rte->relid, rte->rellockmode);
    } else if (rte->rtekind == RTE_SUBQUERY) {
      lock_query(rte->subquery);
    }
  }
  foreach (lc, query->cteList) {
    lock_query(reinterpret_cast<Query*>(static_cast<CommonTableExpr*>(lfirst(lc))->ctequery));
  }
  if (query->hasSubLinks) {
    query_tree_walker(query,
                      reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(lock_walker)),
                      nullptr, QTW_IGNORE_RC_SUBQUERIES);
  }
}

}  // namespace

const char* run_probe(const ProbeRole& role, void (*fn)(void*), void* arg, bool keep_errors) {
  MemoryContext caller = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  const char* volatile message = nullptr;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(caller);
  PG_TRY();
  {
    if (OidIsValid(role.userid)) {
      run_as(role, fn, arg);
    } else {
      fn(arg);
    }
    MemoryContextSwitchTo(caller);
    // Rolled back, never released: whatever the statement's functions did is undone, and the
    // probe's locks go with it.
    RollbackAndReleaseCurrentSubTransaction();
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller);
    ErrorData* error = CopyErrorData();
    FlushErrorState();
    // Rolled back before anything else, re-thrown or not, as PL/pgSQL's exception blocks do:
    // an error leaving an open internal subtransaction would leave the transaction unusable.
    // This also restores the user id, security context and GUC nesting of the probe.
    RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(caller);
    CurrentResourceOwner = owner;
    if (!keep_errors || !ordinary(error)) ReThrowError(error);
    message = error->message;
  }
  PG_END_TRY();
  MemoryContextSwitchTo(caller);
  CurrentResourceOwner = owner;
  return message;
}

void lock_relations(Query* query) {
  lock_query(query);
}

}  // namespace azora::advisor
