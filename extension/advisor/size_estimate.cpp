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
  int type_align;  // pg_type's, which a varlena over 126 B (a 4-byte header) follows
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
// Returns whether pg_statistic has a row for it.
bool column_stats(Oid relid, AttrNumber attnum, ColumnStats* out) {
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
  bool analysed = false;
  HeapTuple tuple = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid), Int16GetDatum(attnum),
                                    BoolGetDatum(false));
  if (HeapTupleIsValid(tuple)) {
    auto* stats = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(tuple));
    out->null_frac = stats->stanullfrac;
    out->n_distinct = stats->stadistinct;
    if (stats->stawidth > 0) out->width = stats->stawidth;
    ReleaseSysCache(tuple);
    analysed = true;
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
  out->type_align = align_bytes(typalign);
  return analysed;
}

// A varlena as an index tuple stores it (index_form_tuple): an out-of-line value is fetched
// (still compressed if the heap compressed it), and one still plain and over
// TOAST_INDEX_TARGET (510 B) is compressed when that saves space. pg_statistic's stawidth is
// the width in the heap: a toast pointer's 18 B for an out-of-line value, the full width of a
// compressible one the index will compress.
double index_stored_width(Datum value, bool compressible) {
  auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(value));
  if (VARATT_IS_EXTERNAL_ONDISK(raw)) {
    struct varatt_external ext;
    VARATT_EXTERNAL_GET_POINTER(ext, raw);
    double stored = VARATT_EXTERNAL_GET_EXTSIZE(ext) + VARHDRSZ;
    bool heap_compressed = stored < static_cast<double>(ext.va_rawsize);
    if (heap_compressed || !compressible) return stored;
    value = PointerGetDatum(detoast_attr(raw));  // plain out of line: the index compresses it
    raw = reinterpret_cast<struct varlena*>(DatumGetPointer(value));
  }
  double size = VARSIZE_ANY(raw);
  if (!compressible || VARATT_IS_EXTENDED(raw) || size <= TOAST_INDEX_TARGET) return size;
  Datum compressed = toast_compress_datum(value, InvalidCompressionMethod);
  if (DatumGetPointer(compressed) == nullptr) return size;
  size = VARSIZE(DatumGetPointer(compressed));
  pfree(DatumGetPointer(compressed));
  return size;
}

// What a sample of the heap says: rows per page, and per index column its null fraction and
// the mean width an index tuple would store. Read for a table never analysed, and for wide
// varlena columns (the index may compress what the heap keeps plain).
struct HeapSample {
  double pages = 0;
  double sampled_pages = 0;
  double rows = 0;
  double nulls[INDEX_MAX_KEYS] = {};
  double width_sum[INDEX_MAX_KEYS] = {};
};

// Pages read, spread evenly over the table: enough for a mean width and a row density, cheap
// enough for a planner hook (ANALYZE reads up to 30000).
constexpr BlockNumber kSamplePages = 32;

bool sample_heap(Oid relid, const AttrNumber* attnums, int n, HeapSample* out) {
  Relation rel = table_open(relid, AccessShareLock);
  if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relam != HEAP_TABLE_AM_OID) {
    table_close(rel, AccessShareLock);
    return false;
  }
  TupleDesc desc = RelationGetDescr(rel);
  bool compressible[INDEX_MAX_KEYS];
  for (int i = 0; i < n; ++i) {
    if (attnums[i] <= 0 || attnums[i] > desc->natts) {  // not a plain column: no sample
      table_close(rel, AccessShareLock);
      return false;
    }
    Form_pg_attribute att = TupleDescAttr(desc, attnums[i] - 1);
    compressible[i] = att->attlen == -1 && (att->attstorage == TYPSTORAGE_EXTENDED ||
                                            att->attstorage == TYPSTORAGE_MAIN);
  }
  Snapshot snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
  BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
  BlockNumber step = std::max<BlockNumber>(1, nblocks / kSamplePages);
  out->pages = nblocks;
  for (BlockNumber blk = step / 2; blk < nblocks; blk += step) {
    CHECK_FOR_INTERRUPTS();
    Buffer buf = ReadBufferExtended(rel, MAIN_FORKNUM, blk, RBM_NORMAL, nullptr);
    LockBuffer(buf, BUFFER_LOCK_SHARE);
    Page page = BufferGetPage(buf);
    OffsetNumber max = PageIsNew(page) ? 0 : PageGetMaxOffsetNumber(page);
    for (OffsetNumber off = FirstOffsetNumber; off <= max; off = OffsetNumberNext(off)) {
      ItemId id = PageGetItemId(page, off);
      if (!ItemIdIsNormal(id)) continue;
      HeapTupleData tup;
      tup.t_data = reinterpret_cast<HeapTupleHeader>(PageGetItem(page, id));
      tup.t_len = ItemIdGetLength(id);
      tup.t_tableOid = relid;
      ItemPointerSet(&tup.t_self, blk, off);
      if (!HeapTupleSatisfiesVisibility(&tup, snapshot, buf)) continue;
      out->rows += 1;
      for (int i = 0; i < n; ++i) {
        bool isnull;
        Datum d = heap_getattr(&tup, attnums[i], desc, &isnull);
        if (isnull) {
          out->nulls[i] += 1;
        } else {
          Form_pg_attribute att = TupleDescAttr(desc, attnums[i] - 1);
          out->width_sum[i] +=
              att->attlen > 0 ? att->attlen : index_stored_width(d, compressible[i]);
        }
      }
    }
    UnlockReleaseBuffer(buf);
    out->sampled_pages += 1;
  }
  table_close(rel, AccessShareLock);
  return true;  // sampled_pages is 0 for an empty table
}

// Varlena columns whose stored width may differ from stawidth in an index: over
// TOAST_INDEX_TARGET the index compresses, and stawidth under-counts out-of-line values; the
// mean of a column of such values is well above this.
constexpr double kWideColumn = 256;

// Whether the table's TOAST table has pages: some value was moved out of line.
bool toast_has_data(Oid relid) {
  Oid toast = InvalidOid;
  HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (HeapTupleIsValid(tup)) {
    toast = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->reltoastrelid;
    ReleaseSysCache(tup);
  }
  if (!OidIsValid(toast)) return false;
  Relation rel = try_relation_open(toast, AccessShareLock);
  if (rel == nullptr) return false;
  bool has = RelationGetNumberOfBlocks(rel) > 0;
  relation_close(rel, AccessShareLock);
  return has;
}

// Statistics are stale when more than this share of the rows changed since the last ANALYZE
// (twice autovacuum's default analyze scale factor, so a table autovacuum keeps analysed is
// never reported) and the table's size moved by as much since. Both: the change counter alone
// also counts rows whose statistics were flushed after the ANALYZE that already saw them.
constexpr double kStaleFraction = 0.2;
constexpr double kStaleRows = 1000;

bool stale(Oid relid, double reltuples, double relpages) {
  PgStat_StatTabEntry* tabstats = pgstat_fetch_stat_tabentry(relid);
  double changes = tabstats ? static_cast<double>(tabstats->changes_since_analyze) : 0;
  if (reltuples < 0 || changes <= kStaleRows + kStaleFraction * reltuples) return false;
  Relation rel = table_open(relid, AccessShareLock);
  double pages = RelationGetNumberOfBlocks(rel);
  table_close(rel, AccessShareLock);
  return std::fabs(pages - relpages) > kStaleFraction * std::max(1.0, relpages);
}

// Statistics missing or stale make the estimate a guess: say so, once per table and
// transaction (the advisor estimates many candidates of one table).
void warn_statistics(Oid relid, bool missing) {
  static LocalTransactionId warned_lxid = InvalidLocalTransactionId;
  static Oid warned[16];
  static int nwarned = 0;
  if (warned_lxid != MyProc->lxid) {
    warned_lxid = MyProc->lxid;
    nwarned = 0;
  }
  for (int i = 0; i < nwarned; ++i)
    if (warned[i] == relid) return;
  if (nwarned < 16) warned[nwarned++] = relid;
  char* name = get_rel_name(relid);
  if (missing) {
    ereport(NOTICE,
            (errmsg("index advisor: table \"%s\" has no planner statistics; index sizes are "
                    "estimated from a sample of its pages and take every key as distinct",
                    name ? name : "?"),
             errhint("Run ANALYZE %s.", name ? quote_identifier(name) : "on the table")));
  } else {
    ereport(NOTICE, (errmsg("index advisor: planner statistics of table \"%s\" are stale (its size "
                            "and more than %.0f%% of its rows changed since the last ANALYZE)",
                            name ? name : "?", kStaleFraction * 100),
                     errhint("Run ANALYZE %s.", name ? quote_identifier(name) : "on the table")));
  }
}

// Distinct counts that extended statistics (CREATE STATISTICS ... (ndistinct)) measured for
// sets of the index's key columns, as masks over the key positions. Plain arrays: catalog reads
// may ereport.
constexpr int kMaxKnown = 64;
struct KnownDistinct {
  uint32 columns;
  double n_distinct;
};

int known_distinct(const HypoIndex& h, KnownDistinct* out) {
  int n = 0;
  Relation rel = table_open(h.relid, AccessShareLock);
  List* stats = RelationGetStatExtList(rel);
  table_close(rel, AccessShareLock);
  ListCell* lc;
  foreach (lc, stats) {
    Oid stxoid = lfirst_oid(lc);
    HeapTuple data =
        SearchSysCache2(STATEXTDATASTXOID, ObjectIdGetDatum(stxoid), BoolGetDatum(false));
    if (!HeapTupleIsValid(data)) continue;
    bool isnull;
    SysCacheGetAttr(STATEXTDATASTXOID, data, Anum_pg_statistic_ext_data_stxdndistinct, &isnull);
    ReleaseSysCache(data);
    if (isnull) continue;
    MVNDistinct* nd = statext_ndistinct_load(stxoid, false);
    for (uint32 i = 0; i < nd->nitems && n < kMaxKnown; ++i) {
      const MVNDistinctItem& item = nd->items[i];
      uint32 mask = 0;
      bool covered = true;
      for (int a = 0; a < item.nattributes && covered; ++a) {
        int key = -1;
        for (int k = 0; k < h.nkeycolumns && k < 32; ++k)
          if (h.attnums[k] == item.attributes[a]) {
            key = k;
            break;
          }
        covered = key >= 0;
        if (covered) mask |= 1u << key;
      }
      if (covered && item.nattributes >= 2) out[n++] = {mask, item.ndistinct};
    }
  }
  list_free(stats);
  return n;
}

struct Model {
  double pages;
  int height;
  double tuples;
};

Model run_model(const HypoIndex& h, const ColumnStats* stats, const KnownDistinct* known,
                int nknown, double table_tuples, double fraction) {
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
  for (int i = 0; i < nknown; ++i)
    shape.known_distinct.push_back({known[i].columns, known[i].n_distinct});
  btree_size::Estimate e = btree_size::estimate(shape);
  return Model{e.total_pages, e.tree_height, table_tuples * fraction};
}

}  // namespace

void estimate(HypoIndex* h, double table_tuples, double fraction) {
  const double planner_tuples = table_tuples;  // what a re-estimate is compared with
  ColumnStats stats[INDEX_MAX_KEYS];
  bool missing = false, wide = false, any_varlena = false;
  for (int i = 0; i < h->ncolumns; ++i) {
    missing |= !column_stats(h->relid, h->attnums[i], &stats[i]);
    wide |= stats[i].varlena && stats[i].width > kWideColumn;
    any_varlena |= stats[i].varlena;
  }
  // Values moved out of line count as 18 B toast pointers in stawidth: a varlena key on a table
  // whose TOAST table holds data is sampled too.
  if (any_varlena && !wide && !missing) wide = toast_has_data(h->relid);
  HeapTuple classtup = SearchSysCache1(RELOID, ObjectIdGetDatum(h->relid));
  double reltuples = -1, relpages = 0;
  if (HeapTupleIsValid(classtup)) {
    auto* form = reinterpret_cast<Form_pg_class>(GETSTRUCT(classtup));
    reltuples = form->reltuples;
    relpages = form->relpages;
    ReleaseSysCache(classtup);
  }
  // Widths, NULLs and (never vacuumed nor analysed) the row count from the heap itself.
  bool empty = false;  // no pages: nothing ANALYZE could add, so no NOTICE
  if (missing || wide) {
    HeapSample sample;
    bool sampled = sample_heap(h->relid, h->attnums, h->ncolumns, &sample);
    empty = sampled && sample.pages == 0;
    if (sampled && sample.rows > 0) {
      for (int i = 0; i < h->ncolumns; ++i) {
        double nonnull = sample.rows - sample.nulls[i];
        if (missing) stats[i].null_frac = sample.nulls[i] / sample.rows;
        if (stats[i].varlena && nonnull > 0) {
          stats[i].width = sample.width_sum[i] / nonnull;
          stats[i].align = stats[i].width <= 126 ? 1 : stats[i].type_align;
        }
      }
      if (reltuples < 0) table_tuples = sample.rows / sample.sampled_pages * sample.pages;
    }
  }
  if (missing && !empty && table_tuples >= 1) {
    warn_statistics(h->relid, true);
  } else if (!missing && stale(h->relid, reltuples, relpages)) {
    warn_statistics(h->relid, false);
  }
  KnownDistinct known[kMaxKnown];
  int nknown = h->nkeycolumns >= 2 ? known_distinct(*h, known) : 0;
  Model m = guarded("azora_opt advisor size estimate",
                    [&] { return run_model(*h, stats, known, nknown, table_tuples, fraction); });
  h->pages = static_cast<BlockNumber>(std::min(m.pages, static_cast<double>(MaxBlockNumber)));
  h->tree_height = m.height;
  h->index_tuples = m.tuples;
  h->estimated_tuples = planner_tuples;
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
