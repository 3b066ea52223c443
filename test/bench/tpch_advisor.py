#!/usr/bin/env python3
"""tpch_advisor.py — the measuring part of test/bench/tpch_advisor.sh (run it through that script:
it expects the TPC-H tables loaded with primary keys only and azora_opt, pg_qualstats (preloaded,
sample_rate 1) and hypopg created; libpq's PG* environment says where).

1. Workload, tracked: the tracker and pg_qualstats are reset, then every query of queries.json
   (22 templates × parameter sets) runs once, under --track-timeout: what it cancels is tracked
   by neither, so no advisor sees it (listed in the output).
2. Advice, all from the same tracked workload and with primary keys only:
   * azora_opt.advise_indexes(budget) at 25/50/100/200 % of the data size (the heap size of the
     eight tables), with azora_opt.advisor_min_calls = 1: the tracker was reset just before the
     workload, so what it holds is the workload (each template has one call per parameter set);
     its NOTICEs (statements skipped and why) are kept;
   * pg_qualstats_index_advisor() with its defaults (min_filter 1000, min_selectivity 30, any access
     method), exact duplicates in its answer built once, the estimate from hypopg
     (hypopg_relation_size, as PoWA does);
   * one index per predicate column: a single-column btree on each column pg_qualstats saw in a
     condition with a btree operator (filters and joins), except columns that already lead an
     index; the estimate from azora_opt's size model (hypo_size).
3. Measured, per method, in blocks ordered none, m1 … mk, mk … m1, none (A B … B A; × rounds):
   build the method's indexes, run every query once, drop them (a query cancelled by --timeout
   counts at the timeout and is not run again with that method). A query cancelled in the tracked
   run is left out of the totals and run once per method under --untracked-timeout, only to show
   whether the method's indexes happen to serve it. Each query's time with a method is
   the median of its runs; the workload's time the sum over queries; relative to "none". Planner
   cost: the sum of EXPLAIN's total cost over the queries. Index bytes: pg_relation_size of what
   was built against the method's estimate. Slower: a template whose time (sum over its parameter
   sets) is more than 10 % above its time without the indexes.
The tracker and pg_qualstats are off while measuring (azora_opt.track = none in the session,
pg_qualstats.enabled = off), so neither adds to the times.
"""
import argparse
import json
import re
import statistics
import sys
import time

import psycopg2
import psycopg2.errors

BUDGETS = [0.25, 0.5, 1.0, 2.0]
TABLES = ["region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]


def log(msg):
    print(f"[tpch] {msg}", file=sys.stderr, flush=True)


def connect():
    conn = psycopg2.connect("")
    conn.autocommit = True
    return conn


def one(cur, sql, args=None):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def track_workload(queries, timeout_s):
    """Runs the workload once, tracked; returns (seconds, the queries cancelled by the timeout)."""
    conn = connect()
    cur = conn.cursor()
    cur.execute("SELECT azora_opt.reset()")
    cur.execute("SELECT pg_qualstats_reset()")
    cur.execute("SET statement_timeout = %s", (f"{int(timeout_s * 1000)}ms",))
    cancelled = []
    t0 = time.perf_counter()
    for i, q in enumerate(queries):
        if run_timed(cur, q["sql"], timeout_s)[1]:
            cancelled.append(i)
    conn.close()
    return time.perf_counter() - t0, cancelled


def azora_advice(budget, notices):
    conn = connect()
    cur = conn.cursor()
    cur.execute("SET azora_opt.advisor_min_calls = 1")
    t0 = time.perf_counter()
    cur.execute("SELECT ddl, index_bytes, cost_before, cost_after, improvement, queryids"
                " FROM azora_opt.advise_indexes(%s)", (budget,))
    rows = cur.fetchall()
    seconds = time.perf_counter() - t0
    notices.extend(n.strip() for n in conn.notices)
    conn.close()
    return {"ddl": [r[0] for r in rows], "estimate": sum(r[1] for r in rows), "advise_s": seconds,
            "rows": [{"ddl": r[0], "bytes": r[1], "cost_before": r[2], "cost_after": r[3],
                      "improvement": r[4], "queryids": r[5]} for r in rows]}


def qualstats_advice():
    conn = connect()
    cur = conn.cursor()
    t0 = time.perf_counter()
    res = one(cur, "SELECT pg_qualstats_index_advisor()")
    seconds = time.perf_counter() - t0
    # It can return the same index several times (one per pass that picks it): build it once.
    ddl = list(dict.fromkeys(res.get("indexes") or []))
    duplicates = len(res.get("indexes") or []) - len(ddl)
    estimate = 0
    for d in ddl:
        cur.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (d,))
        oid = cur.fetchone()[0]
        estimate += one(cur, "SELECT hypopg_relation_size(%s)", (oid,))
    cur.execute("SELECT hypopg_reset()")
    conn.close()
    return {"ddl": ddl, "estimate": estimate, "advise_s": seconds, "unoptimised": res.get("unoptimised"),
            "duplicates": duplicates}


def per_column_advice():
    conn = connect()
    cur = conn.cursor()
    cur.execute("""
        WITH cols AS (
          SELECT lrelid AS rel, lattnum AS att, opno FROM pg_qualstats() WHERE lrelid IS NOT NULL
          UNION SELECT rrelid, rattnum, opno FROM pg_qualstats() WHERE rrelid IS NOT NULL)
        SELECT DISTINCT c.rel::regclass::text, a.attname
        FROM cols c
        JOIN pg_attribute a ON a.attrelid = c.rel AND a.attnum = c.att
        JOIN pg_namespace n ON n.oid = (SELECT relnamespace FROM pg_class WHERE oid = c.rel)
        WHERE n.nspname = 'public'
          AND EXISTS (SELECT FROM pg_amop o JOIN pg_am m ON m.oid = o.amopmethod
                      WHERE o.amopopr = c.opno AND m.amname = 'btree')
          AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.rel AND i.indkey[0] = c.att)
        ORDER BY 1, 2""")
    cols = cur.fetchall()
    ddl = [f"CREATE INDEX ON {rel} ({psycopg2.extensions.quote_ident(col, cur)})" for rel, col in cols]
    estimate = 0
    for d in ddl:
        oid = one(cur, "SELECT indexrelid FROM azora_opt.hypo_create(%s)", (d,))
        estimate += one(cur, "SELECT azora_opt.hypo_size(%s)", (oid,))
    cur.execute("SELECT azora_opt.hypo_reset()")
    conn.close()
    return {"ddl": ddl, "estimate": estimate, "advise_s": 0.0}


def build(cur, method, ddl):
    """Builds the method's indexes under known names; returns (names, real bytes, seconds)."""
    names, t0 = [], time.perf_counter()
    for i, d in enumerate(ddl):
        name = f"tpch_{method}_{i}"
        # Plain builds (no CONCURRENTLY): nothing else runs, and they are faster.
        sql, n = re.subn(r"^\s*CREATE\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?ON\s",
                         f"CREATE INDEX {name} ON ", d, count=1, flags=re.I)
        if n != 1:
            raise RuntimeError(f"unexpected DDL from {method}: {d}")
        cur.execute(sql)
        names.append(name)
    seconds = time.perf_counter() - t0
    size = sum(one(cur, "SELECT pg_relation_size(%s::regclass)", (n,)) for n in names)
    return names, size, seconds


def plan_cost(cur, sql):
    cur.execute("EXPLAIN (FORMAT JSON) " + sql)
    return cur.fetchone()[0][0]["Plan"]["Total Cost"]


def run_timed(cur, sql, timeout_s):
    t0 = time.perf_counter()
    try:
        cur.execute(sql)
        cur.fetchall()
    except psycopg2.errors.QueryCanceled:
        return timeout_s, True
    return time.perf_counter() - t0, False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", required=True)
    ap.add_argument("--sf", required=True)
    ap.add_argument("--source", default="?")
    ap.add_argument("--build", default="?", help="which azora_opt.so is measured (tpch_advisor.sh says)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--track-timeout", type=float, default=10)
    ap.add_argument("--untracked-timeout", type=float, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    queries = json.load(open(args.queries))
    templates = sorted({q["template"] for q in queries})

    conn = connect()
    cur = conn.cursor()
    data_bytes = one(cur, "SELECT sum(pg_relation_size(c.oid))::bigint FROM pg_class c WHERE relname = ANY(%s)"
                     " AND relkind = 'r'", (TABLES,))
    commit = one(cur, "SELECT extversion FROM pg_extension WHERE extname = 'azora_opt'")
    log(f"data {data_bytes / 2**20:.1f} MB, {len(queries)} queries; tracked run of the workload")
    track_s, untracked = track_workload(queries, args.track_timeout)
    untracked_names = [f"Q{queries[i]['template']}/{queries[i]['set']}" for i in untracked]
    untracked = set(untracked)
    log(f"tracked run: {track_s:.1f} s; cancelled after {args.track_timeout:g} s (so not tracked): "
        f"{', '.join(untracked_names) or 'none'}")
    cur.execute("SELECT count(*), sum(calls) FROM azora_opt.queries WHERE query ~* '^\\s*(select|with)'")
    tracked = cur.fetchone()
    log(f"tracked: {tracked[0]} statements, {tracked[1]} calls")

    methods, notices = {}, []
    for f in BUDGETS:
        name = f"azora_{int(f * 100)}"
        methods[name] = azora_advice(int(f * data_bytes), notices)
        log(f"{name}: {len(methods[name]['ddl'])} indexes in {methods[name]['advise_s']:.1f} s")
    methods["qualstats"] = qualstats_advice()
    log(f"qualstats: {len(methods['qualstats']['ddl'])} indexes ({methods['qualstats']['duplicates']} duplicates left out)")
    methods["per_column"] = per_column_advice()
    log(f"per_column: {len(methods['per_column']['ddl'])} indexes")
    # Which tracked statement is which template: the core query id (the tracker's) from EXPLAIN VERBOSE.
    qid = {}
    for t in templates:
        sql = next(q["sql"] for q in queries if q["template"] == t)
        cur.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + sql)
        qid[t] = cur.fetchone()[0][0].get("Query Identifier")
    tpl_of = {v: t for t, v in qid.items()}
    cur.execute("SELECT queryid, calls, has_plan, octet_length(query) FROM azora_opt.queries WHERE queryid = ANY(%s)",
                ([v for v in qid.values() if v is not None],))
    entry = {tpl_of[r[0]]: {"calls": r[1], "has_plan": r[2], "text_bytes": r[3]} for r in cur.fetchall()}
    label = lambda m: f"{m.group(0)} (Q{tpl_of[int(m.group(1))]})" if int(m.group(1)) in tpl_of else m.group(0)
    notices = sorted({re.sub(r"^NOTICE:\s*", "", re.sub(r"query (-?\d+)", label, n)) for n in notices})
    for n in notices:
        log(f"advisor notice: {n}")
    for m in methods.values():
        for r in m.get("rows", []):
            r["templates"] = sorted({tpl_of.get(v) for v in r["queryids"] if v in tpl_of})

    # Measure: pg_qualstats off for the whole server, the tracker off in this session.
    cur.execute("ALTER SYSTEM SET pg_qualstats.enabled = off")
    cur.execute("SELECT pg_reload_conf()")
    time.sleep(1)
    cur.execute("SET azora_opt.track = none")
    cur.execute("SET statement_timeout = %s", (f"{int(args.timeout * 1000)}ms",))
    order = ["none"] + list(methods)
    blocks = []
    for _ in range(args.rounds):
        blocks += order + order[::-1]
    times = {m: {i: [] for i in range(len(queries))} for m in order}
    capped = {m: set() for m in order}
    costs, sizes, builds = {}, {}, {}
    built, built_for = [], None
    for b, m in enumerate(blocks):
        first = m not in costs
        if built_for != m:
            for n in built:
                cur.execute(f"DROP INDEX {n}")
            built, built_for = [], m
            if m != "none":
                built, sizes[m], builds[m] = build(cur, m, methods[m]["ddl"])
        if first:
            costs[m] = [plan_cost(cur, q["sql"]) for q in queries]
        t0 = time.perf_counter()
        for i, q in enumerate(queries):
            if i in untracked:
                # Not part of what the advisors saw: run once per method, under a short cap, only to
                # tell whether the method's indexes happen to serve it.
                if first:
                    cur.execute("SET statement_timeout = %s", (f"{int(args.untracked_timeout * 1000)}ms",))
                    t, timed_out = run_timed(cur, q["sql"], args.untracked_timeout)
                    cur.execute("SET statement_timeout = %s", (f"{int(args.timeout * 1000)}ms",))
                    times[m][i].append(t)
                    if timed_out:
                        capped[m].add(i)
                continue
            if i in capped[m]:  # timed out before with these indexes: not run again, counted at the cap
                times[m][i].append(args.timeout)
                continue
            t, timed_out = run_timed(cur, q["sql"], args.timeout)
            times[m][i].append(t)
            if timed_out:
                capped[m].add(i)
        log(f"block {b + 1}/{len(blocks)} {m}: {time.perf_counter() - t0:.1f} s")
    for n in built:
        cur.execute(f"DROP INDEX {n}")

    # Totals are over the queries the advisors saw (completed in the tracked run).
    seen = [i for i in range(len(queries)) if i not in untracked]
    med = {m: [statistics.median(times[m][i]) for i in range(len(queries))] for m in order}
    per_tpl = {m: {t: sum(med[m][i] for i, q in enumerate(queries) if q["template"] == t) for t in templates}
               for m in order}
    seen_tpl = [t for t in templates if all(i not in untracked for i, q in enumerate(queries) if q["template"] == t)]
    base_total = sum(med["none"][i] for i in seen)
    base_cost = sum(costs["none"][i] for i in seen)
    summary = {}
    for m in order:
        # A template capped without indexes cannot be judged slower (its base time is a bound).
        slower = [t for t in seen_tpl if per_tpl[m][t] > 1.10 * per_tpl["none"][t]
                  and not any(queries[i]["template"] == t for i in capped["none"])]
        runtime = sum(med[m][i] for i in seen)
        summary[m] = {
            "indexes": len(methods[m]["ddl"]) if m != "none" else 0,
            "estimate": methods[m]["estimate"] if m != "none" else 0,
            "real": sizes.get(m, 0), "build_s": builds.get(m, 0.0),
            "runtime_s": runtime, "runtime_rel": runtime / base_total,
            "cost_rel": sum(costs[m][i] for i in seen) / base_cost, "slower": slower,
            "capped": sorted(f"Q{queries[i]['template']}/{queries[i]['set']}" for i in capped[m] if i not in untracked),
            "untracked_s": sum(med[m][i] for i in untracked),
            "untracked_capped": sum(1 for i in capped[m] if i in untracked),
            "advise_s": methods[m]["advise_s"] if m != "none" else 0.0,
        }

    print(f"\nTPC-H scale factor {args.sf} ({args.source}), {len(templates)} templates × "
          f"{len(queries) // len(templates)} parameter sets, {args.rounds} A-B-B-A round(s); data "
          f"{data_bytes / 2**20:.1f} MB; azora_opt {commit}, {args.build}; tracked run {track_s:.0f} s")
    unt = f" | not tracked: {', '.join(untracked_names)} (s; at the {args.untracked_timeout:g} s cap)" if untracked else ""
    print(f"\nTotals over the {len(seen)} queries the advisors saw ({len(seen_tpl)} templates complete):")
    print("\n| method | indexes | estimated | real bytes | real / estimate | runtime (s) | runtime vs none "
          f"| planner cost vs none | templates > 10 % slower | advice time{unt} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|" + ("---|" if untracked else ""))
    for m in order:
        s = summary[m]
        ratio = f"{s['real'] / s['estimate']:.2f}" if s["estimate"] else "–"
        slow = ", ".join(f"Q{t} ({per_tpl[m][t] / per_tpl['none'][t]:.2f}×)" for t in s["slower"]) or "none"
        if s["capped"]:
            slow += f"; at the {args.timeout:g} s cap: {len(s['capped'])}"
        print(f"| {m} | {s['indexes']} | {s['estimate'] / 2**20:.1f} MB | {s['real'] / 2**20:.1f} MB | {ratio} "
              f"| {s['runtime_s']:.2f} | **{s['runtime_rel']:.3f}** | {s['cost_rel']:.3f} | {slow} "
              f"| {s['advise_s']:.1f} s |" +
              (f" {s['untracked_s']:.1f} ({s['untracked_capped']} at the cap) |" if untracked else ""))
    print("\nPer template, runtime relative to none (sum over parameter sets of the median times):\n")
    print("| template | none (s) | " + " | ".join(order[1:]) + " |")
    print("|---|---:|" + "---:|" * (len(order) - 1))
    for t in templates:
        if t in seen_tpl:
            print(f"| Q{t} | {per_tpl['none'][t]:.3f} | " +
                  " | ".join(f"{per_tpl[m][t] / per_tpl['none'][t]:.2f}" for m in order[1:]) + " |")
        else:  # not tracked: seconds, each query run once under the short cap
            print(f"| Q{t} (not tracked, s) | {per_tpl['none'][t]:.2f} | " +
                  " | ".join(f"{per_tpl[m][t]:.2f}" for m in order[1:]) + " |")
    print("\nIndexes per method:")
    for m in order[1:]:
        print(f"  {m}:")
        for r in methods[m].get("rows") or [{"ddl": d} for d in methods[m]["ddl"]]:
            helps = f"   -- {r['bytes'] / 2**20:.1f} MB est., for " + ", ".join(f"Q{t}" for t in r["templates"]) \
                if "templates" in r else ""
            print(f"    {r['ddl']}{helps}")
    print("\nThe tracker's entry per template (calls, a captured plan with the source text, normalized text bytes):")
    print("  " + "; ".join(f"Q{t}: " + (f"{e['calls']} calls, {'plan' if e['has_plan'] else 'no plan'}, "
                                        f"{e['text_bytes']} B" if (e := entry.get(t)) else "not tracked")
                         for t in templates))
    print(f"\nCancelled in the tracked run after {args.track_timeout:g} s, so seen by no advisor: "
          f"{', '.join(untracked_names) or 'none'}")
    for m in order:
        if summary[m]["capped"]:
            print(f"At the {args.timeout:g} s cap with {m}: {', '.join(summary[m]['capped'])}")
    if notices:
        print("\nadvise_indexes() notices:")
        for n in notices:
            print(f"  {n}")
    a, q = summary.get("azora_100"), summary.get("qualstats")
    if a and q:
        met_rt = a["runtime_s"] <= 0.9 * q["runtime_s"]
        met_bytes = a["real"] <= q["real"]
        met_slow = not a["slower"]
        print(f"\nTarget at 100 % budget: runtime {a['runtime_s']:.2f} s vs 0.9 × pg_qualstats' "
              f"{q['runtime_s']:.2f} s = {0.9 * q['runtime_s']:.2f} s: {'met' if met_rt else 'NOT met'}; "
              f"index bytes {a['real'] / 2**20:.1f} MB vs {q['real'] / 2**20:.1f} MB: "
              f"{'met' if met_bytes else 'NOT met'}; no template > 10 % slower: {'met' if met_slow else 'NOT met'}")
    if args.out:
        json.dump({"queries": queries, "methods": methods, "summary": summary, "times": times, "costs": costs,
                   "notices": notices, "data_bytes": data_bytes, "tracked": tracked,
                   "untracked": untracked_names,
                   "entries": entry}, open(args.out, "w"), indent=1, default=str)


if __name__ == "__main__":
    main()
