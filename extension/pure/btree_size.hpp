// btree_size.hpp — the size model of a freshly built btree index: leaf pages, internal pages,
// total bytes and tree height, from planner statistics alone.
//
// PostgreSQL-free so GoogleTest can check it against real indexes (test/unit/btree_size_test.cpp,
// figures from test/bench/btree_size_measure.sh); the advisor (extension/advisor/) feeds it
// reltuples and pg_statistic's per-column width, null fraction and distinct count.
//
// Why a simulation and not a formula: CREATE INDEX builds a btree bottom-up (nbtsort.c), and the
// size is decided by its page-filling rule, not by an average load factor:
//  * a page (8192 B) has a 24 B header and 16 B of btree special space; each item costs a 4 B
//    line pointer plus its MAXALIGNed tuple (8 B header + aligned column data, plus a null
//    bitmap rounded up to 8 B when a column is NULL);
//  * a leaf page is closed when its free space would fall below (100 - fillfactor) % of the page
//    (819 B at the default 90) or the next item (plus 8 B reserve for a heap TID) no longer fits;
//    internal pages are packed to 70 %; the last item of a closed page moves to the next page
//    and a truncated copy becomes the closed page's high key;
//  * since PostgreSQL 13 a non-unique index without INCLUDE columns whose opclasses allow it
//    (not numeric or float) merges equal keys into posting-list tuples (6 B per heap TID, at
//    most 812 B per tuple during a build): a low-cardinality column is several times smaller
//    than one tuple per row, which is where HypoPG's estimate is furthest off;
//  * every closed page adds a pivot tuple (its high key, truncated to the key columns that tell
//    it from its right neighbour) to the level above, until one page is left: the root. One
//    meta page comes first.
// Varlena widths are averages, so where a column's start or the tuple's end follows a
// variable-width value we charge the mean alignment padding ((align - 1) / 2) instead of an
// exact round-up. The leaf stream is periodic, so a bounded prefix is simulated and scaled.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace azora {
namespace btree_size {

constexpr double kBlockSize = 8192;         // BLCKSZ
constexpr double kPageHeader = 24;          // SizeOfPageHeaderData
constexpr double kSpecial = 16;             // MAXALIGN(sizeof(BTPageOpaqueData))
constexpr double kItemId = 4;               // sizeof(ItemIdData)
constexpr double kTupleHeader = 8;          // sizeof(IndexTupleData)
constexpr double kMaxAlign = 8;             // MAXIMUM_ALIGNOF on x86-64
constexpr double kHeapTid = 6;              // sizeof(ItemPointerData)
constexpr int kDefaultLeafFillfactor = 90;  // BTREE_DEFAULT_FILLFACTOR
constexpr int kInternalFillfactor = 70;     // BTREE_NONLEAF_FILLFACTOR
// nbtsort.c caps a posting-list tuple during a build at MAXALIGN_DOWN(BLCKSZ / 10) - ItemId.
constexpr double kMaxPostingBytes = 816 - kItemId;
// Index tuples simulated per stream segment before scaling (the stream is periodic).
constexpr double kSimulatedTuples = 60000;
// BTMaxItemSize for 8 kB pages: a larger tuple cannot be indexed, so no estimate uses one.
constexpr double kMaxItemBytes = 2704;

// One index column as the planner sees it.
struct Column {
  double avg_width = 4;   // stored bytes per non-null value (pg_statistic.stawidth or typlen)
  int align = 4;          // 1, 2, 4 or 8 (typalign; a short varlena is stored unaligned: 1)
  bool varlena = false;   // width differs between rows, so alignment after it is on average
  double null_frac = 0;   // pg_statistic.stanullfrac
  double n_distinct = 0;  // > 0 a count, < 0 minus a fraction of the rows, 0 unknown (unique)
};

struct IndexShape {
  double reltuples = 0;         // heap rows (pg_class.reltuples), the index has one per row
  std::vector<Column> keys;     // key columns in index order
  std::vector<Column> include;  // INCLUDE columns (leaf tuples only, never deduplicated)
  int fillfactor = kDefaultLeafFillfactor;
  bool deduplicate = true;        // every key opclass is equalimage and deduplicate_items on
  bool unique = false;            // unique indexes are never deduplicated by a build
  double partial_fraction = 1.0;  // rows that pass a partial index's predicate
  // Distinct counts of sets of key columns measured together (pg_statistic_ext's ndistinct,
  // CREATE STATISTICS ... (ndistinct)): bit i of `columns` is key column i. Where a set is not
  // covered, the columns are taken as independent.
  struct KnownDistinct {
    std::uint32_t columns = 0;
    double n_distinct = 0;  // over all rows, as pg_statistic_ext_data stores it
  };
  std::vector<KnownDistinct> known_distinct;
};

struct Estimate {
  double leaf_tuples = 0;  // index tuples on leaf pages after deduplication
  double leaf_pages = 0;
  double total_pages = 0;  // meta page + every level
  double bytes = 0;        // total_pages * BLCKSZ
  int tree_height = 0;     // levels above the leaves (btm_level of the root; 0 = root is a leaf)
};

namespace detail {

inline double maxalign(double n) {
  return std::ceil(n / kMaxAlign) * kMaxAlign;
}

// Lays columns out after the tuple header; returns the expected MAXALIGNed tuple size.
// `uncertain` tracks whether the running offset follows a variable-width value.
inline double tuple_size(double header, const std::vector<const Column*>& cols) {
  double offset = header;
  bool uncertain = false;
  for (const Column* c : cols) {
    double a = std::max(1, c->align);
    if (uncertain) {
      offset += (a - 1) / 2;
    } else {
      offset = std::ceil(offset / a) * a;
    }
    offset += c->avg_width;
    uncertain = uncertain || c->varlena;
  }
  double size = uncertain ? offset + (kMaxAlign - 1) / 2 : maxalign(offset);
  return std::min(size, kMaxItemBytes);
}

// Statistics as they come (a never-analysed table, a hand-written test) made safe to model:
// finite, in range, and no tuple wider than btree accepts.
inline Column sane(Column c) {
  auto finite_or = [](double v, double fallback) { return std::isfinite(v) ? v : fallback; };
  c.avg_width = std::clamp(finite_or(c.avg_width, 4), 0.0, kMaxItemBytes);
  c.align = c.align >= 8 ? 8 : c.align >= 4 ? 4 : c.align >= 2 ? 2 : 1;
  c.null_frac = std::clamp(finite_or(c.null_frac, 0), 0.0, 1.0);
  c.n_distinct = std::max(-1.0, finite_or(c.n_distinct, 0));
  return c;
}

// Distinct non-null values of a column over the whole table.
inline double distinct_count(const Column& c, double rows) {
  double nonnull = rows * (1 - c.null_frac);
  if (c.n_distinct > 0) return std::min(c.n_distinct, std::max(1.0, nonnull));
  if (c.n_distinct < 0) return std::clamp(-c.n_distinct * rows, 1.0, std::max(1.0, nonnull));
  return std::max(1.0, nonnull);  // unknown: assume no duplicates (the larger index)
}

// Of `distinct` values each held by `total / distinct` rows, how many a random `subset` of
// those rows holds: distinct * (1 - (1 - q)^(rows per value)). A unique column keeps one per
// row; a column of few values keeps them all.
inline double distinct_in_subset(double distinct, double total, double subset) {
  if (subset >= total || total <= 0) return distinct;
  double q = std::clamp(subset / total, 0.0, 1.0);
  double per_value = std::max(1.0, total / distinct);
  return std::clamp(distinct * -std::expm1(per_value * std::log1p(-q)), 1.0, std::max(1.0, subset));
}

// Distinct combinations of the key columns in `mask` among `segment` rows, a random share of
// the table's `rows` in which all of those columns are non-null. A set covered by extended
// statistics counts as measured; the rest are independent factors, and `segment` rows drawn
// from D equally likely combinations hold D * (1 - exp(-segment / D)) of them (the expected
// number of occupied bins). Independent is the larger index: correlated columns without
// extended statistics are over-estimated, never under (docs/extension/advisor.md).
inline double combinations(const IndexShape& shape, std::uint32_t mask, double rows,
                           double segment) {
  if (mask == 0 || segment < 1) return 1;
  struct Factor {
    double distinct, nonnull;
  };
  std::vector<Factor> factors;
  std::uint32_t left = mask;
  // The widest measured set inside the mask first (the planner's estimate_multivariate_ndistinct
  // does the same), then single columns.
  const IndexShape::KnownDistinct* best = nullptr;
  int best_bits = 1;
  for (const auto& k : shape.known_distinct) {
    int bits = __builtin_popcount(k.columns);
    if ((k.columns & ~mask) == 0 && bits > best_bits && k.n_distinct > 0 &&
        std::isfinite(k.n_distinct)) {
      best = &k;
      best_bits = bits;
    }
  }
  if (best != nullptr) {
    double nonnull = rows;
    for (std::size_t i = 0; i < shape.keys.size() && i < 32; ++i)
      if (best->columns & (1u << i)) nonnull *= 1 - shape.keys[i].null_frac;
    factors.push_back(
        {std::clamp(best->n_distinct, 1.0, std::max(1.0, rows)), std::max(1.0, nonnull)});
    left &= ~best->columns;
  }
  for (std::size_t i = 0; i < shape.keys.size() && i < 32; ++i) {
    if (!(left & (1u << i))) continue;
    const Column& c = shape.keys[i];
    factors.push_back({distinct_count(c, rows), std::max(1.0, rows * (1 - c.null_frac))});
  }
  double product = 1, largest = 1;
  for (const Factor& f : factors) {
    double d = distinct_in_subset(f.distinct, f.nonnull, segment);
    product *= d;
    largest = std::max(largest, d);
  }
  if (factors.size() == 1) return std::min(largest, segment);
  double occupied = product * -std::expm1(-segment / product);
  return std::clamp(occupied, std::min(largest, segment), segment);
}

// nbtsort.c's page-filling rule for one level, fed item by item.
class PagePacker {
 public:
  PagePacker(bool leaf, int fillfactor)
      : leaf_(leaf), full_below_(std::floor(kBlockSize * (100 - fillfactor) / 100)) {
    start_page();
  }

  void add(double size, double truncextra) {
    double free_space = std::max(0.0, free_ - kItemId);  // PageGetFreeSpace
    bool full = free_space < size + (leaf_ ? maxalign(kHeapTid) : 0) ||
                (free_space + last_extra_ < full_below_ && items_ >= 2);
    if (full) {
      ++closed_;
      start_page();
      place(last_size_);  // the last item moves right; its truncated copy is the high key
    }
    place(size);
    last_size_ = size;
    last_extra_ = truncextra;
  }
  // Closed pages plus the used share of the open one.
  double pages() const {
    double usable = kBlockSize - kPageHeader - kSpecial - kItemId;
    return closed_ + (items_ > 0 ? std::min(1.0, (usable - free_) / usable) : 0);
  }
  double closed() const { return closed_; }
  bool open_page_used() const { return items_ > 0; }

 private:
  void start_page() {
    free_ = kBlockSize - kPageHeader - kSpecial - kItemId;  // the high key's line pointer
    items_ = 0;
  }
  void place(double size) {
    // The first data item of an internal page is stored as "minus infinity": a bare header.
    if (!leaf_ && items_ == 0) size = kTupleHeader;
    free_ -= size + kItemId;
    ++items_;
  }

  bool leaf_;
  double full_below_;
  double free_ = 0;
  int items_ = 0;
  double closed_ = 0;
  double last_size_ = 0;
  double last_extra_ = 0;
};

// One run of index tuples with the same shape: `rows` heap TIDs in groups of equal keys of
// `group` rows each (1 = all distinct), tuples of `tuple` bytes on average.
struct Segment {
  double rows;
  double group;
  double tuple;
  bool dedup;
};

// A real tuple is a multiple of 8 B, so an average size between two multiples is a mix of the
// two: this keeps the page-filling rule's thresholds (a posting tuple just under 812 B, a page
// holding 9 or 8 of them) as sharp as they are in a real build.
struct SizeMix {
  double lo, hi, p_hi;
  explicit SizeMix(double mean)
      : lo(std::floor(mean / kMaxAlign) * kMaxAlign),
        hi(lo + kMaxAlign),
        p_hi((mean - lo) / kMaxAlign) {}
};

inline double posting_capacity(double key_part) {
  double tids = std::floor((kMaxPostingBytes - key_part) / kHeapTid);
  while (tids > 1 && key_part + maxalign(tids * kHeapTid) > kMaxPostingBytes) --tids;
  return std::max(1.0, tids);
}

// Feeds up to kSimulatedTuples of a segment into a fresh packer and scales the page count.
inline double leaf_pages(const Segment& s, int fillfactor, double* tuples_out) {
  if (s.rows <= 0) return 0;
  PagePacker packer(true, fillfactor);
  SizeMix mix(s.tuple);
  double rows_done = 0, tuples = 0, carry = 0, carry_hi = 0;
  while (rows_done < s.rows && tuples < kSimulatedTuples) {
    // Groups alternate between floor and ceil of the mean size to keep the mean exact; so do
    // the two tuple sizes of the mix.
    double g = s.dedup ? std::floor(carry + s.group) - std::floor(carry) : 1;
    carry += s.group;
    g = std::max(1.0, std::min(g, s.rows - rows_done));
    double key = std::floor(carry_hi + mix.p_hi) > std::floor(carry_hi) ? mix.hi : mix.lo;
    carry_hi += mix.p_hi;
    double max_tids = s.dedup ? posting_capacity(key) : 1;
    for (double left = g; left > 0;) {
      double tids = std::min(left, max_tids);
      if (tids >= 2) {
        // A posting tuple is the MAXALIGNed key part plus 6 B per TID, MAXALIGNed, <= 812 B.
        double posting = maxalign(tids * kHeapTid);
        packer.add(key + posting, posting);
      } else {
        packer.add(key, 0);
      }
      left -= tids;
      ++tuples;
    }
    rows_done += g;
  }
  double scale = rows_done > 0 ? s.rows / rows_done : 1;
  *tuples_out += tuples * scale;
  return packer.pages() * scale;
}

// Pages of one internal level holding `items` pivots of `pivot` bytes; exact up to the cap.
inline double internal_pages(double items, double pivot) {
  PagePacker packer(false, kInternalFillfactor);
  double n = std::min(items, kSimulatedTuples);
  for (double i = 0; i < n; ++i) packer.add(pivot, 0);
  if (n == items) return packer.closed() + (packer.open_page_used() ? 1 : 0);
  return std::ceil(packer.pages() * items / n);
}

// Expected size of a pivot (high key): the shortest key prefix that tells the two tuples at a
// page boundary apart, or the whole key plus a heap TID when they are equal.
// Adjacent leaf tuples are compared, so after deduplication (one posting tuple per group of
// equal keys) `tuples` is the leaf tuple count, not the row count.
inline double pivot_size(const IndexShape& shape, double rows, double tuples) {
  double size = 0, p_decided = 0;
  std::vector<const Column*> prefix;
  std::uint32_t mask = 0;
  for (const Column& c : shape.keys) {
    if (prefix.size() < 32) mask |= 1u << prefix.size();
    prefix.push_back(&c);
    double combos = combinations(shape, mask, rows, rows);
    double p_differ = std::max(p_decided, std::min(1.0, combos / std::max(1.0, tuples)));
    size += (p_differ - p_decided) * tuple_size(kTupleHeader, prefix);
    p_decided = p_differ;
  }
  size += (1 - p_decided) * (tuple_size(kTupleHeader, prefix) + maxalign(kHeapTid));
  return size;
}

}  // namespace detail

inline Estimate estimate(const IndexShape& raw) {
  Estimate e;
  IndexShape shape = raw;
  for (Column& c : shape.keys) c = detail::sane(c);
  for (Column& c : shape.include) c = detail::sane(c);
  shape.fillfactor = std::clamp(shape.fillfactor, 10, 100);
  double fraction = std::isfinite(shape.partial_fraction) ? shape.partial_fraction : 1.0;
  double tuples = std::isfinite(shape.reltuples) ? shape.reltuples : 0.0;
  double rows = std::max(0.0, tuples * std::clamp(fraction, 0.0, 1.0));
  if (rows < 1 || shape.keys.empty()) {
    e.total_pages = 1;  // an empty btree is its meta page
    e.bytes = kBlockSize;
    return e;
  }
  bool dedup = shape.deduplicate && !shape.unique && shape.include.empty();

  // One segment per pattern of NULLs: a row with a NULL carries a null bitmap (the data starts
  // at 16 B instead of 8) and no bytes for its NULL columns, and deduplication takes NULLs as
  // equal to each other (nbtdedup.c compares datum images, _bt_keep_natts_fast), so rows whose
  // key columns are all NULL are one group, while (NULL, 5) and (NULL, 7) are two. The first
  // kMaxNullPatternColumns nullable columns are enumerated; any further one is charged its
  // mean width and a bitmap on every row.
  constexpr std::size_t kMaxNullPatternColumns = 6;
  struct Slot {
    const Column* column;
    int key;  // index among the key columns, -1 for an INCLUDE column
  };
  std::vector<Slot> slots;
  for (std::size_t i = 0; i < shape.keys.size(); ++i)
    slots.push_back({&shape.keys[i], static_cast<int>(i)});
  for (const Column& c : shape.include) slots.push_back({&c, -1});
  std::vector<std::size_t> nullable;
  std::vector<Column> averaged(slots.size());
  bool overflow_nulls = false;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    averaged[i] = *slots[i].column;
    if (averaged[i].null_frac <= 0) continue;
    if (nullable.size() < kMaxNullPatternColumns) {
      nullable.push_back(i);
    } else {
      averaged[i].avg_width *= 1 - averaged[i].null_frac;
      overflow_nulls = true;
    }
  }
  double leaf = 0;
  for (std::uint32_t pattern = 0; pattern < (1u << nullable.size()); ++pattern) {
    double p = 1;
    std::vector<bool> is_null(slots.size(), false);
    for (std::size_t j = 0; j < nullable.size(); ++j) {
      double nf = averaged[nullable[j]].null_frac;
      bool null = pattern & (1u << j);
      is_null[nullable[j]] = null;
      p *= null ? nf : 1 - nf;
    }
    double segment_rows = rows * p;
    if (segment_rows <= 0) continue;
    std::vector<const Column*> present;
    std::uint32_t key_mask = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (is_null[i]) continue;
      present.push_back(&averaged[i]);
      if (slots[i].key >= 0 && slots[i].key < 32) key_mask |= 1u << slots[i].key;
    }
    double header =
        pattern != 0 || overflow_nulls ? detail::maxalign(kTupleHeader + 1) : kTupleHeader;
    double combos = detail::combinations(shape, key_mask, rows, segment_rows);
    detail::Segment seg{segment_rows, std::max(1.0, segment_rows / std::max(1.0, combos)),
                        detail::tuple_size(header, present), dedup};
    leaf += detail::leaf_pages(seg, shape.fillfactor, &e.leaf_tuples);
  }
  e.leaf_pages = std::max(1.0, std::ceil(leaf - 1e-9));
  e.total_pages = 1 + e.leaf_pages;
  double level = e.leaf_pages, pivot = detail::pivot_size(shape, rows, e.leaf_tuples);
  while (level > 1) {
    level = detail::internal_pages(level, pivot);
    e.total_pages += level;
    ++e.tree_height;
  }
  e.bytes = e.total_pages * kBlockSize;
  return e;
}

}  // namespace btree_size
}  // namespace azora
