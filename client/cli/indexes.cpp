// indexes.cpp — `azora-opt indexes --unused|--redundant`: existing indexes that are dead weight,
// from the index advisor's reports (docs/extension/advisor.md), each with a ready DROP statement.
#include "commands.hpp"
#include "output.hpp"
#include "table.hpp"

namespace azora::cli {

int indexes(Context& ctx) {
  bool unused = ctx.args().flag("--unused");
  bool redundant = ctx.args().flag("--redundant");
  ctx.args().positional();
  if (unused == redundant) throw UsageError("indexes needs exactly one of --unused, --redundant");
  // Text: sizes pretty-printed; JSON: every column with raw bytes.
  const bool text = ctx.format() == Format::kText;
  std::string sql;
  if (!text) {
    sql = unused ? "SELECT * FROM azora_opt.unused_indexes()"
                 : "SELECT * FROM azora_opt.redundant_indexes()";
  } else if (unused) {
    sql =
        "SELECT index::text AS index, relation::text AS relation, "
        "pg_size_pretty(index_bytes) AS size, idx_scan, drop_ddl, reason "
        "FROM azora_opt.unused_indexes()";
  } else {
    sql =
        "SELECT index::text AS index, relation::text AS relation, "
        "pg_size_pretty(index_bytes) AS size, covered_by::text AS covered_by, drop_ddl, reason "
        "FROM azora_opt.redundant_indexes()";
  }
  Result r = ctx.primary().exec(sql);
  if (text) {
    print_table(r, stdout, 80);
  } else {
    print_result(r, ctx.format());
  }
  return 0;
}

}  // namespace azora::cli
