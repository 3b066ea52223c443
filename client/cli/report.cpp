// report.cpp — `azora-opt report`: the heaviest queries, merged over one or more nodes.
//
// Every node's entries come from azora_opt.query_histograms() (raw histogram buckets) joined to
// azora_opt.queries (text, slow calls). Entries of one queryid — several roles or databases on
// one node, or a primary and its standbys — merge by adding calls, times and bucket counts, so
// the merged p95 is the histogram's own estimate over the union (within its 2 % bound), never
// an average of p95s. The bucket layout is the extension's (extension/pure/histogram.hpp).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "commands.hpp"
#include "histogram.hpp"
#include "output.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

struct NodePart {
  size_t node;
  long long calls = 0;
  histogram::Histogram hist{};
  double min_ms = 0, max_ms = 0;
};

struct Merged {
  long long queryid = 0;
  std::string query;
  long long calls = 0;
  long long slow_calls = 0;
  double total_ms = 0;
  double min_ms = 0, max_ms = 0;
  histogram::Histogram hist{};
  std::vector<NodePart> nodes;
};

// "{1,2,3}" → {1,2,3}
std::vector<long long> parse_numbers(std::string_view text) {
  std::vector<long long> out;
  for (const std::string& item : array_items(text)) out.push_back(std::stoll(item));
  return out;
}

void add_counts(histogram::Histogram& h, const std::vector<long long>& index,
                const std::vector<long long>& count) {
  for (size_t i = 0; i < index.size() && i < count.size(); i++) {
    if (index[i] < 0 || index[i] >= histogram::kBuckets) continue;
    unsigned long long sum = static_cast<unsigned long long>(h.counts[index[i]]) +
                             static_cast<unsigned long long>(count[i]);
    h.counts[index[i]] = sum > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(sum);
  }
}

void fold_minmax(double& min_ms, double& max_ms, bool first, double lo, double hi) {
  min_ms = first ? lo : std::min(min_ms, lo);
  max_ms = first ? hi : std::max(max_ms, hi);
}

constexpr const char* kEntries =
    "SELECT h.queryid, h.calls, h.total_exec_time, h.min_exec_time, h.max_exec_time, "
    "h.bucket_index, h.bucket_count, q.slow_calls, q.query "
    "FROM azora_opt.query_histograms() h JOIN azora_opt.queries q "
    "ON q.userid = h.userid AND q.dbid = h.dbid AND q.toplevel = h.toplevel "
    "AND q.queryid = h.queryid WHERE h.queryid IS NOT NULL";

// One row: a server's identity (system identifier / postmaster start / port) and its system
// identifier. Where pg_control_system() is not granted, start time and port alone (NULL id).
Result server_identity(Connection& conn) {
  try {
    return conn.exec(
        "SELECT system_identifier::text || '/' || pg_postmaster_start_time()::text || '/' || "
        "current_setting('port'), system_identifier FROM pg_control_system()");
  } catch (const ConnectionError&) {
    throw;
  } catch (const SqlError&) {
    return conn.exec(
        "SELECT '?/' || pg_postmaster_start_time()::text || '/' || current_setting('port'), "
        "NULL::bigint");
  }
}

double sort_key(const Merged& m, const std::string& order) {
  if (order == "calls") return static_cast<double>(m.calls);
  if (order == "slow") return static_cast<double>(m.slow_calls);
  if (order == "mean") return m.calls > 0 ? m.total_ms / m.calls : 0;
  if (order == "p95") return histogram::quantile(m.hist, 0.95, m.min_ms, m.max_ms);
  if (order == "p99") return histogram::quantile(m.hist, 0.99, m.min_ms, m.max_ms);
  return m.total_ms;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

int report(Context& ctx) {
  Args& args = ctx.args();
  std::string top_text = args.option("--top").value_or("10");
  std::string order = args.option("--order").value_or("total");
  args.positional();
  static const char* const kOrders[] = {"p95", "p99", "total", "mean", "calls", "slow"};
  if (std::find(std::begin(kOrders), std::end(kOrders), order) == std::end(kOrders))
    throw UsageError("--order must be one of p95, p99, total, mean, calls, slow (got '" + order +
                     "')");
  long long top = 0;
  try {
    top = std::stoll(top_text);
  } catch (const std::exception&) {
    throw UsageError("--top needs a positive number (got '" + top_text + "')");
  }
  if (top <= 0) throw UsageError("--top needs a positive number (got '" + top_text + "')");

  std::map<long long, Merged> merged;
  std::vector<Connection*> conns = ctx.all();
  // The same server given twice (its socket and its TCP address, or two databases: the tracker
  // holds every database's entries) is read once. A server is its system identifier, which a
  // standby shares with its primary, with its postmaster's start time and port.
  std::vector<std::string> identities;
  for (size_t node = 0; node < conns.size(); node++) {
    Result id = server_identity(*conns[node]);
    std::string identity(id.value(0, 0));
    size_t first = static_cast<size_t>(std::find(identities.begin(), identities.end(), identity) -
                                       identities.begin());
    identities.push_back(identity);
    if (first != node) {
      std::fprintf(stderr,
                   "azora-opt: -d #%zu (%s) is the same server as -d #%zu (%s), system "
                   "identifier %s: counted once\n",
                   node + 1, ctx.node_name(node).c_str(), first + 1, ctx.node_name(first).c_str(),
                   id.is_null(0, 1) ? "unreadable" : std::string(id.value(0, 1)).c_str());
      continue;
    }
    Result r = conns[node]->exec(kEntries);
    for (int row = 0; row < r.rows(); row++) {
      long long queryid = std::stoll(std::string(r.value(row, 0)));
      long long calls = std::stoll(std::string(r.value(row, 1)));
      double total = std::stod(std::string(r.value(row, 2)));
      double lo = std::stod(std::string(r.value(row, 3)));
      double hi = std::stod(std::string(r.value(row, 4)));
      std::vector<long long> index = parse_numbers(r.value(row, 5));
      std::vector<long long> count = parse_numbers(r.value(row, 6));
      Merged& m = merged[queryid];
      bool first = m.calls == 0;
      m.queryid = queryid;
      if (m.query.empty()) m.query = std::string(r.value(row, 8));
      m.slow_calls += std::stoll(std::string(r.value(row, 7)));
      m.total_ms += total;
      fold_minmax(m.min_ms, m.max_ms, first, lo, hi);
      m.calls += calls;
      add_counts(m.hist, index, count);
      auto part = std::find_if(m.nodes.begin(), m.nodes.end(),
                               [&](const NodePart& p) { return p.node == node; });
      if (part == m.nodes.end()) {
        m.nodes.push_back(NodePart{node});
        part = m.nodes.end() - 1;
      }
      fold_minmax(part->min_ms, part->max_ms, part->calls == 0, lo, hi);
      part->calls += calls;
      add_counts(part->hist, index, count);
    }
  }
  std::vector<Merged*> rows;
  for (auto& [id, m] : merged) rows.push_back(&m);
  std::sort(rows.begin(), rows.end(), [&](const Merged* a, const Merged* b) {
    double ka = sort_key(*a, order), kb = sort_key(*b, order);
    return ka != kb ? ka > kb : a->queryid < b->queryid;
  });
  if (rows.size() > static_cast<size_t>(top)) rows.resize(static_cast<size_t>(top));

  auto q = [](const histogram::Histogram& h, double p, double lo, double hi) {
    return histogram::quantile(h, p, lo, hi);
  };
  if (ctx.format() == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const Merged* m : rows) {
      nlohmann::json nodes = nlohmann::json::array();
      for (const NodePart& p : m->nodes)
        nodes.push_back({{"node", ctx.node_name(p.node)},
                         {"calls", p.calls},
                         {"p95_ms", q(p.hist, 0.95, p.min_ms, p.max_ms)}});
      out.push_back({{"queryid", m->queryid},
                     {"query", m->query},
                     {"calls", m->calls},
                     {"total_ms", m->total_ms},
                     {"mean_ms", m->calls > 0 ? m->total_ms / m->calls : 0.0},
                     {"p50_ms", q(m->hist, 0.50, m->min_ms, m->max_ms)},
                     {"p95_ms", q(m->hist, 0.95, m->min_ms, m->max_ms)},
                     {"p99_ms", q(m->hist, 0.99, m->min_ms, m->max_ms)},
                     {"slow_calls", m->slow_calls},
                     {"nodes", nodes}});
    }
    print_json(out);
    return 0;
  }
  // Text: an aligned table, numbers right-aligned.
  std::vector<std::vector<std::string>> table = {
      {"queryid", "calls", "total_ms", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "slow"}};
  bool several = std::set<std::string>(identities.begin(), identities.end()).size() > 1;
  if (several) table[0].push_back("per node (calls/p95 ms)");
  table[0].push_back("query");
  for (const Merged* m : rows) {
    std::vector<std::string> line = {std::to_string(m->queryid),
                                     std::to_string(m->calls),
                                     fixed(m->total_ms, 2),
                                     fixed(m->calls > 0 ? m->total_ms / m->calls : 0, 3),
                                     fixed(q(m->hist, 0.50, m->min_ms, m->max_ms), 3),
                                     fixed(q(m->hist, 0.95, m->min_ms, m->max_ms), 3),
                                     fixed(q(m->hist, 0.99, m->min_ms, m->max_ms), 3),
                                     std::to_string(m->slow_calls)};
    if (several) {
      std::string parts;
      for (const NodePart& p : m->nodes) {
        if (!parts.empty()) parts += ", ";
        parts += ctx.node_name(p.node) + " " + std::to_string(p.calls) + "/" +
                 fixed(q(p.hist, 0.95, p.min_ms, p.max_ms), 3);
      }
      line.push_back(parts);
    }
    line.push_back(m->query);
    table.push_back(std::move(line));
  }
  print_rows(table, stdout, 8, 60, table[0].size() - 1);
  return 0;
}

}  // namespace azora::cli
