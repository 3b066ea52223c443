// advisor/writes.cpp — tracked writes and the maintenance cost model (see writes.hpp).
// C-style code: it owns no C++ objects, so ereport may unwind through it.
#include "advisor/writes.hpp"

namespace azora::advisor {
namespace {

// Whether `text` starts (after blanks and comments) with a keyword of a statement that writes a
// table: only those are parsed, so a workload of reads costs no parser call here.
bool may_write(const char* text) {
  const char* p = text;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(') ++p;
    if (p[0] == '-' && p[1] == '-') {
      while (*p != '\0' && *p != '\n') ++p;
    } else if (p[0] == '/' && p[1] == '*') {
      const char* end = strstr(p + 2, "*/");
      if (end == nullptr) return false;
      p = end + 2;
    } else {
      break;
    }
  }
  for (const char* word : {"insert", "update", "delete", "merge", "copy", "with"}) {
    size_t n = strlen(word);
    if (pg_strncasecmp(p, word, n) == 0 && !isalnum(static_cast<unsigned char>(p[n])) &&
        p[n] != '_')
      return true;
  }
  return false;
}

// The raw statement, or null when the text does not parse as exactly one statement. Inside a
// subtransaction, so a parse error is rolled back like any other.
Node* parse_raw(const char* text) {
  MemoryContext caller = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  Node* volatile result = nullptr;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(caller);
  PG_TRY();
  {
    List* raw = raw_parser(text, RAW_PARSE_DEFAULT);
    if (list_length(raw) == 1) result = static_cast<RawStmt*>(linitial(raw))->stmt;
    ReleaseCurrentSubTransaction();
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller);
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
    result = nullptr;
  }
  PG_END_TRY();
  MemoryContextSwitchTo(caller);
  CurrentResourceOwner = owner;
  return result;
}

// The table `rv` names for a role called `role` whose search_path is `path`: a qualified name
// as written; else the first schema of the path holding it ("$user" is the role's name;
// pg_temp, another session's, is never searched).
Oid resolve(RangeVar* rv, const char* role, const char* path) {
  if (rv->schemaname != nullptr) {
    Oid nsp = get_namespace_oid(rv->schemaname, true);
    return OidIsValid(nsp) ? get_relname_relid(rv->relname, nsp) : InvalidOid;
  }
  List* names = NIL;
  if (!SplitIdentifierString(pstrdup(path), ',', &names)) return InvalidOid;
  ListCell* lc;
  foreach (lc, names) {
    auto* name = static_cast<char*>(lfirst(lc));
    if (strcmp(name, "$user") == 0) {
      if (role == nullptr) continue;
      name = const_cast<char*>(role);
    }
    if (strncmp(name, "pg_temp", 7) == 0) continue;
    Oid nsp = get_namespace_oid(name, true);
    if (!OidIsValid(nsp)) continue;
    Oid relid = get_relname_relid(rv->relname, nsp);
    if (OidIsValid(relid)) return relid;
  }
  return InvalidOid;
}

// Names of the columns an UPDATE's SET list (or ON CONFLICT / MERGE's) assigns.
void add_set_columns(List* target_list, TrackedWrite* w) {
  ListCell* lc;
  foreach (lc, target_list) {
    auto* rt = static_cast<ResTarget*>(lfirst(lc));
    if (rt->name == nullptr) continue;
    w->set = static_cast<char**>(
        w->set == nullptr ? palloc(sizeof(char*) * 8)
                          : repalloc(w->set, sizeof(char*) * static_cast<size_t>(w->nset + 8)));
    w->set[w->nset++] = pstrdup(rt->name);
  }
}

// The target and kinds of a write statement; false for anything else.
bool describe(Node* stmt, RangeVar** target, TrackedWrite* w) {
  switch (nodeTag(stmt)) {
    case T_InsertStmt:
      *target = reinterpret_cast<InsertStmt*>(stmt)->relation;
      w->kinds = kWriteInsert;
      return true;
    case T_UpdateStmt: {
      auto* u = reinterpret_cast<UpdateStmt*>(stmt);
      *target = u->relation;
      w->kinds = kWriteUpdate;
      add_set_columns(u->targetList, w);
      return true;
    }
    case T_DeleteStmt:
      *target = reinterpret_cast<DeleteStmt*>(stmt)->relation;
      w->kinds = kWriteDelete;
      return true;
    case T_MergeStmt: {
      auto* m = reinterpret_cast<MergeStmt*>(stmt);
      *target = m->relation;
      w->kinds = 0;
      ListCell* lc;
      foreach (lc, m->mergeWhenClauses) {
        auto* clause = static_cast<MergeWhenClause*>(lfirst(lc));
        if (clause->commandType == CMD_INSERT) w->kinds |= kWriteInsert;
        if (clause->commandType == CMD_DELETE) w->kinds |= kWriteDelete;
        if (clause->commandType == CMD_UPDATE) {
          w->kinds |= kWriteUpdate;
          add_set_columns(clause->targetList, w);
        }
      }
      return w->kinds != 0;
    }
    case T_CopyStmt: {
      auto* c = reinterpret_cast<CopyStmt*>(stmt);
      if (!c->is_from || c->relation == nullptr) return false;
      *target = c->relation;
      w->kinds = kWriteInsert;
      return true;
    }
    default:
      return false;
  }
}

bool system_schema(Oid nsp) {
  if (nsp == PG_CATALOG_NAMESPACE || nsp == PG_TOAST_NAMESPACE) return true;
  const char* name = get_namespace_name(nsp);
  return name == nullptr || strcmp(name, "information_schema") == 0 ||
         strcmp(name, "azora_opt") == 0;
}

// Fills relid, top, blocks_hot and nindexes; false when the table is not one to advise on or
// the caller may not SELECT from it.
bool target_table(Oid relid, TrackedWrite* w) {
  char kind = get_rel_relkind(relid);
  if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE) return false;
  if (system_schema(get_rel_namespace(relid))) return false;
  if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK) return false;
  w->relid = relid;
  w->top = relid;
  if (get_rel_relispartition(relid)) {
    List* ancestors = get_partition_ancestors(relid);
    if (ancestors != NIL) w->top = llast_oid(ancestors);
  }
  // The columns whose change rules out a HOT update today (heap_update's test), and how many
  // indexes a non-HOT update adds entries to. The lock is released at once: nothing of the
  // relation is kept.
  Relation rel = relation_open(relid, AccessShareLock);
  Bitmapset* blocking = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_ALL);
  w->nindexes = list_length(RelationGetIndexList(rel));
  w->blocks_hot = false;
  for (int i = 0; i < w->nset; ++i) {
    AttrNumber attnum = get_attnum(relid, w->set[i]);
    if (attnum != InvalidAttrNumber &&
        bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, blocking))
      w->blocks_hot = true;
  }
  relation_close(rel, AccessShareLock);
  return true;
}

}  // namespace

void load_writes(TrackedWrite** writes, int* nwrites, TrackedCalls** calls, int* ncalls) {
  MemoryContext caller = CurrentMemoryContext;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "index advisor: SPI_connect failed");
  // The role's search_path: its own setting for this database, then for every database, then
  // the database's, then the server's (the caller's reset value, which the first three would
  // have overridden for the caller too).
  int rc = SPI_execute(
      "SELECT q.queryid, q.calls::float8, q.rows::float8, q.total_exec_time, q.query,"
      "       r.rolname::text,"
      "       coalesce((SELECT substr(c, 13) FROM pg_db_role_setting s, unnest(s.setconfig) c"
      "                  WHERE s.setrole = q.userid AND s.setdatabase IN (q.dbid, 0)"
      "                    AND c LIKE 'search_path=%' ORDER BY s.setdatabase DESC LIMIT 1),"
      "                (SELECT substr(c, 13) FROM pg_db_role_setting s, unnest(s.setconfig) c"
      "                  WHERE s.setrole = 0 AND s.setdatabase = q.dbid"
      "                    AND c LIKE 'search_path=%' LIMIT 1),"
      "                (SELECT reset_val FROM pg_settings WHERE name = 'search_path'))"
      "  FROM azora_opt.queries q LEFT JOIN pg_roles r ON r.oid = q.userid"
      " WHERE q.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND q.queryid IS NOT NULL AND q.query IS NOT NULL",
      true, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "index advisor: reading the tracked writes failed");
  uint64 rows = SPI_processed;
  SPITupleTable* table = SPI_tuptable;
  size_t room = sizeof(TrackedWrite) * std::max<uint64>(rows, 1);
  auto* out = static_cast<TrackedWrite*>(MemoryContextAllocZero(caller, room));
  auto* seen = static_cast<TrackedCalls*>(
      MemoryContextAllocZero(caller, sizeof(TrackedCalls) * std::max<uint64>(rows, 1)));
  int n = 0, m = 0;
  for (uint64 r = 0; r < rows; ++r) {
    HeapTuple tuple = table->vals[r];
    bool null[7];
    Datum v[7];
    for (int c = 0; c < 7; ++c) v[c] = SPI_getbinval(tuple, table->tupdesc, c + 1, &null[c]);
    if (null[0] || null[1] || null[2] || null[3] || null[4]) continue;
    seen[m++] = TrackedCalls{DatumGetInt64(v[0]), DatumGetFloat8(v[1]), DatumGetFloat8(v[3])};
    MemoryContext spi = MemoryContextSwitchTo(caller);
    char* sql = TextDatumGetCString(v[4]);
    TrackedWrite w{};
    w.queryid = DatumGetInt64(v[0]);
    w.rows = DatumGetFloat8(v[2]);
    RangeVar* target = nullptr;
    Node* stmt = may_write(sql) ? parse_raw(sql) : nullptr;
    if (stmt != nullptr && w.rows > 0 && describe(stmt, &target, &w) && target != nullptr) {
      const char* role = null[5] ? nullptr : TextDatumGetCString(v[5]);
      const char* path = null[6] ? "\"$user\", public" : TextDatumGetCString(v[6]);
      Oid relid = resolve(target, role, path);
      if (OidIsValid(relid) && target_table(relid, &w)) out[n++] = w;
    }
    MemoryContextSwitchTo(spi);
  }
  SPI_finish();
  *writes = out;
  *nwrites = n;
  *calls = seen;
  *ncalls = m;
}

double insertion_cost(const HypoIndex& h, double rows) {
  // The descent: what btcostestimate charges one index descent (a comparison per level of a
  // binary search over the entries, and 50 operator costs per page visited from the root).
  double entries = std::max(h.index_tuples, 2.0);
  double descent = (std::ceil(std::log2(entries)) + (h.tree_height + 1) * 50.0) * cpu_operator_cost;
  // The leaf tuple itself, as the planner charges one index tuple.
  double tuple = cpu_index_tuple_cost;
  // The leaf pages: `rows` insertions at random keys touch this many distinct leaf pages,
  // each read (when not cached) and written back once — the Mackert–Lohman estimate the
  // planner uses for repeated index scans (index_pages_fetched), with effective_cache_size.
  double pages = std::max<double>(h.pages, 1), n = std::max(rows, 1.0);
  double cache = std::max<double>(effective_cache_size, 1);
  double fetched;
  if (pages <= cache) {
    fetched = std::min(2 * pages * n / (2 * pages + n), pages);
  } else {
    double limit = 2 * pages * cache / (2 * pages - cache);
    fetched = n <= limit ? 2 * pages * n / (2 * pages + n)
                         : cache + (n - limit) * (pages - cache) / pages;
  }
  return descent + tuple + random_page_cost * std::ceil(fetched) / n;
}

// VACUUM finds each dead entry in its pass over the index and removes it: one index tuple and
// one TID lookup.
double removal_cost() {
  return cpu_index_tuple_cost + cpu_operator_cost;
}

double maintenance_cost_units(const HypoIndex& h, const TrackedWrite* writes, int nwrites,
                              bool* hot_update_loss) {
  *hot_update_loss = false;
  const char* names[INDEX_MAX_KEYS];
  for (int c = 0; c < h.ncolumns; ++c) names[c] = get_attname(h.relid, h.attnums[c], true);
  double inserted = 0, removed = 0;
  for (int i = 0; i < nwrites; ++i) {
    const TrackedWrite& w = writes[i];
    if (w.relid != h.relid && w.top != h.relid) continue;
    // Entries per row written: an INSERT (or COPY) adds one; an UPDATE that is never HOT adds
    // one; a HOT update that would set one of the index's columns loses HOT, so every index of
    // the table gets an entry (this one and the nindexes existing ones, charged at this one's
    // cost); a DELETE adds none, and VACUUM removes the dead entry. MERGE's rows are charged
    // as its costliest action.
    double entries = 0;
    if (w.kinds & kWriteInsert) entries = 1;
    if (w.kinds & kWriteUpdate) {
      bool sets_mine = false;
      for (int s = 0; s < w.nset && !sets_mine; ++s)
        for (int c = 0; c < h.ncolumns; ++c)
          if (names[c] != nullptr && strcmp(names[c], w.set[s]) == 0) sets_mine = true;
      if (w.blocks_hot) {
        entries = std::max(entries, 1.0);
      } else if (sets_mine) {
        entries = std::max(entries, 1.0 + w.nindexes);
        *hot_update_loss = true;
      }
    }
    if (entries > 0) {
      inserted += w.rows * entries;
    } else if (w.kinds & kWriteDelete) {
      removed += w.rows;
    }
  }
  if (inserted == 0 && removed == 0) return 0;
  return inserted * (inserted > 0 ? insertion_cost(h, inserted) : 0) + removed * removal_cost();
}

}  // namespace azora::advisor
