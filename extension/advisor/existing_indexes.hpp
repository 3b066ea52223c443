// advisor/existing_indexes.hpp — a table's real btree indexes that an advised index may make
// redundant (its keys a leading prefix of the advised one's), and the DROP that removes one.
#pragma once

#include "advisor/hypo_store.hpp"
#include "pg.hpp"

namespace azora::advisor {

struct ExistingIndex {
  Oid oid;
  int nkeys;
  AttrNumber keys[INDEX_MAX_KEYS];
  int flags[INDEX_MAX_KEYS];  // index_selection::KeyFlag direction and NULLS bits per key
  int ninclude;
  AttrNumber include[INDEX_MAX_KEYS];
  double bytes;
  HypoIndex shape;  // relid, columns, pages, tree_height, index_tuples: for the upkeep model
};

// The indexes of `relid` a wider index may replace: btree, valid and ready, not unique (so no
// primary key, unique constraint or foreign key's target), no exclusion constraint, not the
// replica identity, no expression or predicate, every key with its type's default operator
// class and the column's collation, not a partition's index attached to a partitioned one nor
// a partitioned index itself. Palloc'd; C style (ereport).
int droppable_indexes(Oid relid, ExistingIndex** out);

// "DROP INDEX CONCURRENTLY schema.name", quoted.
char* drop_index_ddl(Oid index);

}  // namespace azora::advisor
