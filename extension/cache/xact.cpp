// xact.cpp — the relations this transaction wrote and their generation bumps (see xact.hpp).
//
// The written set holds generation slots (not OIDs): that is what the bumps need, and a slot
// shared by two relations only costs an extra bypass. It is a fixed array, so noting a write
// never allocates; a transaction that writes more relations than it holds bumps every slot.
#include "cache/xact.hpp"

#include "cache/store.hpp"

namespace azora::cache {
namespace {

constexpr int kMaxWritten = 256;
uint32 written[kMaxWritten];
bool written_ddl[kMaxWritten];
int n_written = 0;
bool overflow = false;        // more than kMaxWritten: every slot is treated as written
bool committing_now = false;  // begin_commit done, end_commit owed

void note_slot(uint32 slot, bool ddl) {
  for (int i = 0; i < n_written; i++) {
    if (written[i] == slot) {
      written_ddl[i] = written_ddl[i] || ddl;
      return;
    }
  }
  if (n_written == kMaxWritten) {
    overflow = true;
    return;
  }
  written_ddl[n_written] = ddl;
  written[n_written++] = slot;
}

template <typename F>
void for_each_written(F&& f) {
  if (overflow) {
    for (uint32 s = 0; s < kGenSlots; s++) f(s, false);  // counted as writes
  } else {
    for (int i = 0; i < n_written; i++) f(written[i], written_ddl[i]);
  }
}

void begin_commits() {
  if (committing_now || (n_written == 0 && !overflow) || !ready()) return;
  for_each_written([](uint32 s, bool ddl) {
    set_bump_reason(s, ddl);
    gen_begin_commit(generations(), s);
  });
  committing_now = true;
}

void end_commits() {
  if (committing_now && ready()) {
    for_each_written([](uint32 s, bool) { gen_end_commit(generations(), s); });
  }
  committing_now = false;
  n_written = 0;
  overflow = false;
}

Oid relid_of(RangeVar* rv) {
  return rv == nullptr ? InvalidOid : RangeVarGetRelid(rv, NoLock, true);
}

}  // namespace

void note_written(Oid relid, bool ddl) {
  if (!OidIsValid(relid) || !ready()) return;
  note_slot(gen_slot(MyDatabaseId, relid), ddl);
  if (get_rel_relispartition(relid)) {
    ListCell* lc;
    foreach (lc, get_partition_ancestors(relid))
      note_slot(gen_slot(MyDatabaseId, lfirst_oid(lc)), ddl);
  }
}

void on_executor_start(QueryDesc* query_desc) {
  PlannedStmt* ps = query_desc->plannedstmt;
  // Not only INSERT/UPDATE/DELETE/MERGE: a SELECT with a data-modifying WITH has result
  // relations too. A plain SELECT has none.
  if (ps == nullptr) return;
  ListCell* lc;
  foreach (lc, ps->resultRelations)
    note_written(rt_fetch(lfirst_int(lc), ps->rtable)->relid, false);
}

void on_utility(PlannedStmt* pstmt) {
  Node* n = pstmt->utilityStmt;
  if (n == nullptr || !ready()) return;
  ListCell* lc;
  switch (nodeTag(n)) {
    case T_CopyStmt: {
      auto* s = reinterpret_cast<CopyStmt*>(n);
      if (s->is_from) note_written(relid_of(s->relation), false);
      break;
    }
    case T_TruncateStmt: {
      auto* s = reinterpret_cast<TruncateStmt*>(n);
      // CASCADE also empties the tables that reference these, which are not named here.
      if (s->behavior == DROP_CASCADE) overflow = true;
      foreach (lc, s->relations) note_written(relid_of(static_cast<RangeVar*>(lfirst(lc))), false);
      break;
    }
    case T_AlterTableStmt:
      note_written(relid_of(reinterpret_cast<AlterTableStmt*>(n)->relation), true);
      break;
    case T_RenameStmt:
      note_written(relid_of(reinterpret_cast<RenameStmt*>(n)->relation), true);
      break;
    case T_AlterObjectSchemaStmt:
      note_written(relid_of(reinterpret_cast<AlterObjectSchemaStmt*>(n)->relation), true);
      break;
    case T_RefreshMatViewStmt:
      note_written(relid_of(reinterpret_cast<RefreshMatViewStmt*>(n)->relation), false);
      break;
    case T_ClusterStmt:
      note_written(relid_of(reinterpret_cast<ClusterStmt*>(n)->relation), true);
      break;
    case T_ViewStmt:  // CREATE OR REPLACE VIEW changes what the view returns
      note_written(relid_of(reinterpret_cast<ViewStmt*>(n)->view), true);
      break;
    case T_CreatePolicyStmt:
      note_written(relid_of(reinterpret_cast<CreatePolicyStmt*>(n)->table), true);
      break;
    case T_AlterPolicyStmt:
      note_written(relid_of(reinterpret_cast<AlterPolicyStmt*>(n)->table), true);
      break;
    case T_TransactionStmt: {
      // COMMIT PREPARED makes another transaction's writes visible while it runs, and which
      // relations it wrote is not known here (it may have been prepared before a restart), so
      // every slot enters its committing window now and leaves it when this transaction ends:
      // a full invalidation per COMMIT PREPARED, never a stale entry.
      if (reinterpret_cast<TransactionStmt*>(n)->kind == TRANS_STMT_COMMIT_PREPARED) {
        overflow = true;
        begin_commits();
      }
      break;
    }
    case T_DropStmt: {
      auto* s = reinterpret_cast<DropStmt*>(n);
      if (s->removeType != OBJECT_TABLE && s->removeType != OBJECT_VIEW &&
          s->removeType != OBJECT_MATVIEW && s->removeType != OBJECT_FOREIGN_TABLE)
        break;
      foreach (lc, s->objects)
        note_written(relid_of(makeRangeVarFromNameList(static_cast<List*>(lfirst(lc)))), true);
      break;
    }
    default:
      break;
  }
}

void on_xact_event(XactEvent event) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      // Before the commit becomes visible: from here no hit and no store on these relations.
      begin_commits();
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
      // A prepared transaction's writes become visible only at COMMIT PREPARED, which bumps
      // every slot (on_utility); the bumps here only cover PREPARE itself.
      end_commits();
      break;
  }
}

bool wrote_any(const uint32* gen_slots, int n) {
  if (overflow) return true;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n_written; j++)
      if (written[j] == gen_slots[i]) return true;
  return false;
}

}  // namespace azora::cache
