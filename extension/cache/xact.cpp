// xact.cpp — the relations this transaction wrote and their generation bumps (see xact.hpp).
//
// The written set holds generation slots (not OIDs): that is what the bumps need, and a slot
// shared by two relations only costs an extra bypass. It is a fixed array, so noting a write
// never allocates; a transaction that writes more relations than it holds bumps every slot.
#include "cache/xact.hpp"

#include "cache/context.hpp"
#include "cache/store.hpp"

namespace azora::cache {
namespace {

constexpr int kMaxWritten = 256;
uint32 written[kMaxWritten];
bool written_ddl[kMaxWritten];
int n_written = 0;
bool overflow = false;        // more than kMaxWritten: every slot is treated as written
bool committing_now = false;  // begin_commit done, end_commit owed
bool end_owed = false;        // committed or prepared: end_commits() at resource release
bool release_callback_registered = false;

// Nothing noted and no window open or owed: most transactions (they wrote nothing the cache
// notes), for which the transaction callback and end_commits have nothing to do.
bool idle() {
  return !committing_now && !end_owed && n_written == 0 && !overflow;
}

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
    for (uint32 s = 0; s < kAllSlots; s++) f(s, false);  // counted as writes
  } else {
    for (int i = 0; i < n_written; i++) f(written[i], written_ddl[i]);
  }
}

// The set begin_commits() bumped, snapshotted: end_commits() must undo exactly those C++ (a
// write noted after PRE_COMMIT, by another library's PRE_COMMIT callback, would otherwise
// decrement a C it never incremented and wrap it).
uint32 committing[kMaxWritten];
int n_committing = 0;
bool committing_overflow = false;

void begin_commits() {
  if (committing_now || (n_written == 0 && !overflow) || !ready()) return;
  for_each_written([](uint32 s, bool ddl) {
    set_bump_reason(s, ddl);
    gen_begin_commit(generations(), s);
  });
  // A loop, not memcpy: one or two slots in nearly every transaction.
  for (int i = 0; i < n_written; i++) committing[i] = written[i];
  n_committing = n_written;
  committing_overflow = overflow;
  committing_now = true;
}

bool committing_moves_epoch() {
  if (committing_overflow) return true;
  for (int i = 0; i < n_committing; i++)
    if (committing[i] >= kGenSlots) return true;
  return false;
}

bool in_committing(uint32 slot) {
  if (committing_overflow) return true;
  for (int i = 0; i < n_committing; i++)
    if (committing[i] == slot) return true;
  return false;
}

void end_commits() {
  if (idle()) return;  // nothing to close or clear
  if (committing_now && ready()) {
    if (committing_overflow) {
      for (uint32 s = 0; s < kAllSlots; s++) gen_end_commit(generations(), s);
    } else {
      for (int i = 0; i < n_committing; i++) gen_end_commit(generations(), committing[i]);
    }
    // Noted after PRE_COMMIT: no committing window was opened for these, but the commit makes
    // them visible, so their generation moves now (G++ only).
    for_each_written([](uint32 s, bool) {
      if (!in_committing(s)) gen_bump(generations(), s);
    });
  }
  committing_now = false;
  end_owed = false;
  committing_overflow = false;
  n_committing = 0;
  n_written = 0;
  overflow = false;
}

Oid relid_of(RangeVar* rv) {
  return rv == nullptr ? InvalidOid : RangeVarGetRelid(rv, NoLock, true);
}

bool names_temp(RangeVar* rv) {
  return rv != nullptr && (rv->relpersistence == RELPERSISTENCE_TEMP ||
                           (rv->schemaname != nullptr && strcmp(rv->schemaname, "pg_temp") == 0));
}

bool is_temp_rel(RangeVar* rv) {
  Oid relid = relid_of(rv);
  return OidIsValid(relid) && get_rel_persistence(relid) == RELPERSISTENCE_TEMP;
}

// What a utility statement can change for a cached read (docs/extension/cache.md, "What
// invalidates"): the list of statements that change nothing is short on purpose; anything not
// named moves the schema epoch.
enum class Effect {
  kNone,          // changes no answer (writes are noted separately, per relation)
  kPrivate,       // changes only this session's temporary objects
  kSchema,        // name resolution, structure, privileges, policies, rules, types, functions
  kSchemaShared,  // objects every database shares: roles, memberships, databases, tablespaces
};

Effect classify(Node* n) {
  switch (nodeTag(n)) {
    case T_TransactionStmt:
    case T_VariableSetStmt:
    case T_VariableShowStmt:
    case T_PrepareStmt:
    case T_ExecuteStmt:
    case T_DeallocateStmt:
    case T_ListenStmt:
    case T_NotifyStmt:
    case T_UnlistenStmt:
    case T_VacuumStmt:
    case T_DeclareCursorStmt:
    case T_FetchStmt:
    case T_ClosePortalStmt:
    case T_LockStmt:
    case T_CheckPointStmt:
    case T_ConstraintsSetStmt:
    case T_ReindexStmt:
    // Their statements pass through these hooks one by one.
    case T_DoStmt:
    case T_CallStmt:
    // Writes, noted per relation by on_utility.
    case T_CopyStmt:
    case T_TruncateStmt:
    case T_RefreshMatViewStmt:
    case T_ClusterStmt:
      return Effect::kNone;
    case T_ExplainStmt: {
      // EXPLAIN ANALYZE CREATE TABLE AS creates its table without another utility call.
      Node* q = reinterpret_cast<ExplainStmt*>(n)->query;
      return q != nullptr && IsA(q, CreateTableAsStmt) ? classify(q) : Effect::kNone;
    }
    case T_DiscardStmt:
      return Effect::kPrivate;
    case T_CreateStmt:
      return names_temp(reinterpret_cast<CreateStmt*>(n)->relation) ? Effect::kPrivate
                                                                    : Effect::kSchema;
    case T_CreateTableAsStmt: {
      IntoClause* into = reinterpret_cast<CreateTableAsStmt*>(n)->into;
      return into != nullptr && names_temp(into->rel) ? Effect::kPrivate : Effect::kSchema;
    }
    case T_ViewStmt:
      return names_temp(reinterpret_cast<ViewStmt*>(n)->view) ? Effect::kPrivate : Effect::kSchema;
    case T_CreateSeqStmt:
      return names_temp(reinterpret_cast<CreateSeqStmt*>(n)->sequence) ? Effect::kPrivate
                                                                       : Effect::kSchema;
    case T_AlterTableStmt:
      return is_temp_rel(reinterpret_cast<AlterTableStmt*>(n)->relation) ? Effect::kPrivate
                                                                         : Effect::kSchema;
    case T_IndexStmt:
      return is_temp_rel(reinterpret_cast<IndexStmt*>(n)->relation) ? Effect::kPrivate
                                                                    : Effect::kSchema;
    case T_DropStmt: {
      auto* s = reinterpret_cast<DropStmt*>(n);
      if (s->removeType != OBJECT_TABLE && s->removeType != OBJECT_VIEW &&
          s->removeType != OBJECT_SEQUENCE && s->removeType != OBJECT_INDEX)
        return Effect::kSchema;
      ListCell* lc;
      foreach (lc, s->objects) {
        if (!is_temp_rel(makeRangeVarFromNameList(static_cast<List*>(lfirst(lc)))))
          return Effect::kSchema;
      }
      return Effect::kPrivate;
    }
    case T_RenameStmt: {
      auto* s = reinterpret_cast<RenameStmt*>(n);
      if (s->renameType == OBJECT_ROLE || s->renameType == OBJECT_DATABASE ||
          s->renameType == OBJECT_TABLESPACE)
        return Effect::kSchemaShared;
      return s->relation != nullptr && is_temp_rel(s->relation) ? Effect::kPrivate
                                                                : Effect::kSchema;
    }
    case T_AlterOwnerStmt: {
      ObjectType t = reinterpret_cast<AlterOwnerStmt*>(n)->objectType;
      return t == OBJECT_DATABASE || t == OBJECT_TABLESPACE ? Effect::kSchemaShared
                                                            : Effect::kSchema;
    }
    case T_CreateRoleStmt:
    case T_AlterRoleStmt:
    case T_AlterRoleSetStmt:
    case T_DropRoleStmt:
    case T_GrantRoleStmt:
    case T_CreatedbStmt:
    case T_AlterDatabaseStmt:
    case T_AlterDatabaseRefreshCollStmt:
    case T_AlterDatabaseSetStmt:
    case T_DropdbStmt:
    case T_CreateTableSpaceStmt:
    case T_DropTableSpaceStmt:
    case T_AlterTableSpaceOptionsStmt:
    case T_ReassignOwnedStmt:
    case T_DropOwnedStmt:
    case T_AlterSystemStmt:
      return Effect::kSchemaShared;
    default:
      return Effect::kSchema;
  }
}

}  // namespace

// note_written, told whether relid is a partition (1, 0) or left to look it up (-1).
static void note_written_as(Oid relid, bool ddl, int partition) {
  if (!OidIsValid(relid) || !ready()) return;
  if (relid < FirstNormalObjectId) {
    // A write to a system catalog through the executor (UPDATE pg_class ...) is DDL by hand.
    note_slot(epoch_slot(MyDatabaseId), true);
    if (IsSharedRelation(relid)) note_slot(kSharedEpochSlot, true);
    return;
  }
  note_slot(gen_slot(MyDatabaseId, relid), ddl);
  if (partition < 0 ? get_rel_relispartition(relid) : partition == 1) {
    ListCell* lc;
    foreach (lc, get_partition_ancestors(relid))
      note_slot(gen_slot(MyDatabaseId, lfirst_oid(lc)), ddl);
  }
}

void note_written(Oid relid, bool ddl) {
  note_written_as(relid, ddl, -1);
}

void on_executor_start(QueryDesc* query_desc, int eflags) {
  PlannedStmt* ps = query_desc->plannedstmt;
  // Not only INSERT/UPDATE/DELETE/MERGE: a SELECT with a data-modifying WITH has result
  // relations too. A plain SELECT has none. EXPLAIN without ANALYZE starts the executor but
  // changes nothing.
  if (ps == nullptr || ps->resultRelations == NIL || (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0) return;
  EState* estate = query_desc->estate;
  ListCell* lc;
  foreach (lc, ps->resultRelations) {
    Index rti = lfirst_int(lc);
    // The standard ExecutorStart opened the result relations: the relation's own descriptor
    // says whether it is a partition, without the syscache lookup (a third of a write's cost).
    Relation rel = estate != nullptr && estate->es_relations != nullptr
                       ? estate->es_relations[rti - 1]
                       : nullptr;
    if (rel != nullptr)
      note_written_as(RelationGetRelid(rel), false, rel->rd_rel->relispartition ? 1 : 0);
    else
      note_written(rt_fetch(rti, ps->rtable)->relid, false);
  }
}

void on_utility(PlannedStmt* pstmt) {
  Node* n = pstmt->utilityStmt;
  if (n == nullptr || !ready()) return;
  switch (classify(n)) {
    case Effect::kNone:
      break;
    case Effect::kPrivate:
      note_private_schema_change();
      break;
    case Effect::kSchemaShared:
      note_slot(kSharedEpochSlot, true);
      [[fallthrough]];
    case Effect::kSchema:
      note_slot(epoch_slot(MyDatabaseId), true);
      break;
  }
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
      // Readers of a child depend on its ancestors (fill.cpp), so TRUNCATE of a parent reaches
      // them.
      if (s->behavior == DROP_CASCADE) overflow = true;
      foreach (lc, s->relations) note_written(relid_of(static_cast<RangeVar*>(lfirst(lc))), false);
      break;
    }
    case T_RefreshMatViewStmt:
      note_written(relid_of(reinterpret_cast<RefreshMatViewStmt*>(n)->relation), false);
      break;
    case T_ClusterStmt:
      note_written(relid_of(reinterpret_cast<ClusterStmt*>(n)->relation), false);
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
    default:
      break;
  }
}

void on_xact_event(XactEvent event) {
  if (idle()) return;  // nothing to open or close
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      // Before the commit becomes visible: from here no hit and no store on these relations.
      if (end_owed) end_commits();  // never two windows open (a release callback was missed)
      begin_commits();
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
      // A transaction that moved a schema epoch closes its window later: its catalog
      // invalidations are sent after these callbacks (AtEOXact_Inval), and a reader that saw
      // the window closed before they arrived would plan with the old catalog. That window
      // closes in on_resource_release, after them. Data writes send no catalog invalidations
      // and close at once, so a backend that never runs DDL never registers that callback.
      // (A prepared transaction's writes become visible only at COMMIT PREPARED, which bumps
      // every slot; this only covers PREPARE itself.)
      if (committing_now && committing_moves_epoch()) {
        if (!release_callback_registered) {
          RegisterResourceReleaseCallback(on_resource_release, nullptr);
          release_callback_registered = true;
        }
        end_owed = true;
      } else {
        end_commits();
      }
      break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
      // Nothing becomes visible: close the window at once.
      end_commits();
      break;
  }
}

void on_resource_release(ResourceReleasePhase phase, bool, bool is_top_level, void*) {
  // RESOURCE_RELEASE_AFTER_LOCKS of the top transaction runs after AtEOXact_Inval sent the
  // commit's invalidations (xact.c, CommitTransaction and PrepareTransaction).
  if (end_owed && is_top_level && phase == RESOURCE_RELEASE_AFTER_LOCKS) end_commits();
}

bool wrote_any(const uint32* gen_slots, int n) {
  if (overflow) return true;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n_written; j++)
      if (written[j] == gen_slots[i]) return true;
  return false;
}

}  // namespace azora::cache
