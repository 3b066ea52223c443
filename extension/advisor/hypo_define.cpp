// advisor/hypo_define.cpp — CREATE INDEX text to a hypothetical index (see hypo_define.hpp).
//
// Plain C-style code (it reports with ereport and owns no C++ objects): it runs under
// pg_call(). The statement goes through PostgreSQL's own raw parser and transformIndexStmt,
// so the accepted syntax and name resolution are exactly CREATE INDEX's.
#include "advisor/hypo_define.hpp"

namespace azora::advisor {
namespace {

[[noreturn]] void not_an_index_statement() {
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("hypo_create expects exactly one CREATE INDEX statement"),
                  errhint("Pass a statement like 'CREATE INDEX ON users (email)'.")));
}

Oid checked_relation(IndexStmt* stmt, bool check_select) {
  Oid relid = RangeVarGetRelid(stmt->relation, AccessShareLock, false);
  char kind = get_rel_relkind(relid);
  if (kind == RELKIND_PARTITIONED_TABLE && stmt->whereClause != nullptr) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("partial hypothetical indexes on partitioned table \"%s\" are not "
                           "supported",
                           get_rel_name(relid)),
                    errhint("Create the partial hypothetical index on each partition.")));
  }
  if (kind != RELKIND_RELATION && kind != RELKIND_MATVIEW && kind != RELKIND_PARTITIONED_TABLE) {
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                    errmsg("\"%s\" is not a table or materialized view", get_rel_name(relid))));
  }
  if (check_select && pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK) {
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for table %s", get_rel_name(relid)),
                    errhint("A hypothetical index needs SELECT on its table.")));
  }
  return relid;
}

AttrNumber column_of(Oid relid, const IndexElem* elem) {
  AttrNumber attnum = InvalidAttrNumber;
  if (elem->name != nullptr) {
    attnum = get_attnum(relid, elem->name);
    if (attnum == InvalidAttrNumber) {
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                      errmsg("column \"%s\" does not exist", elem->name)));
    }
  } else if (elem->expr != nullptr && IsA(elem->expr, Var)) {
    attnum = reinterpret_cast<Var*>(elem->expr)->varattno;  // "(col)" is a plain column
  }
  if (attnum <= 0) {
    ereport(ERROR,
            (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
             errmsg("hypothetical indexes on expressions or system columns are not supported"),
             errhint("Index plain table columns.")));
  }
  return attnum;
}

// The btree operator class of a key column: the named one, or the type's default.
Oid opclass_of(const IndexElem* elem, Oid typid) {
  Oid opclass;
  if (elem->opclass != NIL) {
    opclass = get_opclass_oid(BTREE_AM_OID, elem->opclass, false);
    if (!IsBinaryCoercible(typid, get_opclass_input_type(opclass))) {
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("operator class \"%s\" does not accept data type %s",
                             NameListToString(elem->opclass), format_type_be(typid))));
    }
  } else {
    opclass = GetDefaultOpClass(typid, BTREE_AM_OID);
    if (!OidIsValid(opclass)) {
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                      errmsg("data type %s has no default operator class for access method "
                             "\"btree\"",
                             format_type_be(typid)),
                      errhint("Name an operator class for the column.")));
    }
  }
  return opclass;
}

// btree deduplicates only when every key opclass says equal datums are image-equal
// (_bt_allequalimage): not for numeric or float, not for nondeterministic collations.
bool equal_image(Oid opfamily, Oid opcintype, Oid collation) {
  Oid proc = get_opfamily_proc(opfamily, opcintype, opcintype, BTEQUALIMAGE_PROC);
  if (!OidIsValid(proc)) return false;
  return DatumGetBool(OidFunctionCall1Coll(proc, collation, ObjectIdGetDatum(opcintype)));
}

void apply_options(List* options, HypoIndex* out) {
  ListCell* lc;
  foreach (lc, options) {
    auto* opt = static_cast<DefElem*>(lfirst(lc));
    if (strcmp(opt->defname, "fillfactor") == 0) {
      int32 ff = defGetInt32(opt);
      if (ff < BTREE_MIN_FILLFACTOR || ff > 100) {
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("fillfactor %d is out of range", ff),
                        errhint("Use a value from %d to 100.", BTREE_MIN_FILLFACTOR)));
      }
      out->fillfactor = ff;
    } else if (strcmp(opt->defname, "deduplicate_items") == 0) {
      out->deduplicate = out->deduplicate && defGetBoolean(opt);
    } else {
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
               errmsg("unrecognized parameter \"%s\" for a hypothetical btree index", opt->defname),
               errhint("Supported: fillfactor, deduplicate_items.")));
    }
  }
}

// "hypo_<table>_<columns>_idx", cut to NAMEDATALEN on a character boundary.
void default_name(Oid relid, const HypoIndex* h, NameData* name) {
  StringInfoData buf;
  initStringInfo(&buf);
  appendStringInfo(&buf, "hypo_%s", get_rel_name(relid));
  for (int i = 0; i < h->nkeycolumns; ++i)
    appendStringInfo(&buf, "_%s", get_attname(relid, h->attnums[i], false));
  appendStringInfoString(&buf, "_idx");
  int len = pg_mbcliplen(buf.data, buf.len, NAMEDATALEN - 1);
  memset(name, 0, sizeof(NameData));
  memcpy(NameStr(*name), buf.data, len);
}

}  // namespace

bool on_partition(const HypoIndex& parent, Oid partition, HypoIndex* out) {
  *out = parent;
  out->relid = partition;
  out->estimated_tuples = -1;
  for (int i = 0; i < parent.ncolumns; ++i) {
    char* name = get_attname(parent.relid, parent.attnums[i], true);
    AttrNumber attnum = name != nullptr ? get_attnum(partition, name) : InvalidAttrNumber;
    if (attnum == InvalidAttrNumber) return false;
    out->attnums[i] = attnum;
  }
  return true;
}

void define_hypo_index(const char* ddl, MemoryContext context, HypoIndex* out, bool check_select) {
  List* parsed = raw_parser(ddl, RAW_PARSE_DEFAULT);
  if (list_length(parsed) != 1) not_an_index_statement();
  Node* node = static_cast<RawStmt*>(linitial(parsed))->stmt;
  if (!IsA(node, IndexStmt)) not_an_index_statement();
  auto* stmt = reinterpret_cast<IndexStmt*>(node);
  if (stmt->accessMethod != nullptr && strcmp(stmt->accessMethod, "btree") != 0) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("hypothetical indexes support access method \"btree\" only"),
                    errhint("Remove USING %s.", stmt->accessMethod)));
  }
  Oid relid = checked_relation(stmt, check_select);
  stmt = transformIndexStmt(relid, stmt, ddl);

  memset(out, 0, sizeof(HypoIndex));
  out->relid = relid;
  out->unique = stmt->unique;
  out->fillfactor = BTREE_DEFAULT_FILLFACTOR;
  out->deduplicate = !stmt->unique && stmt->indexIncludingParams == NIL;
  out->estimated_tuples = -1;
  int nkeys = list_length(stmt->indexParams);
  int ncols = nkeys + list_length(stmt->indexIncludingParams);
  if (ncols > INDEX_MAX_KEYS) {
    ereport(ERROR, (errcode(ERRCODE_TOO_MANY_COLUMNS),
                    errmsg("cannot use more than %d columns in an index", INDEX_MAX_KEYS)));
  }
  out->nkeycolumns = nkeys;
  out->ncolumns = ncols;
  int i = 0;
  ListCell* lc;
  foreach (lc, stmt->indexParams) {
    auto* elem = static_cast<IndexElem*>(lfirst(lc));
    AttrNumber attnum = column_of(relid, elem);
    Oid typid;
    int32 typmod;
    Oid collid;
    get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
    Oid opclass = opclass_of(elem, typid);
    if (elem->collation != NIL) {
      if (!type_is_collatable(typid)) {
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("collations are not supported by type %s", format_type_be(typid))));
      }
      collid = get_collation_oid(elem->collation, false);
    }
    out->attnums[i] = attnum;
    out->opfamily[i] = get_opclass_family(opclass);
    out->opcintype[i] = get_opclass_input_type(opclass);
    out->collation[i] = collid;
    out->reverse[i] = elem->ordering == SORTBY_DESC;
    out->nulls_first[i] = elem->nulls_ordering == SORTBY_NULLS_FIRST ||
                          (elem->nulls_ordering == SORTBY_NULLS_DEFAULT && out->reverse[i]);
    out->deduplicate =
        out->deduplicate && equal_image(out->opfamily[i], out->opcintype[i], out->collation[i]);
    ++i;
  }
  foreach (lc, stmt->indexIncludingParams) {
    out->attnums[i++] = column_of(relid, static_cast<IndexElem*>(lfirst(lc)));
  }
  apply_options(stmt->options, out);
  if (stmt->idxname != nullptr) {
    namestrcpy(&out->name, stmt->idxname);
  } else {
    default_name(relid, out, &out->name);
  }

  out->context =
      AllocSetContextCreate(context, "azora_opt hypothetical index", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(out->context);
  out->definition = pstrdup(ddl);
  if (stmt->whereClause != nullptr) {
    // Stored like RelationGetIndexPredicate: simplified, canonical, implicit-AND.
    Node* pred = eval_const_expressions(nullptr, stmt->whereClause);
    pred = reinterpret_cast<Node*>(canonicalize_qual(reinterpret_cast<Expr*>(pred), false));
    out->predicate = make_ands_implicit(reinterpret_cast<Expr*>(pred));
  }
  MemoryContextSwitchTo(old);
}

}  // namespace azora::advisor
