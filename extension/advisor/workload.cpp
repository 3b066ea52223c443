// advisor/workload.cpp — tracked statements into plannable queries with candidate columns
// (see workload.hpp). C-style code: it owns no C++ objects, so ereport may unwind through it.
#include "advisor/workload.hpp"

#include "advisor/what_if.hpp"
#include "tracker/readout.hpp"
#if __has_include("tracker/samples.hpp")
#include "tracker/samples.hpp"  // parameter samples (issue 15), once the tracker has them
#endif

#include "pure/index_selection.hpp"

namespace azora::advisor {

int min_calls = 2;
double min_total_ms = 0;
int max_statements = 1000;
int memo_size_kb = 64 * 1024;
int workload_size_kb = 256 * 1024;

size_t memo_bytes_each() {
  return static_cast<size_t>(memo_size_kb) * 1024 / 2;
}

void define_settings() {
  DefineCustomIntVariable("azora_opt.advisor_min_calls",
                          "Tracked statements with fewer calls are not advised on.", nullptr,
                          &min_calls, 2, 1, INT_MAX, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomRealVariable("azora_opt.advisor_min_total_ms",
                           "Tracked statements with less total execution time (ms) are not "
                           "advised on.",
                           nullptr, &min_total_ms, 0, 0, 1e15, PGC_USERSET, GUC_UNIT_MS, nullptr,
                           nullptr, nullptr);
  DefineCustomIntVariable("azora_opt.advisor_max_statements",
                          "Tracked statements advised on at most, those with the most total "
                          "execution time first (bounds the call's time and memory).",
                          nullptr, &max_statements, 1000, 1, INT_MAX, PGC_USERSET, 0, nullptr,
                          nullptr, nullptr);
  // The memos gain an entry per costing, so without a bound a long call's memory grows with
  // its time; past it, costs not asked for lately are forgotten (and planned again if asked).
  DefineCustomIntVariable("azora_opt.advisor_memo_size",
                          "Memory one advise_indexes() call's cost memos may hold.",
                          "Past it, costs not asked for lately are forgotten and planned again "
                          "if needed.",
                          &memo_size_kb, 64 * 1024, 64, INT_MAX / 2, PGC_USERSET, GUC_UNIT_KB,
                          nullptr, nullptr, nullptr);
  // The statement cap bounds how many statements a call keeps, not their size: a tracked text
  // may be up to max_text_bytes / max_plan_bytes (1 MB each), and its analysed tree larger.
  DefineCustomIntVariable("azora_opt.advisor_workload_size",
                          "Memory the analysed statements one advise_indexes() call keeps may "
                          "take.",
                          "The statements past it (less total time) are not advised on.",
                          &workload_size_kb, 256 * 1024, 1, INT_MAX / 2, PGC_USERSET, GUC_UNIT_KB,
                          nullptr, nullptr, nullptr);
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
  bool opaque;       // see WorkloadQuery::opaque_reads
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
      if (rte->rtekind == RTE_FUNCTION || rte->rtekind == RTE_TABLEFUNC) w->opaque = true;
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
    if (reinterpret_cast<Var*>(node)->varattno <= 0) w->opaque = true;
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
    Walk arm{ow->walk.queries, new_list(), new_list(), new_list(), false, false, false, false};
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

// Per-statement detail, below the summary: client_min_messages = debug1 shows it.
void detail(int64 queryid, const char* what) {
  ereport(DEBUG1, (errmsg("index advisor: query %lld: %s", static_cast<long long>(queryid), what)));
}

enum Outcome { kParsed, kLeftOut, kNoParse, kDenied, kNotRead };

// One sample to parse as the statement's role (inside a probe).
struct ParseJob {
  int64 queryid;
  const char* text;
  int nparams;  // > 0: fixed parameter types and values; 0 with generic: $n inferred
  const Oid* types;
  const char* const* values;  // nullptr element: NULL
  bool generic;
  MemoryContext keep;  // the workload's context: the query, its values and the walk
  MemoryContext work;  // reset after each statement: parse trees and the probe plan
  Walk* walk;          // shared by the statement's samples
  // Results.
  Outcome outcome;
  const char* reason;
  Query* query;
  ParamListInfo params;
  double scanned_rows;  // see leaf_rows
};

// The rows the plan's leaf nodes (its scans) are expected to return, summed: a signature of
// how selective the call's values are. Samples with about the same signature gain about the
// same from an index, so they are planned once (load_workload), which keeps the cost of
// samples close to that of one plan per statement when the values are alike.
double leaf_rows(const Plan* plan) {
  if (plan == nullptr) return 0;
  double rows = 0;
  bool leaf = plan->lefttree == nullptr && plan->righttree == nullptr;
  const List* children = NIL;
  if (IsA(plan, Append)) children = reinterpret_cast<const Append*>(plan)->appendplans;
  if (IsA(plan, MergeAppend)) children = reinterpret_cast<const MergeAppend*>(plan)->mergeplans;
  if (IsA(plan, SubqueryScan)) {
    rows += leaf_rows(reinterpret_cast<const SubqueryScan*>(plan)->subplan);
    leaf = false;
  }
  const ListCell* lc;
  foreach (lc, children) rows += leaf_rows(static_cast<const Plan*>(lfirst(lc)));
  if (children != NIL) leaf = false;
  if (leaf) return plan->plan_rows;
  return rows + leaf_rows(plan->lefttree) + leaf_rows(plan->righttree);
}

// Whether two samples' signatures are within a factor of two (one row of slack).
bool alike(double a, double b) {
  return std::max(a, b) + 1 <= 2 * (std::min(a, b) + 1);
}

// The call's values as PostgreSQL binds them for a custom plan, converted by the types' input
// functions (as the role: a type's input function is its code).
ParamListInfo bind_values(int n, const Oid* types, const char* const* values) {
  ParamListInfo params = makeParamList(n);
  for (int i = 0; i < n; ++i) {
    ParamExternData* p = &params->params[i];
    p->ptype = types[i];
    p->pflags = PARAM_FLAG_CONST;
    p->isnull = values[i] == nullptr;
    p->value = 0;
    if (!p->isnull) {
      Oid input, ioparam;
      getTypeInputInfo(types[i], &input, &ioparam);
      p->value = OidInputFunctionCall(input, const_cast<char*>(values[i]), ioparam, -1);
    }
  }
  params->numParams = n;
  return params;
}

void parse_job(void* arg) {
  auto* job = static_cast<ParseJob*>(arg);
  MemoryContext old = MemoryContextSwitchTo(job->work);
  List* raw = pg_parse_query(job->text);
  if (list_length(raw) != 1) {
    job->outcome = kNotRead;
    job->reason = "its text holds several statements";
    MemoryContextSwitchTo(old);
    return;
  }
  auto* stmt = static_cast<RawStmt*>(linitial(raw));
  List* queries;
  if (job->generic) {
    Oid* types = nullptr;
    int ntypes = 0;
    queries = pg_analyze_and_rewrite_varparams(stmt, job->text, &types, &ntypes, nullptr);
  } else {
    queries =
        pg_analyze_and_rewrite_fixedparams(stmt, job->text, job->types, job->nparams, nullptr);
  }
  auto* q = list_length(queries) == 1 ? static_cast<Query*>(linitial(queries)) : nullptr;
  if (q != nullptr && q->commandType == CMD_UTILITY) {
    job->outcome = kLeftOut;  // EXPLAIN, SET, DDL...: never index candidates
    MemoryContextSwitchTo(old);
    return;
  }
  if (q == nullptr || (q->commandType != CMD_SELECT && q->commandType != CMD_UPDATE &&
                       q->commandType != CMD_DELETE)) {
    job->outcome = kNotRead;
    job->reason = "not a SELECT, UPDATE or DELETE";
    MemoryContextSwitchTo(old);
    return;
  }
  MemoryContextSwitchTo(job->keep);
  job->params = job->nparams > 0 ? bind_values(job->nparams, job->types, job->values) : nullptr;
  job->query = static_cast<Query*>(copyObjectImpl(q));
  MemoryContextSwitchTo(job->work);
  // Plan it once as a probe: a statement that does not plan is skipped here.
  PlannedStmt* plan =
      plan_candidates(static_cast<Query*>(copyObjectImpl(q)), job->text, nullptr, 0, job->params);
  job->scanned_rows = leaf_rows(plan->planTree);
  ListCell* lc;
  foreach (lc, plan->subplans) job->scanned_rows += leaf_rows(static_cast<Plan*>(lfirst(lc)));
  MemoryContextSwitchTo(job->keep);
  bool denied = job->walk->denied;
  bool user_table = job->walk->user_table;
  job->walk->denied = false;
  job->walk->user_table = false;
  walk(reinterpret_cast<Node*>(job->query), job->walk);
  if (job->walk->denied) {
    job->outcome = kDenied;
    job->reason = "its role cannot SELECT from a table it reads";
  } else if (!job->walk->user_table) {
    // Catalog reads, function calls (the advisor's own calls among them): no index of ours can
    // help, and their time would only dilute the 0.3 % step rule.
    job->outcome = kLeftOut;
  } else {
    job->outcome = kParsed;
  }
  job->walk->denied |= denied;
  job->walk->user_table |= user_table;
  MemoryContextSwitchTo(old);
}

// A tracked entry as read from the tracker, copied out of SPI's memory.
struct Entry {
  int64 queryid;
  Oid userid;
  double total_ms;
  const char* normalized;
  const char* source;  // the slowest call's text, or nullptr
  const char* search_path;
  bool hidden;  // the tracker does not show the caller its text and query id
  bool toplevel;
};

// Whether the caller may have advice on another role's statement: the rule for seeing its
// text (superusers, pg_read_all_stats, the statement's own role).
bool may_see(Oid userid) {
  return superuser() || userid == GetUserId() ||
         has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS);
}

int read_entries(Entry** out) {
  MemoryContext caller = CurrentMemoryContext;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "index advisor: SPI_connect failed");
  Datum args[3] = {Int64GetDatum(min_calls), Float8GetDatum(min_total_ms),
                   CStringGetTextDatum(tracker::kHiddenText)};
  Oid types[3] = {INT8OID, FLOAT8OID, TEXTOID};
  // The slowest call's text only where the caller may see its constants (else the tracker
  // shows a placeholder). The role's own search_path as a new session of it would start with: ALTER
  // ROLE ... IN DATABASE, then ALTER ROLE, then ALTER DATABASE (pg_db_role_setting's precedence).
  int rc = SPI_execute_with_args(
      "SELECT q.queryid, q.userid, q.total_exec_time, q.query,"
      "       (SELECT nullif(p.source_text, $3) FROM azora_opt.query_plan(q.queryid) p"
      "         WHERE p.userid = q.userid AND p.dbid = q.dbid"
      "           AND p.toplevel = q.toplevel LIMIT 1),"
      "       (SELECT substr(c, 13) FROM pg_catalog.pg_db_role_setting s,"
      "               unnest(s.setconfig) c"
      "         WHERE s.setrole IN (0, q.userid) AND s.setdatabase IN (0, q.dbid)"
      "           AND c LIKE 'search\\_path=%'"
      "         ORDER BY s.setrole <> 0 DESC, s.setdatabase <> 0 DESC LIMIT 1),"
      "       q.toplevel"
      "  FROM azora_opt.queries q"
      " WHERE q.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND q.calls >= $1 AND q.total_exec_time >= $2"
      " ORDER BY q.total_exec_time DESC, q.queryid",
      3, types, args, nullptr, true, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "index advisor: reading the tracked statements failed");
  uint64 rows = SPI_processed;
  auto* entries = static_cast<Entry*>(
      MemoryContextAllocZero(caller, sizeof(Entry) * std::max<uint64>(rows, 1)));
  int n = 0;
  SPITupleTable* table = SPI_tuptable;
  for (uint64 r = 0; r < rows; ++r) {
    bool null[7];
    Datum value[7];
    for (int c = 0; c < 7; ++c)
      value[c] = SPI_getbinval(table->vals[r], table->tupdesc, c + 1, &null[c]);
    if (null[1] || null[2] || null[3]) continue;
    MemoryContext spi = MemoryContextSwitchTo(caller);
    Entry* e = &entries[n++];
    // Another role's statement the tracker hides from the caller: no query id, no text.
    e->hidden = null[0];
    e->queryid = null[0] ? 0 : DatumGetInt64(value[0]);
    e->userid = DatumGetObjectId(value[1]);
    e->total_ms = DatumGetFloat8(value[2]);
    e->normalized = TextDatumGetCString(value[3]);
    e->source = null[4] ? nullptr : TextDatumGetCString(value[4]);
    e->search_path = null[5] ? nullptr : TextDatumGetCString(value[5]);
    e->toplevel = !null[6] && DatumGetBool(value[6]);
    MemoryContextSwitchTo(spi);
  }
  SPI_finish();
  *out = entries;
  return n;
}

// What one sample is parsed from: a text, its search_path, and for a text with $n either the
// call's parameter types and values or nothing (generic: types inferred, no values).
struct Source {
  const char* text;
  const char* search_path;
  int nparams;
  const Oid* types;
  const char* const* values;
  bool generic;
  int weight;  // identical samples are planned once, counted this many times
};

[[maybe_unused]] bool same_text(const char* a, const char* b) {
  return (a == nullptr) == (b == nullptr) && (a == nullptr || strcmp(a, b) == 0);
}

// Whether two sources plan alike (same text, search_path, types and values). Unused until the
// tracker has samples (tracker/samples.hpp).
[[maybe_unused]] bool same_source(const Source& a, const Source& b) {
  if (!same_text(a.text, b.text) || !same_text(a.search_path, b.search_path) ||
      a.nparams != b.nparams || a.generic != b.generic)
    return false;
  for (int i = 0; i < a.nparams; ++i) {
    if (a.types[i] != b.types[i] || !same_text(a.values[i], b.values[i])) return false;
  }
  return true;
}

// The sources of an entry, best first, and the basis they give: the tracker's parameter
// samples of its calls (each its own complete text, search_path and values); else its slowest
// call's source text (its constants); else its complete normalized text as a generic plan.
int sources_of(const Entry& e, Source** out, CostBasis* basis) {
  const char* normalized = e.normalized;
#if __has_include("tracker/samples.hpp")
  // The tracker applies no visibility rule here: load_workload's (may_see) already has.
  tracker::Sample* samples = nullptr;
  int nsamples = 0;
  tracker::copy_samples(e.userid, MyDatabaseId, static_cast<uint64>(e.queryid), e.toplevel,
                        &samples, &nsamples);
  if (nsamples > 0) {
    auto* sources = static_cast<Source*>(palloc0(sizeof(Source) * nsamples));
    int distinct = 0;
    for (int k = 0; k < nsamples; ++k) {
      const tracker::Sample& x = samples[k];
      bool bound = x.extended && x.nparams > 0;
      Source source{x.statement,
                    x.search_path,
                    bound ? x.nparams : 0,
                    bound ? x.param_types : nullptr,
                    bound ? x.param_values : nullptr,
                    false,
                    1};
      // Calls with the same values plan alike: planned once, counted as often as sampled.
      int same = 0;
      while (same < distinct && !same_source(sources[same], source)) ++same;
      if (same < distinct) {
        ++sources[same].weight;
      } else {
        sources[distinct++] = source;
      }
    }
    *basis = kBasisSamples;
    *out = sources;
    return distinct;
  }
  // The complete text: the view's may be cut at the tracker's text limit.
  const char* complete = tracker::copy_statement_text(e.userid, MyDatabaseId,
                                                      static_cast<uint64>(e.queryid), e.toplevel);
  if (complete != nullptr) normalized = complete;
#endif
  auto* sources = static_cast<Source*>(palloc0(sizeof(Source)));
  if (e.source != nullptr) {
    sources[0] = Source{e.source, e.search_path, 0, nullptr, nullptr, false, 1};
    *basis = kBasisSlowestCall;
  } else {
    sources[0] = Source{normalized, e.search_path, 0, nullptr, nullptr, true, 1};
    *basis = kBasisGeneric;
  }
  *out = sources;
  return 1;
}

}  // namespace

List* or_arm_groups(Query* query) {
  OrWalk ow{{NIL, new_list(), new_list(), new_list(), false, false, false, false}, NIL};
  or_walk(reinterpret_cast<Node*>(query), &ow);
  return ow.groups;
}

void load_workload(WorkloadQuery** out, int* count, WorkloadSummary* summary) {
  MemoryContext keep = CurrentMemoryContext;
  *summary = WorkloadSummary{};
  // The tracker's texts (every entry's normalized and slowest-call text, every sample's) are
  // needed only while loading: read into contexts deleted after it, so the call keeps, per
  // statement, its analysed samples and the one text and search_path each is planned with.
  MemoryContext texts =
      AllocSetContextCreate(keep, "azora_opt advice texts", ALLOCSET_DEFAULT_SIZES);
  MemoryContext statement_texts =
      AllocSetContextCreate(keep, "azora_opt advice statement texts", ALLOCSET_DEFAULT_SIZES);
  Entry* entries;
  MemoryContextSwitchTo(texts);
  int rows = read_entries(&entries);
  MemoryContextSwitchTo(keep);
  auto* queries = static_cast<WorkloadQuery*>(
      MemoryContextAllocZero(keep, sizeof(WorkloadQuery) * std::max(rows, 1)));
  // Parse trees and probe plans of one statement; reset after each, so memory stays bounded by
  // what the advice keeps (the analysed queries), not by what parsing and planning used.
  MemoryContext work =
      AllocSetContextCreate(keep, "azora_opt advice parse", ALLOCSET_DEFAULT_SIZES);
  int n = 0;
  // The analysed statements, kept for the whole call: their own context, so what they take
  // is its blocks (azora_opt.advisor_workload_size bounds it).
  MemoryContext statements =
      AllocSetContextCreate(keep, "azora_opt advice statements", ALLOCSET_DEFAULT_SIZES);
  MemoryContextSwitchTo(statements);
  Size max_kept = static_cast<Size>(workload_size_kb) * 1024;
  for (int r = 0; r < rows; ++r) {
    CHECK_FOR_INTERRUPTS();
    const Entry& e = entries[r];
    // The rows come heaviest first (total time): past the limit, the rest are counted only.
    // What the call keeps grows with the statements it advises on (their analysed samples,
    // the candidates' costings), so this is what bounds its memory and time; the size limit
    // bounds it when statements are large (at least one is advised on).
    if (n >= max_statements) {
      ++summary->beyond_limit;
      continue;
    }
    if (n > 0 && MemoryContextMemAllocated(statements, false) > max_kept) {
      ++summary->beyond_size;
      continue;
    }
    if (e.hidden || !may_see(e.userid)) {
      ++summary->hidden;
      // Its query id is hidden too: the detail names none.
      ereport(DEBUG1, (errmsg("index advisor: another role's statement skipped (you are not a "
                              "superuser or a member of pg_read_all_stats)")));
      continue;
    }
    if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(e.userid))) {
      ++summary->no_role;
      detail(e.queryid, "skipped: the role that ran it no longer exists");
      continue;
    }
    WorkloadQuery* wq = &queries[n];
    wq->queryid = e.queryid;
    wq->role = ProbeRole{e.userid, e.search_path != nullptr ? pstrdup(e.search_path) : nullptr};
    wq->total_ms = e.total_ms;
    Source* sources;
    MemoryContextReset(statement_texts);
    MemoryContextSwitchTo(statement_texts);
    int nsources = sources_of(e, &sources, &wq->basis);
    auto* signatures = static_cast<double*>(palloc0(sizeof(double) * std::max(nsources, 1)));
    MemoryContextSwitchTo(statements);
    wq->samples = static_cast<Sample*>(palloc0(sizeof(Sample) * std::max(nsources, 1)));
    Walk w{NIL, new_list(), new_list(), new_list(), false, false, false, false};
    // Every source parsed and walked as the role; the statement's outcome is its best one (a
    // sample that no longer parses among others that do is dropped).
    Outcome outcome = kNoParse;
    const char* reason = "it has no text to plan from";
    for (int k = 0; k < nsources; ++k) {
      ParseJob job{};
      job.queryid = e.queryid;
      job.text = sources[k].text;
      job.nparams = sources[k].nparams;
      job.types = sources[k].types;
      job.values = sources[k].values;
      job.generic = sources[k].generic;
      job.keep = statements;
      job.work = work;
      job.walk = &w;
      const char* error =
          run_probe(ProbeRole{e.userid, sources[k].search_path}, parse_job, &job, true);
      MemoryContextReset(work);
      if (error != nullptr) {
        job.outcome = kNoParse;
        job.reason = job.generic
                         ? psprintf(
                               "its normalized text does not parse or plan as its role (%s): no "
                               "call kept its constants",
                               error)
                         : psprintf("it no longer parses or plans as its role (%s)", error);
      }
      if (job.outcome == kParsed) {
        // A sample as selective as one kept already adds its weight to it instead.
        int same = 0;
        while (same < wq->nsamples && !alike(signatures[same], job.scanned_rows)) ++same;
        if (same < wq->nsamples) {
          wq->samples[same].weight += sources[k].weight;
        } else {
          signatures[wq->nsamples] = job.scanned_rows;
          const char* path = sources[k].search_path;
          wq->samples[wq->nsamples++] =
              Sample{pstrdup(job.text), path != nullptr ? pstrdup(path) : nullptr, job.query,
                     job.params, sources[k].weight};
        }
      }
      if (outcome != kParsed &&
          (job.outcome == kParsed || job.outcome == kLeftOut || outcome == kNoParse)) {
        outcome = job.outcome;
        reason = job.reason;
      }
    }
    switch (outcome) {
      case kLeftOut:
        continue;
      case kNoParse:
        ++summary->no_parse;
        break;
      case kDenied:
        ++summary->denied;
        break;
      case kNotRead:
        ++summary->not_read;
        break;
      case kParsed:
        break;
    }
    if (outcome != kParsed || w.denied) {
      if (outcome == kParsed) ++summary->denied;  // another sample read a denied table
      detail(e.queryid, psprintf("skipped: %s", outcome == kParsed
                                                    ? "its role cannot SELECT from a table it reads"
                                                    : reason));
      continue;
    }
    if (w.expression) {
      ++summary->expression;
      detail(e.queryid,
             "a condition on an expression or function of a column (such as lower(col) = ...) "
             "gives no candidate: expression indexes are not advised");
    }
    if (wq->basis == kBasisGeneric) ++summary->generic;
    wq->columns = w.candidates.items;
    wq->ncolumns = w.candidates.count;
    wq->referenced = w.referenced.items;
    wq->nreferenced = w.referenced.count;
    wq->order = w.order.items;
    wq->norder = w.order.count;
    wq->opaque_reads = w.opaque;
    ++n;
  }
  MemoryContextSwitchTo(keep);
  MemoryContextDelete(work);
  MemoryContextDelete(statement_texts);
  MemoryContextDelete(texts);
  summary->advised = n;
  *out = queries;
  *count = n;
}

void report_summary(const WorkloadSummary& s) {
  int skipped =
      s.hidden + s.no_role + s.no_parse + s.denied + s.not_read + s.beyond_limit + s.beyond_size;
  if (s.advised + skipped == 0) return;
  StringInfoData reasons;
  initStringInfo(&reasons);
  auto reason = [&reasons](int count, const char* what) {
    if (count > 0) appendStringInfo(&reasons, "%s%d %s", reasons.len > 0 ? ", " : "", count, what);
  };
  reason(s.no_parse, "do not parse or plan as their role");
  reason(s.hidden, "are other roles' statements you may not see");
  reason(s.denied, "read a table their role cannot SELECT from");
  reason(s.no_role, "belong to a dropped role");
  reason(s.not_read, "are not a single SELECT, UPDATE or DELETE");
  reason(s.beyond_limit, "have less total time than the first azora_opt.advisor_max_statements");
  reason(s.beyond_size,
         "have less total time than those that filled azora_opt.advisor_workload_size");
  StringInfoData notes;
  initStringInfo(&notes);
  if (s.generic > 0) {
    appendStringInfo(&notes,
                     "%d planned generically from their normalized text (no call kept "
                     "its constants)",
                     s.generic);
  }
  if (s.expression > 0) {
    appendStringInfo(&notes,
                     "%s%d with a condition on an expression of a column (no "
                     "expression indexes are advised)",
                     notes.len > 0 ? "; " : "", s.expression);
  }
  StringInfoData hint;
  initStringInfo(&hint);
  if (s.no_parse > 0) {
    appendStringInfoString(&hint,
                           "Statements whose calls all ran faster than "
                           "azora_opt.plan_min_ms keep only their normalized text, which "
                           "does not always parse (interval $1): lower "
                           "azora_opt.plan_min_ms to keep their constants. ");
  }
  if (s.beyond_limit > 0) {
    appendStringInfoString(&hint,
                           "Raise azora_opt.advisor_max_statements to advise on more "
                           "statements (the call takes more time and memory). ");
  }
  if (s.beyond_size > 0) {
    appendStringInfoString(&hint,
                           "Raise azora_opt.advisor_workload_size to advise on more "
                           "statements (the call takes more memory). ");
  }
  if (s.hidden > 0) {
    appendStringInfoString(&hint,
                           "Other roles' statements are advised on for superusers and "
                           "members of pg_read_all_stats. ");
  }
  appendStringInfoString(&hint,
                         "SET client_min_messages = debug1 to see each statement's query "
                         "id and reason.");
  ereport(NOTICE, (errmsg("index advisor: advised on %d tracked statement%s, skipped %d%s%s%s",
                          s.advised, s.advised == 1 ? "" : "s", skipped, skipped > 0 ? " (" : "",
                          reasons.data, skipped > 0 ? ")" : ""),
                   notes.len > 0 ? errdetail("Of those advised on: %s.", notes.data) : 0,
                   skipped > 0 || notes.len > 0 ? errhint("%s", hint.data) : 0));
}

}  // namespace azora::advisor
