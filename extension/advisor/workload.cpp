// advisor/workload.cpp — tracked statements into plannable queries with candidate columns
// (see workload.hpp). C-style code: it owns no C++ objects, so ereport may unwind through it.
#include "advisor/workload.hpp"

#include "pure/index_selection.hpp"

namespace azora::advisor {

int min_calls = 2;
double min_total_ms = 0;

void define_settings() {
  DefineCustomIntVariable("azora_opt.advisor_min_calls",
                          "Tracked statements with fewer calls are not advised on.", nullptr,
                          &min_calls, 2, 1, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomRealVariable("azora_opt.advisor_min_total_ms",
                           "Tracked statements with less total execution time (ms) are not "
                           "advised on.",
                           nullptr, &min_total_ms, 0, 0, 1e15, PGC_USERSET, GUC_UNIT_MS, nullptr,
                           nullptr, nullptr);
}

namespace {

// A growable array of columns, palloc'd in the caller's context.
struct ColumnList {
  CandidateColumn* items;
  int count;
  int capacity;
};

struct Walk {
  List* queries;  // stack of Query*, innermost first
  ColumnList candidates;
  ColumnList referenced;
  ColumnList order;  // see WorkloadQuery::order
  bool denied;       // a table the caller cannot SELECT from
  bool user_table;   // reads at least one ordinary table outside the system schemas
  bool expression;   // a btree-comparable condition on an expression of a column
};

namespace sel = index_selection;

// One entry per (column, flags): a column matched by LIKE under a non-C collation needs a
// pattern-opclass index, which its other uses cannot share.
void add_column(ColumnList* list, Oid relid, AttrNumber attnum, ColumnUse use, int flags = 0) {
  for (int i = 0; i < list->count; ++i) {
    if (list->items[i].relid == relid && list->items[i].attnum == attnum &&
        list->items[i].flags == flags) {
      if (use < list->items[i].use) list->items[i].use = use;
      return;
    }
  }
  if (list->count == list->capacity) {
    list->capacity *= 2;
    list->items = static_cast<CandidateColumn*>(
        repalloc(list->items, sizeof(CandidateColumn) * static_cast<size_t>(list->capacity)));
  }
  list->items[list->count++] = CandidateColumn{relid, attnum, use, flags};
}

void add_column(Walk* w, Oid relid, AttrNumber attnum, ColumnUse use, int flags = 0) {
  add_column(&w->candidates, relid, attnum, use, flags);
}

ColumnList new_list() {
  return ColumnList{static_cast<CandidateColumn*>(palloc(sizeof(CandidateColumn) * 8)), 0, 8};
}

bool system_schema(Oid nsp) {
  if (nsp == PG_CATALOG_NAMESPACE || nsp == PG_TOAST_NAMESPACE) return true;
  const char* name = get_namespace_name(nsp);
  return name == nullptr || strcmp(name, "information_schema") == 0 ||
         strcmp(name, "azora_opt") == 0;
}

// The table column a Var stands for, when it is a plain column of an ordinary table.
bool table_column(Walk* w, Node* node, Oid* relid, AttrNumber* attnum) {
  while (node != nullptr && IsA(node, RelabelType))
    node = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(node)->arg);
  if (node == nullptr || !IsA(node, Var)) return false;
  auto* var = reinterpret_cast<Var*>(node);
  if (var->varattno <= 0 || static_cast<int>(var->varlevelsup) >= list_length(w->queries))
    return false;
  auto* q = static_cast<Query*>(list_nth(w->queries, static_cast<int>(var->varlevelsup)));
  if (var->varno < 1 || static_cast<int>(var->varno) > list_length(q->rtable)) return false;
  RangeTblEntry* rte = rt_fetch(var->varno, q->rtable);
  if (rte->rtekind != RTE_RELATION) return false;
  char kind = get_rel_relkind(rte->relid);
  if ((kind != RELKIND_RELATION && kind != RELKIND_MATVIEW && kind != RELKIND_PARTITIONED_TABLE) ||
      system_schema(get_rel_namespace(rte->relid)))
    return false;
  if (pg_class_aclcheck(rte->relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK) {
    w->denied = true;
    return false;
  }
  *relid = rte->relid;
  *attnum = var->varattno;
  return true;
}

// Whether opno is one of btree's comparison operators for the column's type, and which.
bool btree_operator(Oid opno, Oid relid, AttrNumber attnum, ColumnUse* use) {
  Oid typid = get_atttype(relid, attnum);
  Oid opclass = GetDefaultOpClass(typid, BTREE_AM_OID);
  if (!OidIsValid(opclass)) return false;
  int strategy = get_op_opfamily_strategy(opno, get_opclass_family(opclass));
  if (strategy == 0) return false;
  *use = strategy == BTEqualStrategyNumber ? kEquality : kRange;
  return true;
}

// A value the index condition can compare with: anything not a column of the same table.
bool comparable_side(Node* other) {
  return other != nullptr && !contain_volatile_functions(other);
}

// `column LIKE 'abc%'` (text, varchar or char): a constant pattern with a non-empty prefix
// before its first wildcard; a btree serves it as a range on the prefix.
bool like_prefix(Oid opno, Node* pattern) {
  if (opno != OID_TEXT_LIKE_OP && opno != OID_BPCHAR_LIKE_OP) return false;
  while (pattern != nullptr && IsA(pattern, RelabelType))
    pattern = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(pattern)->arg);
  if (pattern == nullptr || !IsA(pattern, Const)) return false;
  auto* value = reinterpret_cast<Const*>(pattern);
  if (value->constisnull) return false;
  char* chars = TextDatumGetCString(value->constvalue);
  return chars[0] != '\0' && chars[0] != '%' && chars[0] != '_';
}

// A LIKE prefix is a range on the index only where the index's collation sorts bytewise (C,
// POSIX, or a C database default); elsewhere the index needs a pattern operator class
// (like_support.c, match_pattern_prefix).
int like_flags(Oid relid, AttrNumber attnum) {
  Oid typid;
  int32 typmod;
  Oid collid;
  get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
  return lc_collate_is_c(collid) ? 0 : sel::kPatternOps;
}

// A comparison or LIKE whose column side is an expression of a column (lower(email) = $1):
// only an expression index could serve it, and none is advised.
bool expression_condition(Node* side, Oid opno) {
  while (side != nullptr && IsA(side, RelabelType))
    side = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(side)->arg);
  if (side == nullptr || IsA(side, Var) || !contain_vars_of_level(side, 0) ||
      contain_aggs_of_level(side, 0))
    return false;
  return opno == OID_TEXT_LIKE_OP || opno == OID_BPCHAR_LIKE_OP ||
         get_op_btree_interpretation(opno) != NIL;
}

// The outermost ORDER BY as index keys (WorkloadQuery::order), when a default-declared btree
// cannot give its order: one scan direction gives ASC NULLS LAST on every column, the other
// DESC NULLS FIRST on every column.
void walk_order(Walk* w, Query* q) {
  bool servable = true;
  int first = -1;
  ListCell* lc;
  foreach (lc, q->sortClause) {
    auto* sgc = static_cast<SortGroupClause*>(lfirst(lc));
    Oid relid;
    AttrNumber attnum;
    Oid opfamily, opcintype;
    int16 strategy;
    if (!table_column(w, get_sortgroupclause_expr(sgc, q->targetList), &relid, &attnum) ||
        (w->order.count > 0 && w->order.items[0].relid != relid) ||
        !get_ordering_op_properties(sgc->sortop, &opfamily, &opcintype, &strategy)) {
      w->order.count = 0;
      return;
    }
    bool descending = strategy == BTGreaterStrategyNumber;
    int flags = (descending ? sel::kDescending : 0) | (sgc->nulls_first ? sel::kNullsFirst : 0);
    if (descending != sgc->nulls_first || (first >= 0 && flags != first)) servable = false;
    if (first < 0) first = flags;
    add_column(&w->order, relid, attnum, kSort, flags);
  }
  if (servable) w->order.count = 0;
}

bool walk(Node* node, void* context);

// PostgreSQL's walkers take an untyped function pointer; going through void (*)() is the
// conversion GCC accepts without -Wcast-function-type.
bool (*walker_fn())() {
  return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(walk));
}

void walk_sort_clauses(Walk* w, Query* q, List* clauses) {
  ListCell* lc;
  foreach (lc, clauses) {
    auto* sgc = static_cast<SortGroupClause*>(lfirst(lc));
    Node* expr = get_sortgroupclause_expr(sgc, q->targetList);
    Oid relid;
    AttrNumber attnum;
    if (table_column(w, expr, &relid, &attnum)) add_column(w, relid, attnum, kSort);
  }
}

bool walk(Node* node, void* context) {
  auto* w = static_cast<Walk*>(context);
  if (node == nullptr) return false;
  if (IsA(node, Query)) {
    auto* q = reinterpret_cast<Query*>(node);
    bool outermost = w->queries == NIL;
    w->queries = lcons(q, w->queries);
    ListCell* lc;
    foreach (lc, q->rtable) {
      auto* rte = static_cast<RangeTblEntry*>(lfirst(lc));
      if (rte->rtekind == RTE_RELATION && !system_schema(get_rel_namespace(rte->relid)))
        w->user_table = true;
    }
    if (outermost) walk_order(w, q);
    walk_sort_clauses(w, q, q->sortClause);
    walk_sort_clauses(w, q, q->groupClause);
    query_tree_walker(q, walker_fn(), w, 0);
    w->queries = list_delete_first(w->queries);
    return false;
  }
  Oid relid;
  AttrNumber attnum;
  if (IsA(node, Var)) {
    if (table_column(w, node, &relid, &attnum)) add_column(&w->referenced, relid, attnum, kSort);
    return false;
  }
  if (IsA(node, OpExpr)) {
    auto* op = reinterpret_cast<OpExpr*>(node);
    if (list_length(op->args) == 2) {
      Node* left = static_cast<Node*>(linitial(op->args));
      Node* right = static_cast<Node*>(lsecond(op->args));
      for (int side = 0; side < 2; ++side) {
        Node* column = side == 0 ? left : right;
        Node* other = side == 0 ? right : left;
        ColumnUse use;
        if (table_column(w, column, &relid, &attnum) && comparable_side(other)) {
          if (btree_operator(op->opno, relid, attnum, &use)) {
            add_column(w, relid, attnum, use);
          } else if (side == 0 && like_prefix(op->opno, other)) {
            add_column(w, relid, attnum, kRange, like_flags(relid, attnum));
          }
        } else if (!contain_vars_of_level(other, 0) && expression_condition(column, op->opno)) {
          w->expression = true;
        }
      }
    }
  } else if (IsA(node, ScalarArrayOpExpr)) {
    auto* op = reinterpret_cast<ScalarArrayOpExpr*>(node);
    ColumnUse use;
    auto* column = static_cast<Node*>(linitial(op->args));
    if (op->useOr && table_column(w, column, &relid, &attnum) &&
        btree_operator(op->opno, relid, attnum, &use))
      add_column(w, relid, attnum, kEquality);
    else if (op->useOr && expression_condition(column, op->opno))
      w->expression = true;
  } else if (IsA(node, NullTest)) {
    auto* test = reinterpret_cast<NullTest*>(node);
    if (test->nulltesttype == IS_NULL &&
        table_column(w, reinterpret_cast<Node*>(test->arg), &relid, &attnum))
      add_column(w, relid, attnum, kEquality);
  }
  return expression_tree_walker(node, walker_fn(), w);
}

// OR arms (or_arm_groups): the walk's query stack, and the groups found so far.
struct OrWalk {
  Walk walk;
  List* groups;  // of OrArms*
};

bool or_walk(Node* node, void* context);

bool (*or_walker_fn())() {
  return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(or_walk));
}

// An OR whose every arm has a btree-usable condition on a column of one table T: one column per
// arm (the arm's first condition column on T), so an index on each lets the planner combine
// them with a BitmapOr. Nested ORs inside an arm are found when the walk goes on into it.
void or_group(OrWalk* ow, BoolExpr* expr) {
  int narms = list_length(expr->args);
  auto* arms = static_cast<ColumnList*>(palloc(sizeof(ColumnList) * static_cast<size_t>(narms)));
  int a = 0;
  ListCell* lc;
  foreach (lc, expr->args) {
    Walk arm{ow->walk.queries, new_list(), new_list(), new_list(), false, false, false};
    walk(static_cast<Node*>(lfirst(lc)), &arm);
    if (arm.denied) return;
    arms[a++] = arm.candidates;
  }
  for (int t = 0; t < arms[0].count; ++t) {
    Oid relid = arms[0].items[t].relid;
    auto* group = static_cast<OrArms*>(palloc(sizeof(OrArms)));
    group->relid = relid;
    group->narms = 0;
    group->arms = static_cast<CandidateColumn*>(palloc(sizeof(CandidateColumn) * narms));
    for (int i = 0; i < narms; ++i) {
      for (int k = 0; k < arms[i].count; ++k) {
        const CandidateColumn& c = arms[i].items[k];
        if (c.relid == relid && c.use != kSort) {
          group->arms[group->narms++] = c;
          break;
        }
      }
    }
    if (group->narms == narms) {
      ow->groups = lappend(ow->groups, group);
      return;
    }
  }
}

bool or_walk(Node* node, void* context) {
  auto* ow = static_cast<OrWalk*>(context);
  if (node == nullptr) return false;
  if (IsA(node, Query)) {
    ow->walk.queries = lcons(node, ow->walk.queries);
    query_tree_walker(reinterpret_cast<Query*>(node), or_walker_fn(), ow, 0);
    ow->walk.queries = list_delete_first(ow->walk.queries);
    return false;
  }
  if (IsA(node, BoolExpr) && reinterpret_cast<BoolExpr*>(node)->boolop == OR_EXPR)
    or_group(ow, reinterpret_cast<BoolExpr*>(node));
  return expression_tree_walker(node, or_walker_fn(), ow);
}

void note(int64 queryid, const char* what) {
  ereport(NOTICE, (errmsg("index advisor: query %lld: %s", static_cast<long long>(queryid), what)));
}

void skip(int64 queryid, const char* reason) {
  ereport(NOTICE, (errmsg("index advisor: query %lld skipped: %s", static_cast<long long>(queryid),
                          reason)));
}

// Parses `text` into one plannable statement inside a subtransaction, so a statement that no
// longer parses (a dropped table, a changed column) is skipped instead of failing the call.
Query* parse_statement(int64 queryid, const char* text) {
  MemoryContext caller = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  Query* volatile result = nullptr;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(caller);
  PG_TRY();
  {
    List* raw = pg_parse_query(text);
    if (list_length(raw) != 1) {
      skip(queryid, "its text holds several statements");
    } else {
      Oid* types = nullptr;
      int ntypes = 0;
      List* queries = pg_analyze_and_rewrite_varparams(static_cast<RawStmt*>(linitial(raw)), text,
                                                       &types, &ntypes, nullptr);
      auto* q = list_length(queries) == 1 ? static_cast<Query*>(linitial(queries)) : nullptr;
      if (q != nullptr && q->commandType == CMD_UTILITY) {
        // EXPLAIN, SET, DDL...: never index candidates, left out without a word.
      } else if (q == nullptr || (q->commandType != CMD_SELECT && q->commandType != CMD_UPDATE &&
                                  q->commandType != CMD_DELETE)) {
        skip(queryid, "not a SELECT, UPDATE or DELETE");
      } else {
        // Plan it once as a probe: a statement that does not plan is skipped here.
        (void)planner(static_cast<Query*>(copyObjectImpl(q)), text, CURSOR_OPT_PARALLEL_OK,
                      nullptr);
        result = q;
      }
    }
    ReleaseCurrentSubTransaction();
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller);
    ErrorData* error = CopyErrorData();
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
    skip(queryid, psprintf("it no longer parses or plans (%s)", error->message));
    result = nullptr;
  }
  PG_END_TRY();
  MemoryContextSwitchTo(caller);
  CurrentResourceOwner = owner;
  return result;
}

}  // namespace

List* or_arm_groups(Query* query) {
  OrWalk ow{{NIL, new_list(), new_list(), new_list(), false, false, false}, NIL};
  or_walk(reinterpret_cast<Node*>(query), &ow);
  return ow.groups;
}

void load_workload(WorkloadQuery** out, int* count) {
  MemoryContext caller = CurrentMemoryContext;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "index advisor: SPI_connect failed");
  Datum args[2] = {Int64GetDatum(min_calls), Float8GetDatum(min_total_ms)};
  Oid types[2] = {INT8OID, FLOAT8OID};
  int rc = SPI_execute_with_args(
      "SELECT q.queryid, q.total_exec_time,"
      "       coalesce((SELECT p.source_text FROM azora_opt.query_plan(q.queryid) p"
      "                  WHERE p.userid = q.userid AND p.dbid = q.dbid"
      "                    AND p.toplevel = q.toplevel LIMIT 1), q.query)"
      "  FROM azora_opt.queries q"
      " WHERE q.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND q.queryid IS NOT NULL AND q.calls >= $1 AND q.total_exec_time >= $2"
      " ORDER BY q.total_exec_time DESC, q.queryid",
      2, types, args, nullptr, true, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "index advisor: reading the tracked statements failed");
  uint64 rows = SPI_processed;
  // Results go to the caller's context: SPI_finish frees SPI's.
  auto* queries = static_cast<WorkloadQuery*>(
      MemoryContextAllocZero(caller, sizeof(WorkloadQuery) * std::max<uint64>(rows, 1)));
  int n = 0;
  SPITupleTable* table = SPI_tuptable;
  for (uint64 r = 0; r < rows; ++r) {
    bool null_id, null_ms, null_text;
    HeapTuple tuple = table->vals[r];
    Datum id = SPI_getbinval(tuple, table->tupdesc, 1, &null_id);
    Datum ms = SPI_getbinval(tuple, table->tupdesc, 2, &null_ms);
    Datum source = SPI_getbinval(tuple, table->tupdesc, 3, &null_text);
    if (null_id || null_ms || null_text) continue;
    MemoryContext spi = MemoryContextSwitchTo(caller);
    WorkloadQuery* wq = &queries[n];
    wq->queryid = DatumGetInt64(id);
    wq->total_ms = DatumGetFloat8(ms);
    wq->text = TextDatumGetCString(source);
    wq->query = parse_statement(wq->queryid, wq->text);
    if (wq->query != nullptr) {
      Walk w{NIL, new_list(), new_list(), new_list(), false, false, false};
      walk(reinterpret_cast<Node*>(wq->query), &w);
      if (!w.denied && w.expression) {
        note(wq->queryid,
             "a condition on an expression or function of a column (such as lower(col) = ...) "
             "gives no candidate: expression indexes are not advised");
      }
      if (w.denied) {
        skip(wq->queryid, "it reads a table you cannot SELECT from");
      } else if (!w.user_table) {
        // Catalog reads, function calls (the advisor's own calls among them): no index of
        // ours can help, and their time would only dilute the 0.3 % step rule.
      } else {
        wq->columns = w.candidates.items;
        wq->ncolumns = w.candidates.count;
        wq->referenced = w.referenced.items;
        wq->nreferenced = w.referenced.count;
        wq->order = w.order.items;
        wq->norder = w.order.count;
        ++n;
      }
    }
    MemoryContextSwitchTo(spi);
  }
  SPI_finish();
  *out = queries;
  *count = n;
}

}  // namespace azora::advisor
