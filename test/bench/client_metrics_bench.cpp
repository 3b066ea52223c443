// client_metrics_bench.cpp — what metrics cost on the hot paths, per query and per response:
//   * QueryTimer::time around a query that does nothing (two clock reads + recording)
//   * QueryTimer::record of a measured duration (by operation and table)
//   * the timer's observer (what a Pool with a timer pays per statement: SQL -> labels memo)
//   * encode_response of a 1-byte identity body (negotiation + the response-size histogram)
// One and two threads on one timer and one registry. No server needed:
//   build/test/bench/client_metrics_bench        (or: scripts/bench.sh client_metrics)
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "azora/metrics.hpp"
#include "azora/query_timer.hpp"
#include "azora/response_encoding.hpp"

namespace {

using namespace std::chrono_literals;

const std::string kSql = "SELECT id, title, price_cents FROM courses WHERE id = $1 AND published";

struct Fixture {
  azora::metrics::Registry registry;
  azora::QueryTimer timer{[this] {
    azora::QueryTimerOptions o;
    o.registry = &registry;
    o.slow_threshold = std::chrono::hours(1);
    return o;
  }()};
  azora::QueryObserver observer = timer.observer();
};

Fixture& fixture() {
  static Fixture f;  // shared by the benchmark threads, like one timer in a server
  return f;
}

void BM_TimeQuery(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state)
    benchmark::DoNotOptimize(f.timer.time("select", "courses", kSql, [] { return 1; }));
}
BENCHMARK(BM_TimeQuery)->Threads(1)->Threads(2)->UseRealTime();

void BM_Record(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) f.timer.record("select", "courses", kSql, 1ms, nullptr);
}
BENCHMARK(BM_Record)->Threads(1)->Threads(2)->UseRealTime();

void BM_Observer(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) f.observer(kSql, 1ms, nullptr);
}
BENCHMARK(BM_Observer)->Threads(1)->Threads(2)->UseRealTime();

void BM_EncodeSmallResponse(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state)
    benchmark::DoNotOptimize(
        azora::encode_response("x", "application/json", "", {}, &f.registry).body);
}
BENCHMARK(BM_EncodeSmallResponse)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
