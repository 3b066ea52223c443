// metrics_docs_test.cpp — docs/client/metrics.md's table of metric names against what the
// library really exposes: every family a registry holds after the timer, response encoding, a
// Redis cache and a pool have run is documented with its type and label names, and every
// documented name exists. The documentation is read from the source tree.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "azora/metrics.hpp"
#include "azora/pool.hpp"
#include "azora/query_timer.hpp"
#include "azora/redis_cache.hpp"
#include "azora/response_encoding.hpp"
#include "redis_test_util.hpp"
#include "test_env.hpp"

namespace {

using namespace std::chrono_literals;

struct Family {
  std::string type;
  std::set<std::string> labels;
  bool operator==(const Family& o) const { return type == o.type && labels == o.labels; }
};

std::ostream& operator<<(std::ostream& os, const Family& f) {
  os << f.type << " {";
  for (const std::string& l : f.labels) os << ' ' << l;
  return os << " }";
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "# TYPE name type" and the label names of each family's samples (le excepted).
std::map<std::string, Family> exposed(const std::string& text) {
  std::map<std::string, Family> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      out[name].type = type;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (out.count(name) == 0 && name.size() > std::strlen(suffix) &&
          name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        name.resize(name.size() - std::strlen(suffix));
    const auto open = line.find('{');
    if (open == std::string::npos) continue;
    // label="value",...: values are quoted, so a name is what precedes each ="
    std::size_t pos = open + 1;
    while (true) {
      const auto eq = line.find("=\"", pos);
      if (eq == std::string::npos) break;
      const std::string label = line.substr(pos, eq - pos);
      if (label != "le") out[name].labels.insert(label);
      std::size_t end = eq + 2;
      while (line[end] != '"') end += line[end] == '\\' ? 2 : 1;
      pos = end + 2;  // past the quote and the comma (or the brace)
    }
  }
  return out;
}

// The "## Names" table: | `name` (/ or , `name`) | type ... | labels or — | written by |
std::map<std::string, Family> documented(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::map<std::string, Family> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `azora_", 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) cells.push_back(trim(cell));
    if (cells.size() < 3) continue;
    Family f;
    f.type = cells[1].substr(0, cells[1].find(' '));
    std::istringstream labels(cells[2]);
    std::string label;
    while (std::getline(labels, label, ',')) {
      label = trim(label);
      label = label.substr(0, label.find(' '));  // "state (active/idle)" -> "state"
      if (!label.empty() && label != "—") f.labels.insert(label);
    }
    for (std::size_t tick = cells[0].find('`'); tick != std::string::npos;
         tick = cells[0].find('`', cells[0].find('`', tick + 1) + 1)) {
      const std::size_t end = cells[0].find('`', tick + 1);
      out[cells[0].substr(tick + 1, end - tick - 1)] = f;
    }
  }
  return out;
}

TEST(MetricsDocs, TheNamesTableMatchesWhatTheLibraryExposes) {
  azora::metrics::Registry reg;
  {
    azora::QueryTimerOptions o;
    o.registry = &reg;
    o.slow_threshold = 0ms;  // every query is slow: the slow counter is exposed too
    o.on_slow = [](const azora::SlowQuery&) {};
    azora::QueryTimer timer(o);
    timer.record("select", "courses", "SELECT 1", 1ms, nullptr);
    const std::string state = "57014";
    timer.record("select", "courses", "SELECT 1", 1ms, &state);
  }
  azora::encode_response(std::string(4096, 'x'), "application/json", "gzip", {}, &reg);
  azora::encode_response("x", "application/json", "", {}, &reg);
  azora::RedisCacheOptions co = azora::test::cache_options();
  co.metrics = &reg;
  co.name = "docs";
  azora::RedisCache cache(co);
  cache.get("absent");
  azora::PoolOptions po;
  po.conninfo = azora::test::pg_conninfo();
  po.min_size = 1;
  po.registry = &reg;
  azora::Pool pool(po);
  pool.acquire()->exec("SELECT 1");

  const std::map<std::string, Family> have = exposed(reg.expose());
  // CMake compiles this file by its absolute path: the source tree is three levels up.
  std::string doc = __FILE__;
  doc = doc.substr(0, doc.rfind("test/unit/")) + "docs/client/metrics.md";
  const std::map<std::string, Family> docs = documented(doc);
  ASSERT_FALSE(have.empty());
  ASSERT_FALSE(docs.empty()) << "no table rows in " << doc;
  for (const auto& [name, family] : have) {
    auto it = docs.find(name);
    if (it == docs.end()) {
      ADD_FAILURE() << name << " (" << family << ") is exposed but not in " << doc;
      continue;
    }
    EXPECT_EQ(it->second, family) << name << ": documented vs exposed";
  }
  for (const auto& [name, family] : docs)
    EXPECT_EQ(have.count(name), 1u) << name << " is documented but never exposed";
}

}  // namespace
