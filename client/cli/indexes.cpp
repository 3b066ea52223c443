// indexes.cpp — `azora-opt indexes --unused|--redundant`: existing indexes that are dead weight,
// from the index advisor's reports (docs/extension/advisor.md), each with a ready DROP statement.
#include "commands.hpp"
#include "output.hpp"

namespace azora::cli {

int indexes(Context& ctx) {
  bool unused = ctx.args().flag("--unused");
  bool redundant = ctx.args().flag("--redundant");
  ctx.args().positional();
  if (unused == redundant) throw UsageError("indexes needs exactly one of --unused, --redundant");
  print_result(ctx.primary().exec(unused ? "SELECT * FROM azora_opt.unused_indexes()"
                                         : "SELECT * FROM azora_opt.redundant_indexes()"),
               ctx.format());
  return 0;
}

}  // namespace azora::cli
