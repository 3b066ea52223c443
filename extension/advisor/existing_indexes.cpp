// advisor/existing_indexes.cpp — see existing_indexes.hpp. C-style code: it owns no C++
// objects, so ereport may unwind through it.
#include "advisor/existing_indexes.hpp"

#include "pure/index_selection.hpp"

namespace azora::advisor {
namespace {

// Whether every key uses its type's default btree operator class and the column's collation,
// as the advisor's candidates do (a pattern-opclass index is never replaced).
bool default_keys(Relation heap, Relation index) {
  for (int k = 0; k < index->rd_index->indnkeyatts; ++k) {
    AttrNumber attnum = index->rd_index->indkey.values[k];
    if (attnum <= 0) return false;
    Form_pg_attribute att = TupleDescAttr(RelationGetDescr(heap), attnum - 1);
    Oid opclass = GetDefaultOpClass(att->atttypid, BTREE_AM_OID);
    if (!OidIsValid(opclass) || index->rd_opfamily[k] != get_opclass_family(opclass) ||
        index->rd_indcollation[k] != att->attcollation)
      return false;
  }
  return true;
}

bool droppable(Relation heap, Relation index) {
  Form_pg_index f = index->rd_index;
  return index->rd_rel->relam == BTREE_AM_OID && index->rd_rel->relkind == RELKIND_INDEX &&
         !index->rd_rel->relispartition && f->indisvalid && f->indisready && f->indislive &&
         !f->indisunique && !f->indisexclusion && !f->indisreplident &&
         RelationGetIndexExpressions(index) == NIL && RelationGetIndexPredicate(index) == NIL &&
         default_keys(heap, index);
}

}  // namespace

int droppable_indexes(Oid relid, ExistingIndex** out) {
  *out = nullptr;
  if (get_rel_relkind(relid) != RELKIND_RELATION) return 0;
  Relation heap = relation_open(relid, AccessShareLock);
  List* oids = RelationGetIndexList(heap);
  auto* items = static_cast<ExistingIndex*>(
      palloc0(sizeof(ExistingIndex) * static_cast<size_t>(std::max(1, list_length(oids)))));
  int n = 0;
  ListCell* lc;
  foreach (lc, oids) {
    Relation index = index_open(lfirst_oid(lc), AccessShareLock);
    if (droppable(heap, index)) {
      ExistingIndex* e = &items[n++];
      Form_pg_index f = index->rd_index;
      e->oid = RelationGetRelid(index);
      e->nkeys = f->indnkeyatts;
      for (int k = 0; k < f->indnkeyatts; ++k) {
        e->keys[k] = f->indkey.values[k];
        int16 option = index->rd_indoption[k];
        e->flags[k] = ((option & INDOPTION_DESC) ? index_selection::kDescending : 0) |
                      ((option & INDOPTION_NULLS_FIRST) ? index_selection::kNullsFirst : 0);
      }
      e->ninclude = f->indnatts - f->indnkeyatts;
      for (int k = 0; k < e->ninclude; ++k) e->include[k] = f->indkey.values[f->indnkeyatts + k];
      BlockNumber pages = RelationGetNumberOfBlocks(index);
      e->bytes = static_cast<double>(pages) * BLCKSZ;
      HypoIndex* h = &e->shape;
      h->relid = relid;
      h->ncolumns = f->indnatts;
      h->nkeycolumns = f->indnkeyatts;
      for (int k = 0; k < f->indnatts; ++k) h->attnums[k] = f->indkey.values[k];
      h->pages = pages;
      h->tree_height = pages > 1 ? _bt_getrootheight(index) : 0;
      h->index_tuples = std::max<double>(index->rd_rel->reltuples, 0);
    }
    index_close(index, AccessShareLock);
  }
  relation_close(heap, AccessShareLock);
  *out = items;
  return n;
}

char* drop_index_ddl(Oid index) {
  return psprintf("DROP INDEX CONCURRENTLY %s",
                  quote_qualified_identifier(get_namespace_name(get_rel_namespace(index)),
                                             get_rel_name(index)));
}

}  // namespace azora::advisor
