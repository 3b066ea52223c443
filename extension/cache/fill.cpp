// fill.cpp — prepares, checks, analyses and runs a cached query through SPI (see fill.hpp).
// Plain PostgreSQL style: no C++ object with a destructor lives in these frames.
#include "cache/fill.hpp"

#include "cache/allow_list.hpp"

namespace azora::cache {
namespace {

struct VarParams {
  Oid* types;
  int n;
};

// Lets the parser infer $n's types from their use, like PQexecParams with unspecified types.
void varparams_setup(ParseState* pstate, void* arg) {
  auto* vp = static_cast<VarParams*>(arg);
  setup_parse_variable_parameters(pstate, &vp->types, &vp->n);
}

[[noreturn]] void not_a_read(const char* what) {
  ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                  errmsg("azora_opt caches only read-only queries: %s", what),
                  errhint("Pass one SELECT (without FOR UPDATE/SHARE or data-modifying WITH); run "
                          "writes directly, they invalidate the cached results they affect.")));
}

void check_is_read(List* plansources) {
  if (list_length(plansources) != 1) not_a_read("the text must hold exactly one statement");
  auto* ps = static_cast<CachedPlanSource*>(linitial(plansources));
  ListCell* lc;
  foreach (lc, ps->query_list) {
    auto* q = static_cast<Query*>(lfirst(lc));
    if (q->commandType != CMD_SELECT || q->utilityStmt != nullptr)
      not_a_read("the statement is not a SELECT");
    if (q->rowMarks != NIL) not_a_read("SELECT ... FOR UPDATE/SHARE locks rows");
    if (q->hasModifyingCTE) not_a_read("the statement has a data-modifying WITH");
  }
}

void add_source(FillOut* out, Oid relid) {
  for (int i = 0; i < out->n_sources; i++)
    if (out->sources[i] == relid) return;
  if (out->n_sources == out->cap_sources) {
    out->cap_sources *= 2;
    out->sources = static_cast<Oid*>(repalloc(out->sources, sizeof(Oid) * out->cap_sources));
  }
  out->sources[out->n_sources++] = relid;
}

// Every ancestor of relid, through partitioning and plain inheritance (pg_inherits, which
// holds both), to any depth: a write through a parent (an INSERT routed to a partition, a
// TRUNCATE of an inheritance parent, an UPDATE moving rows between partitions) bumps the
// parent, so a reader of the child depends on it.
void add_ancestors(FillOut* out, Oid relid) {
  List* todo = list_make1_oid(relid);
  Relation inh = table_open(InheritsRelationId, AccessShareLock);
  while (todo != NIL) {
    Oid child = linitial_oid(todo);
    todo = list_delete_first(todo);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
                ObjectIdGetDatum(child));
    SysScanDesc scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, nullptr, 1, &key);
    HeapTuple tup;
    while (HeapTupleIsValid(tup = systable_getnext(scan))) {
      Oid parent = reinterpret_cast<Form_pg_inherits>(GETSTRUCT(tup))->inhparent;
      int before = out->n_sources;
      add_source(out, parent);
      if (out->n_sources > before) todo = lappend_oid(todo, parent);  // not seen yet
    }
    systable_endscan(scan);
  }
  table_close(inh, AccessShareLock);
}

// Sources and privilege checks from the plan's flattened range table: it lists every relation
// the executor opens or checks — views (kept for their privilege check), inheritance children
// and partitions included. No cap: a source list is never cut.
void collect(List* stmts, FillOut* out) {
  int n_rtes = 0;
  ListCell* lc;
  foreach (lc, stmts) n_rtes += list_length(static_cast<PlannedStmt*>(lfirst(lc))->rtable);
  out->cap_sources = n_rtes * 2 + 16;
  out->sources = static_cast<Oid*>(palloc(sizeof(Oid) * out->cap_sources));
  out->perms = static_cast<FillPerm*>(palloc0(sizeof(FillPerm) * (n_rtes + 1)));
  foreach (lc, stmts) {
    ListCell* rc;
    foreach (rc, static_cast<PlannedStmt*>(lfirst(lc))->rtable) {
      auto* rte = static_cast<RangeTblEntry*>(lfirst(rc));
      if (rte->rtekind != RTE_RELATION) continue;
      if (out->uncacheable == nullptr)
        out->uncacheable = relation_refusal(rte->relid, rte->relkind);
      add_source(out, rte->relid);
      add_ancestors(out, rte->relid);
      if (rte->requiredPerms == 0) continue;
      FillPerm& p = out->perms[out->n_perms++];
      p.relid = rte->relid;
      p.check_as_user = rte->checkAsUser;
      p.n_cols = bms_num_members(rte->selectedCols);
      p.cols = static_cast<int32*>(palloc(sizeof(int32) * (p.n_cols + 1)));
      int col = -1, i = 0;
      while ((col = bms_next_member(rte->selectedCols, col)) >= 0) p.cols[i++] = col;
    }
  }
}

const char* query_uncacheable(List* plansources) {
  auto* ps = static_cast<CachedPlanSource*>(linitial(plansources));
  ListCell* lc;
  foreach (lc, ps->query_list) {
    if (const char* r = query_refusal(static_cast<Query*>(lfirst(lc)))) return r;
  }
  return nullptr;
}

ParamListInfo bind_params(const FillIn* in, const VarParams& vp) {
  if (vp.n != in->n_params) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("the query uses %d parameter(s) but %d were given", vp.n, in->n_params),
                    errhint("Pass params => ARRAY[...] with one text value per $n (NULL for SQL "
                            "NULL); values are bound as parameters, never spliced into the SQL.")));
  }
  if (in->n_params == 0) return nullptr;
  ParamListInfo pli = makeParamList(in->n_params);
  for (int i = 0; i < in->n_params; i++) {
    Oid type = vp.types[i];
    if (type == InvalidOid || type == UNKNOWNOID) {
      ereport(ERROR, (errcode(ERRCODE_INDETERMINATE_DATATYPE),
                      errmsg("could not determine data type of parameter $%d", i + 1),
                      errhint("Add a cast, e.g. $%d::int or $%d::text.", i + 1, i + 1)));
    }
    Oid input, ioparam;
    getTypeInputInfo(type, &input, &ioparam);
    ParamExternData& prm = pli->params[i];
    prm.ptype = type;
    prm.pflags = PARAM_FLAG_CONST;
    prm.isnull = in->params[i] == nullptr;
    // The input function also runs for NULL (domains may reject it), as the executor does.
    prm.value = OidInputFunctionCall(input, const_cast<char*>(in->params[i]), ioparam, -1);
  }
  return pli;
}

// The rows as json_agg would print them: "[" row ", \n " row ... "]", each row row_to_json's.
void rows_to_json(FillOut* out, int64 limit_bytes) {
  TupleDesc desc = BlessTupleDesc(SPI_tuptable->tupdesc);
  appendStringInfoChar(out->json, '[');
  for (uint64 i = 0; i < SPI_processed; i++) {
    if (i > 0) appendStringInfoString(out->json, ", \n ");
    Datum row = heap_copy_tuple_as_datum(SPI_tuptable->vals[i], desc);
    text* t = DatumGetTextPP(DirectFunctionCall1(row_to_json, row));
    appendBinaryStringInfo(out->json, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
    pfree(t);
    pfree(DatumGetPointer(row));
    CHECK_FOR_INTERRUPTS();
  }
  appendStringInfoChar(out->json, ']');
  out->rows = SPI_processed;
  out->too_big = out->json->len > limit_bytes;
}

}  // namespace

void run_fill(const FillIn* in, FillOut* out) {
  memset(out, 0, sizeof *out);
  // The schema epochs are read before anything is looked up in the catalogs, and this
  // backend's catalog caches are brought up to date after that: a DDL whose window closed
  // before the read sent its invalidations before closing it (xact.cpp), so the parse and plan
  // below see it; a later one moves the words this entry keeps.
  uint64 epoch_words[2] = {0, 0};
  if (in->generations != nullptr) {
    epoch_words[0] = gen_load(*in->generations, epoch_slot(MyDatabaseId));
    epoch_words[1] = gen_load(*in->generations, kSharedEpochSlot);
  }
  AcceptInvalidationMessages();
  // Allocated before SPI_connect: the caller's context outlives SPI_finish.
  out->json = makeStringInfo();
  MemoryContext caller = CurrentMemoryContext;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "azora_opt: SPI_connect failed");
  VarParams vp{nullptr, 0};
  SPIPrepareOptions opts;
  memset(&opts, 0, sizeof opts);
  opts.parserSetup = varparams_setup;
  opts.parserSetupArg = &vp;
  opts.parseMode = RAW_PARSE_DEFAULT;
  SPIPlanPtr plan = SPI_prepare_extended(in->query, &opts);
  if (plan == nullptr)
    elog(ERROR, "azora_opt: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
  List* plansources = SPI_plan_get_plan_sources(plan);
  check_is_read(plansources);
  ParamListInfo params = bind_params(in, vp);

  MemoryContext spi = MemoryContextSwitchTo(caller);
  CachedPlan* cplan = SPI_plan_get_cached_plan(plan);
  if (cplan == nullptr) elog(ERROR, "azora_opt: could not plan the cached query");
  collect(cplan->stmt_list, out);
  if (out->uncacheable == nullptr) out->uncacheable = query_uncacheable(plansources);
  ReleaseCachedPlan(cplan, nullptr);
  // Every entry also depends on its database's schema epoch and on the shared one
  // (pure/cache_generations.hpp): two pseudo-sources with relation OID 0, after the relations.
  int n_rel = out->n_sources;
  out->sources = static_cast<Oid*>(repalloc(out->sources, sizeof(Oid) * (n_rel + 2)));
  out->sources[n_rel] = out->sources[n_rel + 1] = InvalidOid;
  out->n_sources = n_rel + 2;
  out->slots = static_cast<uint32*>(palloc(sizeof(uint32) * out->n_sources));
  out->words = static_cast<uint64*>(palloc(sizeof(uint64) * out->n_sources));
  for (int i = 0; i < out->n_sources; i++) {
    out->slots[i] = i < n_rel    ? gen_slot(MyDatabaseId, out->sources[i])
                    : i == n_rel ? epoch_slot(MyDatabaseId)
                                 : kSharedEpochSlot;
    // Relations' words: read before the execution below takes its snapshot.
    out->words[i] = in->generations == nullptr ? 0
                    : i < n_rel                ? gen_load(*in->generations, out->slots[i])
                                               : epoch_words[i - n_rel];
  }
  MemoryContextSwitchTo(spi);

  SPIExecuteOptions eo;
  memset(&eo, 0, sizeof eo);
  eo.params = params;
  eo.read_only = false;  // a fresh snapshot for this statement (READ COMMITTED)
  int rc = SPI_execute_plan_extended(plan, &eo);
  if (rc != SPI_OK_SELECT)
    elog(ERROR, "azora_opt: the cached query returned %s", SPI_result_code_string(rc));
  rows_to_json(out, in->limit_bytes);
  SPI_finish();
}

bool check_perms(int n_perms, const FillPerm* perms) {
  for (int i = 0; i < n_perms; i++)
    if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(perms[i].relid))) return false;
  List* rtable = NIL;
  for (int i = 0; i < n_perms; i++) {
    RangeTblEntry* rte = makeNode(RangeTblEntry);
    rte->rtekind = RTE_RELATION;
    rte->relid = perms[i].relid;
    rte->relkind = get_rel_relkind(perms[i].relid);
    rte->requiredPerms = ACL_SELECT;
    rte->checkAsUser = perms[i].check_as_user;
    for (int c = 0; c < perms[i].n_cols; c++)
      rte->selectedCols = bms_add_member(rte->selectedCols, perms[i].cols[c]);
    rtable = lappend(rtable, rte);
  }
  ExecCheckRTPerms(rtable, true);
  return true;
}

}  // namespace azora::cache
