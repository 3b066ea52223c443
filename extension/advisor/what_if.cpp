// advisor/what_if.cpp — hypothetical indexes into the planner (see what_if.hpp).
//
// The callbacks run inside PostgreSQL's error handling and own no C++ objects: the store is
// read by position, and everything the planner keeps is palloc'd in its memory context.
#include "advisor/what_if.hpp"
#include "advisor/hypo_define.hpp"

#include "advisor/hypo_store.hpp"
#include "advisor/size_estimate.hpp"
#include "boundary.hpp"
#include "hooks/dispatcher.hpp"

namespace azora::advisor {
namespace {

extern const hooks::Feature kFeature;  // below: the callbacks come first

int armed_level = -1;  // the planner nesting level that sees hypothetical indexes, -1: none
// The advisor's candidate indexes for one planning call, instead of the session's (n >= 0).
HypoIndex* const* overlay_items = nullptr;
int overlay_count = -1;

int what_if_count() {
  return overlay_count >= 0 ? overlay_count : count();
}
HypoIndex* what_if_at(int i) {
  return overlay_count >= 0 ? overlay_items[i] : at(i);
}

bool explain_without_analyze(const ExplainStmt* stmt) {
  // EXPLAIN EXECUTE plans through the plan cache, which would keep the what-if plan.
  const Node* query = stmt->query;
  if (IsA(query, Query)) query = reinterpret_cast<const Query*>(query)->utilityStmt;
  if (query != nullptr && IsA(query, ExecuteStmt)) return false;
  ListCell* lc;
  foreach (lc, stmt->options) {
    auto* opt = static_cast<DefElem*>(lfirst(lc));
    if (strcmp(opt->defname, "analyze") == 0 && defGetBoolean(opt)) return false;
  }
  return true;
}

// Whether the table still has the columns the index was defined on, with the same types.
bool columns_still_valid(const HypoIndex& h) {
  for (int i = 0; i < h.ncolumns; ++i) {
    HeapTuple tuple =
        SearchSysCache2(ATTNUM, ObjectIdGetDatum(h.relid), Int16GetDatum(h.attnums[i]));
    if (!HeapTupleIsValid(tuple)) return false;
    bool dropped = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tuple))->attisdropped;
    ReleaseSysCache(tuple);
    if (dropped) return false;
  }
  return true;
}

// Fraction of the table's rows that pass a partial index's predicate. The planner has not
// yet stored `rel` in simple_rel_array (build_simple_rel does that after get_relation_info),
// and the selectivity functions look it up there, so it is put there for the call.
double predicate_fraction(PlannerInfo* root, RelOptInfo* rel, List* predicate) {
  if (predicate == NIL) return 1.0;
  RelOptInfo* saved = root->simple_rel_array[rel->relid];
  root->simple_rel_array[rel->relid] = rel;
  Selectivity s =
      clauselist_selectivity(root, predicate, static_cast<int>(rel->relid), JOIN_INNER, nullptr);
  root->simple_rel_array[rel->relid] = saved;
  return s;
}

IndexOptInfo* index_info(PlannerInfo* root, RelOptInfo* rel, HypoIndex* h) {
  Index varno = rel->relid;
  List* predicate = static_cast<List*>(copyObjectImpl(h->predicate));
  if (predicate != NIL && varno != 1)
    ChangeVarNodes(reinterpret_cast<Node*>(predicate), 1, varno, 0);
  double fraction = predicate_fraction(root, rel, predicate);
  // The model is re-run only when the row estimate or the predicate's fraction moved by 1 %.
  if (h->estimated_tuples < 0 ||
      std::fabs(rel->tuples - h->estimated_tuples) > 0.01 * rel->tuples ||
      std::fabs(fraction - h->estimated_fraction) > 0.01 * fraction) {
    estimate(h, rel->tuples, fraction);
  }

  IndexOptInfo* info = makeNode(IndexOptInfo);
  info->indexoid = h->oid;
  info->reltablespace = rel->reltablespace;
  info->rel = rel;
  info->pages = h->pages;
  info->tuples = std::min(rel->tuples, std::max(1.0, rel->tuples * fraction));
  info->tree_height = h->tree_height;
  info->ncolumns = h->ncolumns;
  info->nkeycolumns = h->nkeycolumns;
  info->indexkeys = static_cast<int*>(palloc(sizeof(int) * h->ncolumns));
  info->canreturn = static_cast<bool*>(palloc(sizeof(bool) * h->ncolumns));
  info->opclassoptions = static_cast<bytea**>(palloc0(sizeof(bytea*) * h->ncolumns));
  info->indexcollations = static_cast<Oid*>(palloc(sizeof(Oid) * h->nkeycolumns));
  info->opfamily = static_cast<Oid*>(palloc(sizeof(Oid) * h->nkeycolumns));
  info->opcintype = static_cast<Oid*>(palloc(sizeof(Oid) * h->nkeycolumns));
  info->reverse_sort = static_cast<bool*>(palloc(sizeof(bool) * h->nkeycolumns));
  info->nulls_first = static_cast<bool*>(palloc(sizeof(bool) * h->nkeycolumns));
  List* tlist = NIL;
  for (int i = 0; i < h->ncolumns; ++i) {
    info->indexkeys[i] = h->attnums[i];
    info->canreturn[i] = true;  // btree returns every column (index-only scans)
    Oid typid;
    int32 typmod;
    Oid collid;
    get_atttypetypmodcoll(h->relid, h->attnums[i], &typid, &typmod, &collid);
    Var* var = makeVar(varno, h->attnums[i], typid, typmod, collid, 0);
    tlist = lappend(tlist, makeTargetEntry(reinterpret_cast<Expr*>(var), i + 1, nullptr, false));
  }
  for (int i = 0; i < h->nkeycolumns; ++i) {
    info->indexcollations[i] = h->collation[i];
    info->opfamily[i] = h->opfamily[i];
    info->opcintype[i] = h->opcintype[i];
    info->reverse_sort[i] = h->reverse[i];
    info->nulls_first[i] = h->nulls_first[i];
  }
  info->sortopfamily = info->opfamily;  // btree orders by its own opfamilies
  info->relam = BTREE_AM_OID;
  info->indexprs = NIL;
  info->indpred = predicate;
  info->indextlist = tlist;
  info->indrestrictinfo = NIL;  // check_index_predicates fills it and predOK
  info->predOK = false;
  info->unique = h->unique;
  info->immediate = true;
  info->hypothetical = true;
  const IndexAmRoutine* am = GetIndexAmRoutineByAmId(BTREE_AM_OID, false);
  info->amcanorderbyop = am->amcanorderbyop;
  info->amoptionalkey = am->amoptionalkey;
  info->amsearcharray = am->amsearcharray;
  info->amsearchnulls = am->amsearchnulls;
  info->amhasgettuple = am->amgettuple != nullptr;
  info->amhasgetbitmap = am->amgetbitmap != nullptr;
  info->amcanparallel = am->amcanparallel;
  info->amcanmarkpos = am->ammarkpos != nullptr && am->amrestrpos != nullptr;
  info->amcostestimate = reinterpret_cast<void (*)()>(am->amcostestimate);
  return info;
}

void on_relation_info(PlannerInfo* root, Oid relid, bool inhparent, RelOptInfo* rel) {
  if (armed_level < 0 || hooks::level() != armed_level) return;
  // The advisor's candidate sets (overlay) plan against the real catalog: hiding is the
  // session's experiment, not the database the advice is for.
  if (overlay_count < 0 && hidden_count() > 0) {
    List* kept = NIL;
    ListCell* lc;
    foreach (lc, rel->indexlist) {
      auto* info = static_cast<IndexOptInfo*>(lfirst(lc));
      if (!hidden(info->indexoid)) kept = lappend(kept, info);
    }
    rel->indexlist = kept;
  }
  // Like plancat.c: an inheritance parent's own rel gets no indexes (its children do).
  // So does a partitioned table read with ONLY (it holds no rows).
  if (inhparent || get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE) return;
  List* ancestors = NIL;
  bool ancestors_read = false;
  for (int i = 0; i < what_if_count(); ++i) {
    HypoIndex* h = what_if_at(i);
    if (!columns_still_valid(*h)) continue;
    if (h->relid == relid) {
      rel->indexlist = lcons(index_info(root, rel, h), rel->indexlist);
      continue;
    }
    // An index on a partitioned ancestor exists on this partition too (CREATE INDEX on a
    // partitioned table builds one on every partition): its copy, sized for this partition.
    if (get_rel_relkind(h->relid) != RELKIND_PARTITIONED_TABLE) continue;
    if (!ancestors_read) {
      // Leaf partitions that are tables: a foreign partition has no indexes.
      ancestors = get_rel_relispartition(relid) && get_rel_relkind(relid) == RELKIND_RELATION
                      ? get_partition_ancestors(relid)
                      : NIL;
      ancestors_read = true;
    }
    if (!list_member_oid(ancestors, h->relid)) continue;
    auto* part = static_cast<HypoIndex*>(palloc(sizeof(HypoIndex)));
    if (on_partition(*h, relid, part))
      rel->indexlist = lcons(index_info(root, rel, part), rel->indexlist);
  }
}

const char* on_index_name(Oid index) {
  HypoIndex* h = find(index);
  return h != nullptr ? NameStr(h->name) : nullptr;
}

void on_utility_start(const hooks::UtilityStart& start) {
  Node* stmt = start.pstmt->utilityStmt;
  if (IsA(stmt, ExplainStmt) && count() + hidden_count() > 0 &&
      explain_without_analyze(reinterpret_cast<ExplainStmt*>(stmt))) {
    // EXPLAIN runs one level deeper, and its planner call one more. An error before
    // utility_done leaves it armed: the (sub)transaction callbacks disarm it, registered in
    // the first backend that needs them.
    hooks::want_relation_info();
    hooks::want_events(&kFeature);
    armed_level = start.level + 2;
  } else if (IsA(stmt, DiscardStmt) &&
             reinterpret_cast<DiscardStmt*>(stmt)->target == DISCARD_ALL) {
    reset();  // DISCARD ALL forgets session state: so do we
  }
}

void on_utility_done(const hooks::UtilityDone& done) {
  if (done.tag == T_ExplainStmt && armed_level == done.level + 2) armed_level = -1;
}

void on_xact_event(XactEvent event) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) armed_level = -1;
}

void on_subxact_event(SubXactEvent event, SubTransactionId, SubTransactionId) {
  if (event == SUBXACT_EVENT_ABORT_SUB) armed_level = -1;
}

const hooks::Feature kFeature = [] {
  hooks::Feature f{};
  f.name = "advisor";
  f.relation_info = on_relation_info;
  f.relation_info_level = &armed_level;  // not called at all while disarmed
  f.index_name = on_index_name;
  f.utility_start = on_utility_start;
  f.utility_done = on_utility_done;
  f.utility_tags[0] = T_ExplainStmt;  // the only statements those two act on
  f.utility_tags[1] = T_DiscardStmt;
  f.xact_event = on_xact_event;
  f.subxact_event = on_subxact_event;
  f.events_on_demand = true;  // only EXPLAIN's arming needs them (plan_armed restores itself)
  return f;
}();

// Plans under PG_TRY in a frame of its own; restores the armed level on every path.
PlannedStmt* plan_armed(Query* query, const char* text, HypoIndex* const* items, int n,
                        ParamListInfo params) {
  int saved = armed_level;
  HypoIndex* const* saved_items = overlay_items;
  int saved_count = overlay_count;
  PlannedStmt* volatile result = nullptr;
  hooks::want_relation_info();
  armed_level = hooks::level() + 1;  // the dispatcher's planner hook raises the level once
  overlay_items = items;
  overlay_count = n;
  PG_TRY();
  { result = planner(query, text, CURSOR_OPT_PARALLEL_OK, params); }
  PG_FINALLY();
  {
    armed_level = saved;
    overlay_items = saved_items;
    overlay_count = saved_count;
  }
  PG_END_TRY();
  return result;
}

}  // namespace

void register_hooks() {
  hooks::register_feature(&kFeature);
}

PlannedStmt* plan_what_if(Query* query, const char* text) {
  return plan_armed(query, text, nullptr, -1, nullptr);
}

PlannedStmt* plan_candidates(Query* query, const char* text, HypoIndex* const* items, int n,
                             ParamListInfo params) {
  return plan_armed(query, text, items, n, params);
}

}  // namespace azora::advisor
