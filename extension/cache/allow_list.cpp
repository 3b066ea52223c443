// allow_list.cpp — the cache's allow-list of functions, node types and relations (allow_list.hpp).
// Plain PostgreSQL style: no C++ object with a destructor lives in these frames.
#include "cache/allow_list.hpp"

#include "cache/context.hpp"

namespace azora::cache {
namespace {

// STABLE built-ins (pg_catalog) whose result depends only on their arguments, keyed settings,
// the keyed roles and search_path, or catalog state that only DDL changes. Reviewed one by one
// against PostgreSQL 15's list of STABLE functions; not here on purpose: now() and every clock
// reader, age() (reads the current date or xid), timezone() (its timetz forms read the current
// date), table/schema/database/query_to_xml (read tables), pg_stat_*, txid_*, has_*_privilege,
// pg_has_role, *_description, inet_*, pg_backend_pid, pg_trigger_depth, row_security_active,
// version(), the planner's selectivity estimators.
constexpr const char* kStableAllowed[] = {
    // type input/output, send/receive (settings such as DateStyle, IntervalStyle, lc_monetary
    // and extra_float_digits are keyed; enum labels and reg* names change only by DDL)
    "aclitemin",
    "aclitemout",
    "anyarray_out",
    "anyarray_recv",
    "anyarray_send",
    "anycompatiblearray_out",
    "anycompatiblearray_recv",
    "anycompatiblearray_send",
    "anycompatiblemultirange_in",
    "anycompatiblemultirange_out",
    "anycompatiblerange_in",
    "anycompatiblerange_out",
    "anyenum_out",
    "anymultirange_in",
    "anymultirange_out",
    "anyrange_in",
    "anyrange_out",
    "array_in",
    "array_out",
    "array_recv",
    "array_send",
    "bpcharrecv",
    "bpcharsend",
    "cash_in",
    "cash_out",
    "cstring_recv",
    "cstring_send",
    "date_in",
    "date_out",
    "domain_in",
    "domain_recv",
    "enum_in",
    "enum_out",
    "enum_recv",
    "enum_send",
    "interval_in",
    "interval_out",
    "multirange_in",
    "multirange_out",
    "multirange_recv",
    "multirange_send",
    "namerecv",
    "namesend",
    "range_in",
    "range_out",
    "range_recv",
    "range_send",
    "record_in",
    "record_out",
    "record_recv",
    "record_send",
    "regclass",
    "regclassin",
    "regclassout",
    "regcollationin",
    "regcollationout",
    "regconfigin",
    "regconfigout",
    "regdictionaryin",
    "regdictionaryout",
    "regnamespacein",
    "regnamespaceout",
    "regoperatorin",
    "regoperatorout",
    "regoperin",
    "regoperout",
    "regprocedurein",
    "regprocedureout",
    "regprocin",
    "regprocout",
    "regrolein",
    "regroleout",
    "regtypein",
    "regtypeout",
    "textrecv",
    "textsend",
    "time_in",
    "timestamp_in",
    "timestamp_out",
    "timestamptz_in",
    "timestamptz_out",
    "timetz_in",
    "varcharrecv",
    "varcharsend",
    "xml_in",
    "xml_recv",
    "xml_send",
    "to_regclass",
    "to_regcollation",
    "to_regnamespace",
    "to_regoper",
    "to_regoperator",
    "to_regproc",
    "to_regprocedure",
    "to_regrole",
    "to_regtype",
    // text (type output functions, encodings)
    "anytextcat",
    "textanycat",
    "array_to_string",
    "concat",
    "concat_ws",
    "format",
    "quote_literal",
    "quote_nullable",
    "length",
    "convert",
    "convert_from",
    "convert_to",
    "pg_typeof",
    "format_type",
    "pg_collation_for",
    // date and time through TimeZone, DateStyle, lc_time (keyed)
    "date",
    "date_cmp_timestamptz",
    "date_eq_timestamptz",
    "date_ge_timestamptz",
    "date_gt_timestamptz",
    "date_le_timestamptz",
    "date_lt_timestamptz",
    "date_ne_timestamptz",
    "date_part",
    "date_trunc",
    "extract",
    "interval_pl_timestamptz",
    "make_timestamptz",
    "overlaps",
    "time",
    "timestamp",
    "timestamp_cmp_timestamptz",
    "timestamp_eq_timestamptz",
    "timestamp_ge_timestamptz",
    "timestamp_gt_timestamptz",
    "timestamp_le_timestamptz",
    "timestamp_lt_timestamptz",
    "timestamp_ne_timestamptz",
    "timestamptz",
    "timestamptz_cmp_date",
    "timestamptz_cmp_timestamp",
    "timestamptz_eq_date",
    "timestamptz_eq_timestamp",
    "timestamptz_ge_date",
    "timestamptz_ge_timestamp",
    "timestamptz_gt_date",
    "timestamptz_gt_timestamp",
    "timestamptz_le_date",
    "timestamptz_le_timestamp",
    "timestamptz_lt_date",
    "timestamptz_lt_timestamp",
    "timestamptz_mi_interval",
    "timestamptz_ne_date",
    "timestamptz_ne_timestamp",
    "timestamptz_pl_interval",
    "timetz",
    "to_char",
    "to_date",
    "to_number",
    "to_timestamp",
    "generate_series",
    "money",
    "numeric",
    // JSON (output functions, TimeZone for the _tz path functions)
    "array_to_json",
    "json_agg",
    "json_agg_transfn",
    "json_build_array",
    "json_build_object",
    "json_object_agg",
    "json_object_agg_transfn",
    "json_populate_record",
    "json_populate_recordset",
    "json_to_record",
    "json_to_recordset",
    "jsonb_agg",
    "jsonb_agg_finalfn",
    "jsonb_agg_transfn",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_object_agg_finalfn",
    "jsonb_object_agg_transfn",
    "jsonb_path_exists_tz",
    "jsonb_path_match_tz",
    "jsonb_path_query_array_tz",
    "jsonb_path_query_first_tz",
    "jsonb_path_query_tz",
    "jsonb_populate_record",
    "jsonb_populate_recordset",
    "jsonb_to_record",
    "jsonb_to_recordset",
    "row_to_json",
    "to_json",
    "to_jsonb",
    // text search through default_text_search_config (keyed) and its catalogs (DDL)
    "get_current_ts_config",
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "phraseto_tsquery",
    "websearch_to_tsquery",
    "ts_headline",
    "ts_match_tq",
    "ts_match_tt",
    "json_to_tsvector",
    "jsonb_to_tsvector",
    // XML through xmloption/xmlbinary (keyed)
    "xml",
    "xml_is_well_formed",
    // the keyed roles, database and search_path
    "current_user",
    "session_user",
    "getpgusername",
    "current_database",
    "current_schema",
    "current_schemas",
    "pg_get_userbyid",
    // catalog state that only DDL changes
    "enum_first",
    "enum_last",
    "enum_range",
};

struct Walk {
  const char* refusal;
  int depth;  // nodes visited so far (a bound on the work, not the nesting)
};

const char* refused_function(Oid fn) {
  char* name = get_func_name(fn);
  return psprintf(
      "it calls %s(), which is not on the cache's allow-list (a result that can "
      "change without a write to its tables, or read another role's data)",
      name ? name : "an unknown function");
}

bool stable_allowed(Oid fn) {
  if (fn >= FirstNormalObjectId || get_func_namespace(fn) != PG_CATALOG_NAMESPACE) return false;
  char* name = get_func_name(fn);
  if (name == nullptr) return false;
  for (const char* ok : kStableAllowed)
    if (strcmp(ok, name) == 0) return true;
  return false;
}

bool function_refused(Oid fn, void* arg) {
  auto* w = static_cast<Walk*>(arg);
  char vol = func_volatile(fn);
  if (vol == PROVOLATILE_IMMUTABLE) return false;
  if (vol == PROVOLATILE_STABLE && stable_allowed(fn)) return false;
  w->refusal = refused_function(fn);
  return true;
}

bool walker(Node* node, void* arg);
using WalkerFn = bool (*)();
WalkerFn as_walker(bool (*fn)(Node*, void*)) {
  return reinterpret_cast<WalkerFn>(reinterpret_cast<void (*)()>(fn));
}

// current_setting('name') or current_setting('name', missing_ok) of a keyed setting: the
// setting's value is part of the key, so the result is too.
bool current_setting_of_keyed(FuncExpr* f) {
  if (f->funcid != F_CURRENT_SETTING_TEXT && f->funcid != F_CURRENT_SETTING_TEXT_BOOL) return false;
  Node* arg = static_cast<Node*>(linitial(f->args));
  if (!IsA(arg, Const) || reinterpret_cast<Const*>(arg)->constisnull) return false;
  char* name = TextDatumGetCString(reinterpret_cast<Const*>(arg)->constvalue);
  return setting_is_keyed(name);
}

bool operator_refused(Oid opno, Walk* w) {
  if (!OidIsValid(opno)) return false;
  RegProcedure fn = get_opcode(opno);
  return OidIsValid(fn) && function_refused(fn, w);
}

// The domain a domain is declared over (InvalidOid for a type that is not a domain).
Oid domain_parent(Oid type) {
  HeapTuple tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
  if (!HeapTupleIsValid(tup)) return InvalidOid;
  auto* t = reinterpret_cast<Form_pg_type>(GETSTRUCT(tup));
  Oid parent = t->typtype == TYPTYPE_DOMAIN ? t->typbasetype : InvalidOid;
  ReleaseSysCache(tup);
  return parent;
}

// The CHECK constraints of a domain (and of the domains it is based on) run on every value
// coerced to it.
bool domain_refused(Oid type, Walk* w) {
  for (int level = 0; level < 32 && OidIsValid(type); level++) {
    Oid parent = domain_parent(type);
    if (!OidIsValid(parent)) break;
    Relation rel = table_open(ConstraintRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_constraint_contypid, BTEqualStrategyNumber, F_OIDEQ,
                ObjectIdGetDatum(type));
    SysScanDesc scan = systable_beginscan(rel, ConstraintTypidIndexId, true, nullptr, 1, &key);
    HeapTuple tup;
    bool refused = false;
    while (!refused && HeapTupleIsValid(tup = systable_getnext(scan))) {
      bool isnull;
      Datum bin = heap_getattr(tup, Anum_pg_constraint_conbin, RelationGetDescr(rel), &isnull);
      if (isnull) continue;
      Node* expr = static_cast<Node*>(stringToNode(TextDatumGetCString(bin)));
      refused = walker(expr, w);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    if (refused) return true;
    type = parent;
  }
  return false;
}

bool refuse_node(Walk* w, const char* what) {
  w->refusal = psprintf("it uses %s, which the cache does not evaluate as keyed input", what);
  return true;
}

bool walker(Node* node, void* arg) {
  auto* w = static_cast<Walk*>(arg);
  if (node == nullptr) return false;
  if (++w->depth > 10000) return refuse_node(w, "a query of over 10000 expression nodes");
  switch (nodeTag(node)) {
    // Nodes that evaluate nothing by themselves, or whose functions check_functions_in_node
    // below sees (FuncExpr, OpExpr, DistinctExpr, NullIfExpr, ScalarArrayOpExpr, CoerceViaIO,
    // Aggref, WindowFunc, RowCompareExpr's operators).
    case T_Var:
    case T_Const:
    case T_Param:
    case T_Aggref:
    case T_GroupingFunc:
    case T_WindowFunc:
    case T_SubscriptingRef:
    case T_FuncExpr:
    case T_NamedArgExpr:
    case T_OpExpr:
    case T_DistinctExpr:
    case T_NullIfExpr:
    case T_ScalarArrayOpExpr:
    case T_BoolExpr:
    case T_SubLink:
    case T_FieldSelect:
    case T_FieldStore:
    case T_RelabelType:
    case T_CoerceViaIO:
    case T_ArrayCoerceExpr:
    case T_ConvertRowtypeExpr:
    case T_CollateExpr:
    case T_CaseExpr:
    case T_CaseWhen:
    case T_CaseTestExpr:
    case T_ArrayExpr:
    case T_RowExpr:
    case T_RowCompareExpr:
    case T_CoalesceExpr:
    case T_MinMaxExpr:
    case T_XmlExpr:
    case T_NullTest:
    case T_BooleanTest:
    case T_CoerceToDomainValue:
    case T_TargetEntry:
    case T_RangeTblRef:
    case T_JoinExpr:
    case T_FromExpr:
    case T_List:
    case T_IntList:
    case T_OidList:
    case T_Query:
    case T_CommonTableExpr:
    case T_RangeTblFunction:
    case T_SortGroupClause:
    case T_WindowClause:
    case T_GroupingSet:
    case T_WithCheckOption:
      break;
    case T_SQLValueFunction:
      switch (reinterpret_cast<SQLValueFunction*>(node)->op) {
        case SVFOP_CURRENT_ROLE:
        case SVFOP_CURRENT_USER:
        case SVFOP_USER:
        case SVFOP_SESSION_USER:
        case SVFOP_CURRENT_CATALOG:
        case SVFOP_CURRENT_SCHEMA:
          break;  // keyed: the roles, the database, the search_path
        default:
          return refuse_node(w,
                             "CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP or LOCALTIME"
                             " (the time of the call)");
      }
      break;
    case T_CoerceToDomain:
      if (domain_refused(reinterpret_cast<CoerceToDomain*>(node)->resulttype, w)) return true;
      break;
    default:
      return refuse_node(w, psprintf("an expression of node type %d", nodeTag(node)));
  }
  if (IsA(node, SortGroupClause)) {
    auto* sgc = reinterpret_cast<SortGroupClause*>(node);
    return operator_refused(sgc->sortop, w) || operator_refused(sgc->eqop, w);
  }
  if (IsA(node, MinMaxExpr)) {
    // GREATEST/LEAST compare with the type's default btree operator class.
    auto* mm = reinterpret_cast<MinMaxExpr*>(node);
    TypeCacheEntry* tce = lookup_type_cache(mm->minmaxtype, TYPECACHE_CMP_PROC);
    if (OidIsValid(tce->cmp_proc) && function_refused(tce->cmp_proc, w)) return true;
  }
  if (IsA(node, FuncExpr) && current_setting_of_keyed(reinterpret_cast<FuncExpr*>(node))) {
    // Allowed as a whole; its arguments are constants.
  } else if (check_functions_in_node(node, function_refused, w)) {
    return true;
  }
  if (IsA(node, Query)) {
    auto* q = reinterpret_cast<Query*>(node);
    ListCell* lc;
    foreach (lc, q->rtable) {
      auto* rte = static_cast<RangeTblEntry*>(lfirst(lc));
      if (rte->rtekind == RTE_TABLEFUNC) return refuse_node(w, "XMLTABLE");
      if (rte->tablesample != nullptr) return refuse_node(w, "TABLESAMPLE");
    }
    // Sort, group and distinct clauses are walked as SortGroupClause nodes above.
    if (walker(reinterpret_cast<Node*>(q->sortClause), w) ||
        walker(reinterpret_cast<Node*>(q->groupClause), w) ||
        walker(reinterpret_cast<Node*>(q->distinctClause), w))
      return true;
    return query_tree_walker(q, as_walker(walker), w, 0);
  }
  return expression_tree_walker(node, as_walker(walker), w);
}

bool is_subscription_table(Oid relid) {
  Relation rel = table_open(SubscriptionRelRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_subscription_rel_srrelid, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(relid));
  SysScanDesc scan =
      systable_beginscan(rel, SubscriptionRelSrrelidSrsubidIndexId, true, nullptr, 1, &key);
  bool found = HeapTupleIsValid(systable_getnext(scan));
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  return found;
}

const char* output_refusal(Oid type, int depth) {
  if (depth > 8) return "it returns a type nested too deeply to check";
  Oid output;
  bool varlena;
  getTypeOutputInfo(type, &output, &varlena);
  Walk w{nullptr, 0};
  if (function_refused(output, &w)) return w.refusal;
  switch (get_typtype(type)) {
    case TYPTYPE_DOMAIN:
      return output_refusal(getBaseType(type), depth + 1);
    case TYPTYPE_RANGE:
      return output_refusal(get_range_subtype(type), depth + 1);
    case TYPTYPE_COMPOSITE: {
      Oid relid = get_typ_typrelid(type);
      if (!OidIsValid(relid)) return nullptr;
      TupleDesc desc = lookup_rowtype_tupdesc(type, -1);
      const char* refusal = nullptr;
      for (int i = 0; i < desc->natts && refusal == nullptr; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (!att->attisdropped) refusal = output_refusal(att->atttypid, depth + 1);
      }
      ReleaseTupleDesc(desc);
      return refusal;
    }
    default: {
      Oid elem = get_element_type(type);
      return OidIsValid(elem) ? output_refusal(elem, depth + 1) : nullptr;
    }
  }
}

}  // namespace

const char* query_refusal(Query* query) {
  Walk w{nullptr, 0};
  walker(reinterpret_cast<Node*>(query), &w);
  if (w.refusal != nullptr) return w.refusal;
  ListCell* lc;
  foreach (lc, query->targetList) {
    auto* te = static_cast<TargetEntry*>(lfirst(lc));
    if (te->resjunk) continue;
    if (const char* r = output_type_refusal(exprType(reinterpret_cast<Node*>(te->expr)))) return r;
  }
  return nullptr;
}

const char* output_type_refusal(Oid type) {
  return output_refusal(type, 0);
}

const char* relation_refusal(Oid relid, char relkind) {
  if (relid < FirstNormalObjectId || IsCatalogRelationOid(relid))
    return "it reads a system catalog";
  switch (relkind) {
    case RELKIND_RELATION:
    case RELKIND_PARTITIONED_TABLE:
    case RELKIND_VIEW:
    case RELKIND_MATVIEW:
      break;
    case RELKIND_SEQUENCE:
      return "it reads a sequence (nextval() changes it without a write the cache sees)";
    case RELKIND_FOREIGN_TABLE:
      return "it reads a foreign table";
    default:
      return "it reads a relation that is not a table, view or materialized view";
  }
  if (get_rel_persistence(relid) == RELPERSISTENCE_TEMP) return "it reads a temporary table";
  if (is_subscription_table(relid))
    return "it reads a table that a logical-replication subscription writes (its apply worker "
           "bypasses the executor hooks that invalidate entries)";
  return nullptr;
}

}  // namespace azora::cache
