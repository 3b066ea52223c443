// client_query_bench.cpp — the client library's query and pool paths, side by side in one run:
//   * 100 small queries: pipelined (one round trip) vs sequential, over the unix socket and TCP
//   * page 1000 of 20: keyset (cursor) vs offset, on a 100 000-row table
//   * pool acquire + release, uncontended (with and without the lease-time health check)
// Prints the ratios at the end. Run inside a cluster:
//   scripts/cluster.sh -- build/test/bench/client_query_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "azora/pagination.hpp"
#include "azora/pipeline.hpp"
#include "azora/pool.hpp"
#include "test_env.hpp"

namespace {

constexpr int kQueries = 100;

std::string conninfo_for(int tcp) {
  return tcp ? azora::test::pg_tcp_conninfo() : azora::test::pg_conninfo();
}

// range(1): 1 = each query through Connection::exec_prepared (parsed and planned once), the
// fair baseline for the pipeline, which prepares repeated statements too.
void BM_Sequential100(benchmark::State& state) {
  azora::Connection conn(conninfo_for(static_cast<int>(state.range(0))));
  const bool prepared = state.range(1) != 0;
  for (auto _ : state) {
    for (int i = 0; i < kQueries; i++) {
      const std::vector<azora::Param> params = {std::to_string(i)};
      benchmark::DoNotOptimize(prepared ? conn.exec_prepared("SELECT $1::int + 1", params)
                                        : conn.exec_params("SELECT $1::int + 1", params));
    }
  }
  state.SetItemsProcessed(state.iterations() * kQueries);
}
BENCHMARK(BM_Sequential100)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"tcp", "prepared"})
    ->Unit(benchmark::kMicrosecond);

// range(1): 0 = Sync::each (independent statements), 1 = Sync::once (the default: one implicit
// transaction, one flush).
void BM_Pipelined100(benchmark::State& state) {
  azora::Connection conn(conninfo_for(static_cast<int>(state.range(0))));
  const auto sync = state.range(1) ? azora::Pipeline::Sync::once : azora::Pipeline::Sync::each;
  for (auto _ : state) {
    azora::Pipeline p(conn, sync);
    for (int i = 0; i < kQueries; i++) p.add("SELECT $1::int + 1", {std::to_string(i)});
    std::vector<azora::PipelineOutcome> out = p.run();
    if (!out.back().ok()) state.SkipWithError("pipeline failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kQueries);
}
BENCHMARK(BM_Pipelined100)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"tcp", "sync_once"})
    ->Unit(benchmark::kMicrosecond);

// Page 1000 of 20 on a 100k-row table, ordered by the primary key.
struct Listings {
  azora::Connection conn{azora::test::pg_conninfo()};
  azora::CursorCodec codec{"benchmark-cursor-key-0123456789"};
  azora::Listing listing;
  std::string cursor_page_1000;
  Listings() {
    conn.exec(
        "DROP TABLE IF EXISTS bench_items;"
        "CREATE TABLE bench_items(id int PRIMARY KEY, name text NOT NULL, price numeric);"
        "INSERT INTO bench_items SELECT g, 'item ' || g, g % 1000 FROM "
        "generate_series(1, 100000) g");
    conn.exec("VACUUM ANALYZE bench_items");  // not in the multi-statement string (a transaction)
    listing.table = "bench_items";
    listing.columns = {"id", "name", "price"};
    listing.order_by = {"id"};
    // The cursor a client holds after page 999: walk there once.
    std::string cursor;
    for (int page = 1; page < 1000; page++)
      cursor = azora::paginate_keyset(conn, listing, codec, cursor, 20).next_cursor;
    cursor_page_1000 = cursor;
  }
};
Listings& listings() {
  static Listings l;
  return l;
}

void BM_OffsetPage1000(benchmark::State& state) {
  Listings& l = listings();
  for (auto _ : state) {
    azora::OffsetPage p = azora::paginate_offset(l.conn, l.listing, 1000, 20);
    if (p.data.rows() != 20 || p.data.value(0, 0) != "19981") state.SkipWithError("wrong page");
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_OffsetPage1000)->Unit(benchmark::kMicrosecond);

void BM_KeysetPage1000(benchmark::State& state) {
  Listings& l = listings();
  for (auto _ : state) {
    azora::KeysetPage p =
        azora::paginate_keyset(l.conn, l.listing, l.codec, l.cursor_page_1000, 20);
    if (p.data.rows() != 20 || p.data.value(0, 0) != "19981") state.SkipWithError("wrong page");
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_KeysetPage1000)->Unit(benchmark::kMicrosecond);

void BM_PoolAcquireRelease(benchmark::State& state) {
  azora::PoolOptions o;
  o.conninfo = azora::test::pg_conninfo();
  o.health_check = state.range(0) != 0;
  azora::Pool pool(o);
  for (auto _ : state) {
    azora::Lease l = pool.acquire();
    benchmark::DoNotOptimize(l);
  }
}
BENCHMARK(BM_PoolAcquireRelease)->Arg(1)->Arg(0)->ArgName("health_check");

// Collects each benchmark's time per iteration (ns) to print the ratios after the table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(OO_Tabular) {}  // no colour codes in logs
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs)
      if (!r.error_occurred)
        ns[r.benchmark_name()] =
            r.GetAdjustedRealTime() * (r.time_unit == benchmark::kMicrosecond ? 1e3 : 1.0);
  }
  std::map<std::string, double> ns;
};

void ratio(const RatioReporter& r, const char* label, const std::string& slow,
           const std::string& fast, double target) {
  // With --benchmark_repetitions, compare the medians.
  auto find = [&r](const std::string& name) {
    auto it = r.ns.find(name + "_median");
    return it != r.ns.end() ? it : r.ns.find(name);
  };
  auto s = find(slow), f = find(fast);
  if (s == r.ns.end() || f == r.ns.end()) return;
  const double x = s->second / f->second;
  std::printf("%-56s %6.1fx  (target >= %.0fx: %s)\n", label, x, target,
              x >= target ? "met" : "NOT met");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nratios (same run):\n");
  for (const char* tcp : {"0", "1"})
    for (const char* once : {"1", "0"})
      for (const char* prep : {"1", "0"}) {
        const std::string label =
            std::string("pipelined vs sequential") + (*prep == '1' ? " prepared, " : ", ") +
            (*tcp == '1' ? "tcp" : "unix") + (*once == '1' ? ", sync once" : ", sync each");
        ratio(reporter, label.c_str(),
              std::string("BM_Sequential100/tcp:") + tcp + "/prepared:" + prep,
              std::string("BM_Pipelined100/tcp:") + tcp + "/sync_once:" + once, 5);
      }
  ratio(reporter, "keyset vs offset, page 1000 of 20", "BM_OffsetPage1000", "BM_KeysetPage1000",
        10);
  for (const char* name :
       {"BM_PoolAcquireRelease/health_check:1", "BM_PoolAcquireRelease/health_check:0"}) {
    auto it = reporter.ns.find(std::string(name) + "_median");
    if (it == reporter.ns.end()) it = reporter.ns.find(name);
    if (it != reporter.ns.end())
      std::printf("%-56s %6.0f ns (target <= 1000 ns: %s)\n", name, it->second,
                  it->second <= 1000 ? "met" : "NOT met");
  }
  benchmark::Shutdown();
  return 0;
}
