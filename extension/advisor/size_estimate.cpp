// advisor/size_estimate.cpp — catalog statistics into the btree size model (size_estimate.hpp).
#include "advisor/size_estimate.hpp"

#include "advisor/hypo_define.hpp"

#include "boundary.hpp"
#include "pure/btree_size.hpp"

namespace azora::advisor {
namespace {

// What the model needs of one column; plain data so catalog reads build it without owning
// C++ objects.
struct ColumnStats {
  double width;
  int align;
  bool varlena;
  double null_frac;
  double n_distinct;
};

int align_bytes(char typalign) {
  switch (typalign) {
    case TYPALIGN_DOUBLE:
      return 8;
    case TYPALIGN_INT:
      return 4;
    case TYPALIGN_SHORT:
      return 2;
    default:
      return 1;
  }
}

// pg_statistic's null fraction, width and distinct count of a column (a type's typical width
// and "unique" when the table was never analyzed), and pg_type's length and alignment.
void column_stats(Oid relid, AttrNumber attnum, ColumnStats* out) {
  Oid typid;
  int32 typmod;
  Oid collid;
  get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
  int16 typlen;
  bool byval;
  char typalign;
  get_typlenbyvalalign(typid, &typlen, &byval, &typalign);
  out->null_frac = 0;
  out->n_distinct = 0;
  out->width = get_typavgwidth(typid, typmod);
  HeapTuple tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
                                    BoolGetDatum(false));
  if (HeapTupleIsValid(tuple)) {
    auto* stats = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(tuple));
    out->null_frac = stats->stanullfrac;
    out->n_distinct = stats->stadistinct;
    if (stats->stawidth > 0) out->width = stats->stawidth;
    ReleaseSysCache(tuple);
  }
  if (typlen > 0) {
    out->width = typlen;
    out->align = align_bytes(typalign);
    out->varlena = false;
  } else {
    // A varlena up to 126 bytes is stored with a 1-byte header and no alignment.
    out->varlena = true;
    out->align = out->width <= 126 ? 1 : align_bytes(typalign);
  }
}

struct Model {
  double pages;
  int height;
  double tuples;
};

Model run_model(const HypoIndex& h, const ColumnStats* stats, double table_tuples,
                double fraction) {
  btree_size::IndexShape shape;
  shape.reltuples = table_tuples;
  shape.partial_fraction = fraction;
  shape.fillfactor = h.fillfactor;
  shape.deduplicate = h.deduplicate;
  shape.unique = h.unique;
  for (int i = 0; i < h.ncolumns; ++i) {
    btree_size::Column c;
    c.avg_width = stats[i].width;
    c.align = stats[i].align;
    c.varlena = stats[i].varlena;
    c.null_frac = stats[i].null_frac;
    c.n_distinct = stats[i].n_distinct;
    (i < h.nkeycolumns ? shape.keys : shape.include).push_back(c);
  }
  btree_size::Estimate e = btree_size::estimate(shape);
  return Model{e.total_pages, e.tree_height, table_tuples * fraction};
}

}  // namespace

void estimate(HypoIndex* h, double table_tuples, double fraction) {
  ColumnStats stats[INDEX_MAX_KEYS];
  for (int i = 0; i < h->ncolumns; ++i) column_stats(h->relid, h->attnums[i], &stats[i]);
  Model m = guarded("azora_opt advisor size estimate",
                    [&] { return run_model(*h, stats, table_tuples, fraction); });
  h->pages = static_cast<BlockNumber>(std::min(m.pages, static_cast<double>(MaxBlockNumber)));
  h->tree_height = m.height;
  h->index_tuples = m.tuples;
  h->estimated_tuples = table_tuples;
  h->estimated_fraction = fraction;
}

void estimate_partitioned(HypoIndex* h) {
  double pages = 0, tuples = 0, rows = 0;
  int height = 0;
  ListCell* lc;
  foreach (lc, find_all_inheritors(h->relid, AccessShareLock, nullptr)) {
    Oid child = lfirst_oid(lc);
    HypoIndex part;
    if (get_rel_relkind(child) != RELKIND_RELATION || !on_partition(*h, child, &part)) continue;
    double child_rows = table_tuples(child);
    estimate(&part, child_rows, 1.0);
    pages += part.pages;
    tuples += part.index_tuples;
    rows += child_rows;
    height = std::max(height, part.tree_height);
  }
  h->pages = static_cast<BlockNumber>(std::min(pages, static_cast<double>(MaxBlockNumber)));
  h->tree_height = height;
  h->index_tuples = tuples;
  h->estimated_tuples = rows;
  h->estimated_fraction = 1.0;
}

double table_tuples(Oid relid) {
  Relation rel = table_open(relid, AccessShareLock);
  BlockNumber pages;
  double tuples;
  double allvisfrac;
  estimate_rel_size(rel, nullptr, &pages, &tuples, &allvisfrac);
  table_close(rel, AccessShareLock);
  return tuples;
}

}  // namespace azora::advisor
