// advisor/index_ddl.cpp — the CREATE INDEX statement of a candidate index (index_ddl.hpp).
#include "advisor/index_ddl.hpp"

namespace azora::advisor {
namespace {

namespace sel = index_selection;

// A key column's declaration after its name: the pattern operator class a LIKE prefix needs
// under a non-C collation, then the direction and NULLS placement where they differ from
// ASC NULLS LAST (NULLS is spelled out only where it differs from the direction's default).
const char* key_options(Oid relid, int attnum, int flags) {
  const char* opclass = "";
  if (flags & sel::kPatternOps) {
    opclass = get_atttype(relid, static_cast<AttrNumber>(attnum)) == BPCHAROID
                  ? " bpchar_pattern_ops"
                  : " text_pattern_ops";
  }
  bool descending = (flags & sel::kDescending) != 0;
  bool nulls_first = (flags & sel::kNullsFirst) != 0;
  const char* nulls = nulls_first == descending ? "" : nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return psprintf("%s%s%s", opclass, descending ? " DESC" : "", nulls);
}

}  // namespace

char* index_ddl(const sel::Index& index, bool concurrently) {
  Oid relid = index.table;
  if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE) concurrently = false;
  const std::vector<int>& columns = index.columns;
  const std::vector<int>& include = index.include;
  StringInfoData buf;
  initStringInfo(&buf);
  appendStringInfo(&buf, "CREATE INDEX %sON %s (", concurrently ? "CONCURRENTLY " : "",
                   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                              get_rel_name(relid)));
  for (size_t i = 0; i < columns.size(); ++i) {
    appendStringInfo(
        &buf, "%s%s%s", i > 0 ? ", " : "",
        quote_identifier(get_attname(relid, static_cast<AttrNumber>(columns[i]), false)),
        key_options(relid, columns[i], index.flag(i)));
  }
  appendStringInfoChar(&buf, ')');
  for (size_t i = 0; i < include.size(); ++i) {
    appendStringInfo(
        &buf, "%s%s", i > 0 ? ", " : " INCLUDE (",
        quote_identifier(get_attname(relid, static_cast<AttrNumber>(include[i]), false)));
  }
  if (!include.empty()) appendStringInfoChar(&buf, ')');
  return buf.data;
}

}  // namespace azora::advisor
