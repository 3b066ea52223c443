// elearning_demo.cpp — the client library on the reference workload, measured: a pooled,
// timed connection; a course list paged by offset and by keyset; 100 wallet balances
// sequentially and in one pipeline; the course list through the Redis cache; a job search
// page shaped and gzipped; and the metrics all of it produced. Used by `make demo`
// (scripts/demo/50-client-library.sh) on the tables of scripts/elearning.sql.
//
//   azora-demo [--prometheus]   (reads AZORA_PG_CONNINFO, AZORA_REDIS_HOST, AZORA_REDIS_PORT)
// --prometheus prints the whole metrics registry in exposition format at the end instead of
// the excerpt (test/sh/metrics_format.sh checks it with promtool).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "azora/cache_keys.hpp"
#include "azora/cursor.hpp"
#include "azora/pagination.hpp"
#include "azora/payload_size.hpp"
#include "azora/pipeline.hpp"
#include "azora/pool.hpp"
#include "azora/query_timer.hpp"
#include "azora/redis_cache.hpp"
#include "azora/response_encoding.hpp"
#include "azora/shaping.hpp"
#include "azora/ttl_presets.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) throw azora::UsageError(std::string(name) + " is not set (run via make demo)");
  return v;
}

// Best of `runs` wall-clock times of f, in microseconds: the least disturbed run.
template <class F>
double best_us(int runs, F&& f) {
  double best = 1e300;
  for (int i = 0; i < runs; i++) {
    auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return best;
}

void line(const char* what, double us) {
  std::printf("    %-52s %10.1f us\n", what, us);
}

}  // namespace

int main(int argc, char** argv) try {
  const bool prometheus = argc > 1 && std::string(argv[1]) == "--prometheus";
  azora::metrics::Registry registry;
  azora::QueryTimerOptions timer_options;
  timer_options.registry = &registry;
  azora::QueryTimer timer(timer_options);

  azora::PoolOptions pool_options;
  pool_options.conninfo = env("AZORA_PG_CONNINFO");
  pool_options.timer = &timer;  // every query below is timed by (operation, table)
  pool_options.registry = &registry;
  azora::Pool pool(pool_options);
  azora::Lease db = pool.acquire();
  azora::PoolStats ps = pool.stats();
  std::printf("  pool: %zu open, %zu leased, %zu idle (min 5, max 20)\n", ps.total, ps.active,
              ps.idle);

  // 1. The course list, page 50 of 20: OFFSET reads and throws away 980 rows; keyset seeks.
  // The seed's course list: each course with its instructor (a join; "id" needs qualifying).
  azora::Listing courses;
  courses.table = "course_list";
  courses.from = "courses c JOIN users u ON u.id = c.instructor_id";
  courses.expressions = {{"id", "c.id"}, {"instructor", "u.name"}};
  courses.columns = {"id", "title", "category", "price_cents", "instructor"};
  courses.order_by = {"id"};
  courses.filter = "c.published";
  azora::CursorCodec codec("demo-secret-key-0123456789");
  std::string cursor;
  for (int page = 1; page < 50; page++)
    cursor = azora::paginate_keyset(*db, courses, codec, cursor, 20, &timer).next_cursor;
  std::string offset_first, keyset_first;
  double offset_us = best_us(5, [&] {
    offset_first = std::string(azora::paginate_offset(*db, courses, 50, 20).data.value(0, 0));
  });
  double keyset_us = best_us(5, [&] {
    keyset_first =
        std::string(azora::paginate_keyset(*db, courses, codec, cursor, 20).data.value(0, 0));
  });
  std::printf("  course list, page 50 of 20 (both start at course %s / %s):\n",
              offset_first.c_str(), keyset_first.c_str());
  line("offset pagination", offset_us);
  line("keyset pagination (encrypted cursor)", keyset_us);
  std::printf("    keyset is %.1fx faster; a tampered cursor is refused: ", offset_us / keyset_us);
  try {
    std::string bad = cursor;
    bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
    azora::paginate_keyset(*db, courses, codec, bad, 20);
    std::printf("NOT REFUSED\n");
  } catch (const azora::InvalidCursor& e) {
    std::printf("%s\n", e.what());
  }

  // 2. 100 wallet balances: 100 round trips, or one pipeline.
  const std::string balance_sql = "SELECT balance FROM wallets WHERE user_id = $1";
  double sequential_us = best_us(3, [&] {
    for (int u = 1; u <= 100; u++) db->exec_prepared(balance_sql, {std::to_string(u)});
  });
  double pipelined_us = best_us(3, [&] {
    azora::Pipeline batch(*db);
    for (int u = 1; u <= 100; u++) batch.add(balance_sql, {std::to_string(u)});
    for (auto& outcome : batch.run()) outcome.value();
  });
  std::printf("  100 wallet balances:\n");
  line("sequential (prepared, 100 round trips)", sequential_us);
  line("pipelined (one round trip)", pipelined_us);
  std::printf("    pipelined is %.1fx faster\n", sequential_us / pipelined_us);

  // 3. The course list through Redis (cache-aside), then invalidated by pattern.
  azora::RedisCacheOptions cache_options;
  cache_options.host = env("AZORA_REDIS_HOST");
  cache_options.port = std::stoi(env("AZORA_REDIS_PORT"));
  cache_options.metrics = &registry;
  azora::RedisCache cache(cache_options);
  const std::string key = azora::keys::course_list(1, 20);
  auto load = [&] {
    azora::Result rows = db->exec_prepared(
        "SELECT c.id, c.title, c.rating, u.name AS instructor, "
        "(SELECT count(*) FROM enrollments e WHERE e.course_id = c.id) AS students "
        "FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.published "
        "ORDER BY c.rating DESC NULLS LAST, c.id LIMIT 20",
        {});
    return azora::shaping::shape_to_json(rows,
                                         azora::shaping::preset(azora::shaping::Preset::standard));
  };
  cache.del(key);
  double miss_us = best_us(1, [&] { cache.get_or_set(key, load, azora::ttl::kCourseList); });
  double hit_us = best_us(20, [&] { cache.get_or_set(key, load, azora::ttl::kCourseList); });
  std::printf("  course list via Redis (%s):\n", key.c_str());
  line("miss: query + shape + SET", miss_us);
  line("hit", hit_us);
  const azora::RedisCache::Invalidation inv =
      cache.invalidate_pattern(azora::keys::all_course_lists());
  const std::size_t removed = inv.removed;
  azora::CacheStats cs = cache.stats();
  std::printf(
      "    a hit is %.1fx faster; invalidate_pattern(\"%s\") removed %zu key(s)%s; "
      "hits %llu, misses %llu\n",
      miss_us / hit_us, azora::keys::all_course_lists().c_str(), removed,
      inv.complete ? "" : " (INCOMPLETE: Redis failed midway)",
      static_cast<unsigned long long>(cs.hits), static_cast<unsigned long long>(cs.misses));

  // 4. A 1000-row job search page: every column, shaped, shaped + gzip.
  azora::Result jobs = db->exec_prepared(
      "SELECT * FROM jobs WHERE category = $1 ORDER BY created_at DESC LIMIT 1000",
      {std::string("engineering")});
  azora::shaping::Options full;
  azora::shaping::Options shaped;
  shaped.fields = {"id", "title", "company", "salary", "description"};
  shaped.drop_nulls = true;
  shaped.max_string_length = 40;
  std::string full_json = azora::shaping::shape_to_json(jobs, full);
  std::string shaped_json;
  double shape_us = best_us(5, [&] { shaped_json = azora::shaping::shape_to_json(jobs, shaped); });
  azora::EncodedBody gz =
      azora::encode_response(shaped_json, "application/json", "gzip, deflate, br", {}, &registry);
  std::printf("  job search, %d rows:\n", jobs.rows());
  std::printf("    %-52s %10s\n", "every column as JSON",
              azora::human_size(full_json.size()).c_str());
  std::printf("    %-52s %10s  (%.0f MB/s)\n", "5 fields, nulls dropped, strings cut at 40 bytes",
              azora::human_size(shaped_json.size()).c_str(), shaped_json.size() / shape_us);
  std::printf("    %-52s %10s  (Content-Encoding: %s)\n", "... gzipped for Accept-Encoding: gzip",
              azora::human_size(gz.body.size()).c_str(), gz.content_encoding());

  // 5. What the timer saw: every statement above, labelled without the code naming them.
  std::string text = registry.expose();
  if (prometheus) {
    std::printf("---- prometheus\n%s", text.c_str());
    return 0;
  }
  std::printf("  metrics recorded (azora_db_query_duration_seconds_count):\n");
  size_t pos = 0;
  while ((pos = text.find("azora_db_query_duration_seconds_count{", pos)) != std::string::npos) {
    size_t end = text.find('\n', pos);
    std::printf("    %s\n", text.substr(pos, end - pos).c_str());
    pos = end;
  }
  return 0;
} catch (const azora::SqlError& e) {
  std::fprintf(stderr, "azora-demo: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
  return 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "azora-demo: %s\n", e.what());
  return 1;
}
