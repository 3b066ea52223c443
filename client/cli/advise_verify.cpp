// advise_verify.cpp — `azora-opt advise --apply --verify` (see advise_verify.hpp): snapshots of
// the tracker's cumulative figures around two windows of real calls, the index builds between
// them, the drops the verdicts ask for, and the report. The decisions are advise_verdict.hpp's.
#include "advise_verify.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "output.hpp"
#include "table.hpp"

namespace azora::cli {

namespace {

using Clock = std::chrono::steady_clock;
using Snapshots = std::map<std::string, verify::Snapshot>;

// A DROP INDEX that times out on a lock (a long transaction on the table) is retried this long:
// an INVALID index left behind still slows every write to its table.
constexpr double kDropRetrySeconds = 120;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// A server error's message without libpq's "ERROR:  " and the lines after it (DETAIL, HINT).
std::string first_line(std::string message) {
  if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
  size_t nl = message.find('\n');
  if (nl != std::string::npos) message.erase(nl);
  return message;
}

std::vector<long long> numbers(std::string_view array) {
  std::vector<long long> out;
  for (const std::string& item : array_items(array)) out.push_back(std::stoll(item));
  return out;
}

// Every statement's cumulative figures now: the entries of each queryid in this database,
// summed over roles and nesting levels. Calls, time and buckets come from one read of the
// histograms, so the p95 of a window agrees with its calls.
Snapshots snapshot(Connection& conn, const std::vector<std::string>& queryids) {
  std::string array = "{";
  for (const std::string& q : queryids) array += (array.size() > 1 ? "," : "") + q;
  array += "}";
  Result r = conn.exec_params(
      "SELECT h.queryid, h.calls, h.total_exec_time, q.shared_blks_read, h.bucket_index, "
      "h.bucket_count FROM azora_opt.query_histograms() h JOIN azora_opt.queries q "
      "ON q.userid = h.userid AND q.dbid = h.dbid AND q.toplevel = h.toplevel "
      "AND q.queryid = h.queryid "
      "WHERE h.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND h.queryid = ANY ($1::bigint[])",
      {array});
  Snapshots out;
  for (const std::string& q : queryids) out[q];
  for (int i = 0; i < r.rows(); i++) {
    verify::add_entry(out[std::string(r.value(i, 0))], std::stoll(std::string(r.value(i, 1))),
                      std::stod(std::string(r.value(i, 2))), std::stoll(std::string(r.value(i, 3))),
                      numbers(r.value(i, 4)), numbers(r.value(i, 5)));
  }
  return out;
}

// Waits out one window that started at `from`: until at least window_s has passed and every
// statement made min_calls calls since, or max_window_s has passed. Returns the closing snapshot.
Snapshots wait_window(Connection& conn, const std::vector<std::string>& queryids,
                      const Snapshots& from, const VerifyOptions& o, Clock::time_point start) {
  for (;;) {
    double elapsed = seconds_since(start);
    double left = (elapsed < o.window_s ? o.window_s : o.max_window_s) - elapsed;
    if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double>(left < 1 ? left : 1.0));
    Snapshots now = snapshot(conn, queryids);
    elapsed = seconds_since(start);
    bool enough = true;
    for (const std::string& q : queryids) {
      verify::Window w = verify::delta(from.at(q), now.at(q));
      if (!w.valid || w.calls < o.settings.min_calls) enough = false;
    }
    if ((elapsed >= o.window_s && enough) || elapsed >= o.max_window_s) return now;
  }
}

// What happened to one advised index.
struct Advised {
  std::string ddl, relation, columns;
  std::vector<std::string> queryids;
  long long estimated_bytes = 0;
  std::string index;  // its name (regclass text) once built
  bool partitioned = false;
  long long bytes = 0;
  double seconds = 0;
  std::string error, sqlstate;  // the build failed
  std::string invalid_index;    // an INVALID index the failed build left
  std::string cleanup_error;    // ... that could not be dropped
  std::string drop_error;       // a "dropped" index whose DROP failed
  std::optional<verify::IndexResult> result;
  std::string verdict() const {
    if (!error.empty()) return "failed";
    return result ? verify::name(result->verdict) : "inconclusive";
  }
};

// The indexes of `relation`: name → valid.
std::map<std::string, bool> indexes_of(Connection& conn, const std::string& relation) {
  Result r = conn.exec_params(
      "SELECT indexrelid::regclass::text, indisvalid FROM pg_index WHERE indrelid = "
      "$1::regclass",
      {relation});
  std::map<std::string, bool> out;
  for (int i = 0; i < r.rows(); i++)
    out[std::string(r.value(i, 0))] = std::string(r.value(i, 1)) == "t";
  return out;
}

// DROP INDEX [CONCURRENTLY] IF EXISTS, retried while it times out on a lock; the error of the
// last try, empty on success. A partitioned index cannot be dropped concurrently (PostgreSQL 15):
// its plain DROP locks the table briefly, as its build did.
std::string drop_index(Connection& conn, const std::string& name) {
  Result kind =
      conn.exec_params("SELECT relkind FROM pg_class WHERE oid = to_regclass($1)", {name});
  if (kind.rows() == 0) return {};
  bool partitioned = std::string(kind.value(0, 0)) == "I";
  // The name is regclass output: quoted and qualified as needed.
  std::string sql =
      std::string(partitioned ? "DROP INDEX IF EXISTS " : "DROP INDEX CONCURRENTLY IF EXISTS ") +
      name;
  auto start = Clock::now();
  for (;;) {
    try {
      conn.exec(sql);
      return {};
    } catch (const ConnectionError&) {
      throw;
    } catch (const SqlError& e) {
      if (e.sqlstate() != "55P03" || seconds_since(start) >= kDropRetrySeconds)
        return first_line(e.what()) + " (SQLSTATE " + e.sqlstate() + ")";
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

// Builds one advised index; on failure removes the INVALID index a CREATE INDEX CONCURRENTLY
// leaves when it fails after its catalog entry was committed (waiting for a lock, a unique
// violation, a cancel).
void build(Connection& conn, Advised& a) {
  std::map<std::string, bool> before = indexes_of(conn, a.relation);
  auto start = Clock::now();
  try {
    conn.exec(a.ddl);
  } catch (const ConnectionError&) {
    throw;
  } catch (const SqlError& e) {
    a.error = first_line(e.what());
    a.sqlstate = e.sqlstate();
  }
  a.seconds = seconds_since(start);
  for (const auto& [name, valid] : indexes_of(conn, a.relation)) {
    if (before.count(name)) continue;
    if (a.error.empty()) {
      if (valid) a.index = name;  // ours: the one index that is new and valid
    } else if (!valid) {
      // The failed build's leftover. Another session's concurrent build could be new and
      // INVALID too at this moment; that race is accepted (it is rare, and such a build dies
      // anyway when its index is dropped under it).
      a.invalid_index = name;
      a.cleanup_error = drop_index(conn, name);
    }
  }
  if (a.index.empty()) return;
  Result size = conn.exec_params(
      "SELECT c.relkind = 'I', CASE WHEN c.relkind = 'I' THEN (SELECT "
      "coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t) "
      "ELSE pg_relation_size(c.oid) END FROM pg_class c WHERE c.oid = $1::regclass",
      {a.index});
  a.partitioned = std::string(size.value(0, 0)) == "t";
  a.bytes = std::stoll(std::string(size.value(0, 1)));
}

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

nlohmann::json window_json(const verify::Window& w) {
  double p95 = w.p95_ms();
  return {{"calls", w.calls},
          {"mean_ms", w.calls > 0 ? nlohmann::json(w.mean_ms()) : nlohmann::json()},
          {"p95_ms", std::isfinite(p95) ? nlohmann::json(p95) : nlohmann::json()},
          {"shared_blks_read_per_call",
           w.calls > 0 ? nlohmann::json(w.blocks_per_call()) : nlohmann::json()}};
}

std::string pct(const std::optional<double>& v) {
  if (!v) return "";
  return (*v > 0 ? "+" : "") + verify::percent(*v);
}

std::string ms(const verify::Window& w, bool p95) {
  if (w.calls == 0) return "-";
  return fixed(p95 ? w.p95_ms() : w.mean_ms(), 3);
}

std::string none_if_empty(const std::string& s) {
  return s.empty() ? "-" : s;
}

}  // namespace

VerifyOptions verify_options(Args& args) {
  VerifyOptions o;
  auto duration = [&](const char* flag, double& into) {
    if (std::optional<std::string> v = args.option(flag)) {
      std::optional<double> s = verify::parse_duration(*v);
      if (!s)
        throw UsageError(std::string(flag) +
                         " must be a duration such as 30s, 500ms, 2min or 1h (got '" + *v + "')");
      into = *s;
      return true;
    }
    return false;
  };
  duration("--window", o.window_s);
  bool max_given = duration("--max-window", o.max_window_s);
  if (!max_given) o.max_window_s = std::max(10 * o.window_s, 60.0);
  if (o.max_window_s < o.window_s) throw UsageError("--max-window must be at least --window");
  duration("--lock-timeout", o.lock_timeout_s);
  if (o.lock_timeout_s <= 0)
    throw UsageError("--lock-timeout must be more than 0 (a build must not wait forever)");
  if (std::optional<std::string> v = args.option("--min-calls")) {
    o.settings.min_calls = parse_int64(*v, "--min-calls");
    if (o.settings.min_calls < 1) throw UsageError("--min-calls must be at least 1");
  }
  auto fraction = [&](const char* flag, double& into) {
    if (std::optional<std::string> v = args.option(flag)) {
      into = parse_number(*v, flag);
      if (into < 0) throw UsageError(std::string(flag) + " must be 0 or more, e.g. 0.10");
    }
  };
  fraction("--min-gain", o.settings.min_gain);
  fraction("--max-loss", o.settings.max_loss);
  return o;
}

int apply_and_verify(Context& ctx, Connection& conn, const Result& advice, const VerifyOptions& o,
                     nlohmann::json& doc) {
  bool text = ctx.format() == Format::kText;
  // Each build and drop waits at most lock_timeout for its locks (set once for this session).
  conn.exec_params("SELECT set_config('lock_timeout', $1, false)",
                   {std::to_string(static_cast<long long>(o.lock_timeout_s * 1000 + 0.5)) + "ms"});
  std::vector<Advised> advised;
  std::vector<std::string> queryids;
  std::set<std::string> seen;
  for (int r = 0; r < advice.rows(); r++) {
    Advised a;
    a.ddl = advice.value(r, 0);
    a.relation = advice.value(r, 1);
    a.columns = advice.value(r, 2);
    a.estimated_bytes = std::stoll(std::string(advice.value(r, 3)));
    a.queryids = array_items(advice.value(r, 4));
    for (const std::string& q : a.queryids)
      if (seen.insert(q).second) queryids.push_back(q);
    advised.push_back(std::move(a));
  }
  nlohmann::json settings = {
      {"window_seconds", o.window_s},      {"max_window_seconds", o.max_window_s},
      {"min_calls", o.settings.min_calls}, {"min_gain", o.settings.min_gain},
      {"max_loss", o.settings.max_loss},   {"lock_timeout_seconds", o.lock_timeout_s}};
  if (advised.empty()) {
    doc["verify"] = {{"settings", settings},
                     {"before_seconds", 0},
                     {"after_seconds", 0},
                     {"indexes", nlohmann::json::array()},
                     {"statements", nlohmann::json::array()}};
    return 0;
  }

  // Window before: S1 − S0, the indexes not yet there.
  if (text) {
    print_line(
        "verify: %zu statement%s; each window lasts at least %s s and until each statement "
        "made %lld calls (at most %s s)",
        queryids.size(), queryids.size() == 1 ? "" : "s", fixed(o.window_s, 1).c_str(),
        o.settings.min_calls, fixed(o.max_window_s, 1).c_str());
    std::printf("before window ...");
    std::fflush(stdout);
  }
  auto t0 = Clock::now();
  Snapshots s0 = snapshot(conn, queryids);
  Snapshots s1 = wait_window(conn, queryids, s0, o, t0);
  double before_s = seconds_since(t0);
  if (text) std::printf(" %s s\n", fixed(before_s, 1).c_str());

  // The builds, one at a time (bounded load), each waiting at most lock_timeout for a lock.
  int n = static_cast<int>(advised.size());
  for (int i = 0; i < n; i++) {
    Advised& a = advised[i];
    if (text) {
      print_line("[%d/%d] %s", i + 1, n, a.ddl.c_str());
      std::fflush(stdout);
    }
    build(conn, a);
    if (!text) continue;
    if (a.error.empty()) {
      print_line("      built %s in %.2f s, %s (estimated %s)", a.index.c_str(), a.seconds,
                 size_pretty(a.bytes).c_str(), size_pretty(a.estimated_bytes).c_str());
    } else {
      print_line("      FAILED after %.2f s: %s (SQLSTATE %s)", a.seconds, a.error.c_str(),
                 a.sqlstate.c_str());
      if (!a.invalid_index.empty())
        print_line(a.cleanup_error.empty() ? "      INVALID index %s left behind: dropped"
                                           : "      INVALID index %s left behind: NOT dropped",
                   a.invalid_index.c_str());
      if (!a.cleanup_error.empty())
        print_line("      %s; run: DROP INDEX CONCURRENTLY %s", a.cleanup_error.c_str(),
                   a.invalid_index.c_str());
    }
    std::fflush(stdout);
  }

  // Window after: S3 − S2, every index built valid (calls during the builds count in neither).
  std::vector<std::string> measured;  // statements of the indexes that were built
  std::set<std::string> measured_set;
  for (const Advised& a : advised)
    if (a.error.empty())
      for (const std::string& q : a.queryids)
        if (measured_set.insert(q).second) measured.push_back(q);
  double after_s = 0;
  std::map<std::string, verify::Judged> judged;
  if (!measured.empty()) {
    if (text) {
      std::printf("after window ...");
      std::fflush(stdout);
    }
    auto t2 = Clock::now();
    Snapshots s2 = snapshot(conn, measured);
    Snapshots s3 = wait_window(conn, measured, s2, o, t2);
    after_s = seconds_since(t2);
    if (text) std::printf(" %s s\n", fixed(after_s, 1).c_str());
    for (const std::string& q : measured) {
      verify::Judged& j = judged[q];
      j.queryid = q;
      j.before = verify::delta(s0.at(q), s1.at(q));
      j.after = verify::delta(s2.at(q), s3.at(q));
      j.result = verify::judge_statement(j.before, j.after, o.settings);
    }
  }

  // Verdicts, and the drops they ask for.
  int status = 0;
  for (Advised& a : advised) {
    if (!a.error.empty()) {
      status = 3;
      continue;
    }
    std::vector<const verify::Judged*> mine;
    for (const std::string& q : a.queryids) mine.push_back(&judged.at(q));
    a.result = verify::judge_index(mine, o.settings);
    if (a.result->verdict == verify::IndexVerdict::kDropped) {
      a.drop_error = drop_index(conn, a.index);
      if (!a.drop_error.empty()) status = 3;
    }
  }

  // The report.
  nlohmann::json indexes = nlohmann::json::array();
  for (const Advised& a : advised) {
    nlohmann::json ids = nlohmann::json::array();
    for (const std::string& q : a.queryids) ids.push_back(std::stoll(q));
    nlohmann::json error;
    if (!a.error.empty()) error = {{"message", a.error}, {"sqlstate", a.sqlstate}};
    std::string reason = a.result ? a.result->reason : a.error;
    if (!a.drop_error.empty()) reason += "; DROP failed: " + a.drop_error;
    indexes.push_back(
        {{"ddl", a.ddl},
         {"relation", a.relation},
         {"index", a.index.empty() ? nlohmann::json() : nlohmann::json(a.index)},
         {"verdict", a.verdict()},
         {"reason", reason},
         {"queryids", ids},
         {"bytes", a.index.empty() ? nlohmann::json() : nlohmann::json(a.bytes)},
         {"estimated_bytes", a.estimated_bytes},
         {"build_seconds", a.seconds},
         {"mean_gain", a.result ? opt(a.result->mean_gain) : nlohmann::json()},
         {"blocks_gain", a.result ? opt(a.result->blocks_gain) : nlohmann::json()},
         {"worst_p95_change", a.result ? opt(a.result->worst_p95_change) : nlohmann::json()},
         {"error", error},
         {"invalid_index",
          a.invalid_index.empty() ? nlohmann::json() : nlohmann::json(a.invalid_index)},
         {"invalid_index_dropped", !a.invalid_index.empty() && a.cleanup_error.empty()},
         {"dropped", a.result && a.result->verdict == verify::IndexVerdict::kDropped &&
                         a.drop_error.empty()}});
  }
  nlohmann::json statements = nlohmann::json::array();
  for (const std::string& q : measured) {
    const verify::Judged& j = judged.at(q);
    nlohmann::json names = nlohmann::json::array();
    for (const Advised& a : advised)
      if (a.error.empty())
        for (const std::string& aq : a.queryids)
          if (aq == q) names.push_back(a.index);
    statements.push_back(
        {{"queryid", std::stoll(q)},
         {"indexes", names},
         {"verdict", verify::name(j.result.verdict)},
         {"reason", j.result.reason.empty() ? nlohmann::json() : nlohmann::json(j.result.reason)},
         {"before", window_json(j.before)},
         {"after", window_json(j.after)},
         {"mean_change", opt(j.result.mean_change)},
         {"p95_change", opt(j.result.p95_change)},
         {"blocks_change", opt(j.result.blocks_change)}});
  }
  doc["verify"] = {{"settings", settings},
                   {"before_seconds", before_s},
                   {"after_seconds", after_s},
                   {"indexes", indexes},
                   {"statements", statements}};
  if (!text) return status;

  std::printf("\n");
  std::vector<std::vector<std::string>> t = {
      {"verdict", "size", "mean time", "blocks read", "worst p95", "index", "reason"}};
  for (const Advised& a : advised) {
    const verify::IndexResult* r = a.result ? &*a.result : nullptr;
    auto neg = [](const std::optional<double>& gain) {
      return gain ? std::optional<double>(-*gain) : std::nullopt;
    };
    std::string reason = a.result ? a.result->reason : a.error + " (SQLSTATE " + a.sqlstate + ")";
    if (!a.drop_error.empty()) reason += "; DROP failed: " + a.drop_error;
    t.push_back({a.verdict(), a.index.empty() ? "-" : size_pretty(a.bytes),
                 r ? none_if_empty(pct(neg(r->mean_gain))) : "-",
                 r ? none_if_empty(pct(neg(r->blocks_gain))) : "-",
                 r ? none_if_empty(pct(r->worst_p95_change)) : "-",
                 a.index.empty() ? a.relation + " (" +
                                       std::string(a.columns.substr(1, a.columns.size() - 2)) + ")"
                                 : a.index,
                 reason});
  }
  print_rows(t, stdout, 0, 90, t[0].size() - 1);
  if (!measured.empty()) {
    std::printf("\n");
    std::vector<std::vector<std::string>> s = {
        {"queryid", "calls", "mean ms", "p95 ms", "blocks/call", "verdict"}};
    for (const std::string& q : measured) {
      const verify::Judged& j = judged.at(q);
      auto arrow = [](const std::string& b, const std::string& a) { return b + " -> " + a; };
      auto blocks = [](const verify::Window& w) {
        return w.calls == 0 ? std::string("-") : fixed(w.blocks_per_call(), 1);
      };
      std::string verdict = verify::name(j.result.verdict);
      if (!j.result.reason.empty()) verdict += " (" + j.result.reason + ")";
      s.push_back({q, arrow(std::to_string(j.before.calls), std::to_string(j.after.calls)),
                   arrow(ms(j.before, false), ms(j.after, false)),
                   arrow(ms(j.before, true), ms(j.after, true)),
                   arrow(blocks(j.before), blocks(j.after)), verdict});
    }
    print_rows(s, stdout, 0, 90, s[0].size() - 1);
  }
  return status;
}

}  // namespace azora::cli
