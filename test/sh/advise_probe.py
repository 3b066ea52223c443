#!/usr/bin/env python3
"""advise_probe.py — calls azora_opt.advise_indexes() once per budget, each in a fresh backend
(libpq environment: PGHOST, PGPORT, PGUSER, PGDATABASE), and measures what issue 15 asks of the
advisor under a hostile workload: the call's wall time, the backend's peak memory, the rows it
returned, the NOTICEs it sent (counted by reason) and how it failed, if it failed.

Memory: the backend's /proc/<pid>/status, sampled every 20 ms while the call runs (peak RssAnon:
the backend's private memory, i.e. its memory contexts; shared_buffers pages it touches are
RssShmem and not counted), and VmHWM after it (peak resident set including shared memory).
Time: wall and the backend's CPU time (/proc/<pid>/stat). A call still running after --timeout
seconds is cancelled (pg_cancel_backend), then terminated 30 s later if the cancel is not
honoured; either counts as a failure.

Prints one line per budget and exits 1 if any call failed (an error escaped, the time bound or
the memory bound was exceeded). Usage:
  advise_probe.py [--min-calls N] [--timeout S] [--max-anon-mb MB] [--notices-file F]
                  [--set NAME=VALUE]... BUDGET...
where BUDGET is NULL or a byte count with an optional kB/MB/GB suffix. --set runs SET NAME = VALUE
before each call (e.g. azora_opt.advisor_max_statements=5000, or client_min_messages=debug1,
which also prints the advisor's own phase line: its costings, planner calls and memo entries)."""
import argparse
import collections
import os
import re
import sys
import threading
import time

import psycopg2


def budget_bytes(text):
    if text.upper() == "NULL":
        return None
    m = re.fullmatch(r"(-?\d+)\s*(kB|MB|GB)?", text)
    if not m:
        sys.exit(f"bad budget {text!r}")
    return int(m.group(1)) * {None: 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(2)]


def status_kb(pid):
    """The backend's memory fields (kB) from /proc, or {} once it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS", "RssAnon"):
                    fields[key] = int(value.split()[0])
    except OSError:
        pass
    return fields


def cpu_seconds(pid):
    """User + system CPU the backend has used (s): unlike wall time, barely moved by the load of
    other processes on a shared machine."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class NoticeCounter:
    """Stands in for psycopg2's notices list: counts NOTICEs by reason, keeps a few examples,
    and writes each one's first line to `out` if given."""

    def __init__(self, out=None):
        self.by_reason = collections.Counter()
        self.examples = {}
        self.out = out
        self.phases = None

    def append(self, message):
        text = message.strip()
        text = re.sub(r"^NOTICE:\s*", "", text)
        if self.out:
            self.out.write((text.splitlines()[0] if text else "") + "\n")
        # "index advisor: query 123 skipped: it no longer parses or plans (detail)" -> the reason
        first = text.splitlines()[0] if text else ""
        reason = first
        if re.search(r"query -?\d+", first):
            # A NOTICE about one statement: names and numbers vary per statement, the message's
            # words are the reason. Others (a summary) are kept as they are, numbers included.
            reason = re.sub(r"query -?\d+", "query N", reason)
            reason = re.sub(r'(at or near ).*?\)$', r'\1"…")', reason)
            reason = re.sub(r'"[^"]*"', '"…"', reason)
            reason = re.sub(r"\d+", "N", reason)
        reason = reason[:300]
        if "memo entries" in first:
            self.phases = re.sub(r"^DEBUG:\s*", "", first)
        self.by_reason[reason] += 1
        self.examples.setdefault(reason, text.splitlines()[0] if text else "")


def probe(args, budget):
    conn = psycopg2.connect("")
    conn.autocommit = True
    out = open(args.notices_file, "w") if args.notices_file else None
    notices = NoticeCounter(out)
    conn.notices = notices
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    if args.min_calls is not None:
        cur.execute("SET azora_opt.advisor_min_calls = %s", (args.min_calls,))
    for setting in args.set:
        name, _, value = setting.partition("=")
        cur.execute(f"SET {name} = %s", (value,))
    done = threading.Event()
    peak = {"RssAnon": 0, "VmRSS": 0}
    watchdog = {"cancelled": False, "terminated": False}

    def sample():
        while not done.wait(0.02):
            st = status_kb(pid)
            for k in peak:
                peak[k] = max(peak[k], st.get(k, 0))

    def guard():
        if done.wait(args.timeout):
            return
        with psycopg2.connect("") as other:
            other.autocommit = True
            other.cursor().execute("SELECT pg_cancel_backend(%s)", (pid,))
            watchdog["cancelled"] = True
            if done.wait(30):
                return
            other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
            watchdog["terminated"] = True

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=guard, daemon=True)]
    for t in threads:
        t.start()
    error = None
    rows = index_bytes = 0
    cpu_start = cpu_seconds(pid)
    start = time.monotonic()
    try:
        cur.execute("SELECT count(*), coalesce(sum(index_bytes), 0)::bigint "
                    "FROM azora_opt.advise_indexes(%s)", (budget,))
        rows, index_bytes = cur.fetchone()
    except psycopg2.Error as e:
        message = e.diag.message_primary or (e.pgerror or str(e)).strip().splitlines()[0]
        error = (e.pgcode or "connection lost", message)
    seconds = time.monotonic() - start
    cpu = cpu_seconds(pid) - cpu_start
    st = status_kb(pid)
    done.set()
    for t in threads:
        t.join()
    for k in peak:
        peak[k] = max(peak[k], st.get(k, 0))
    try:
        conn.close()
    except psycopg2.Error:
        pass
    if out:
        out.close()
    return {"seconds": seconds, "cpu": cpu, "rows": rows, "index_bytes": index_bytes, "error": error,
            "anon_mb": peak["RssAnon"] / 1024, "hwm_mb": st.get("VmHWM", 0) / 1024,
            "notices": notices, **watchdog}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-calls", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--max-anon-mb", type=float, default=2048)
    parser.add_argument("--notices-file", help="the last call's NOTICEs, one first line each")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("budgets", nargs="+")
    args = parser.parse_args()
    failed = False
    all_notices = collections.Counter()
    examples = {}
    for text in args.budgets:
        r = probe(args, budget_bytes(text))
        n = sum(r["notices"].by_reason.values())
        all_notices.update(r["notices"].by_reason)
        for k, v in r["notices"].examples.items():
            examples.setdefault(k, v)
        line = (f"advise_indexes({text}): {r['seconds']:.1f} s ({r['cpu']:.1f} s CPU), peak private memory "
                f"{r['anon_mb']:.0f} MB (VmHWM {r['hwm_mb']:.0f} MB), {r['rows']} indexes "
                f"({r['index_bytes']} bytes), {n} notices")
        if r["error"]:
            line += f", ERROR {r['error'][0]}: {r['error'][1]}"
            failed = True
        if r["cancelled"]:
            line += f", CANCELLED after {args.timeout:g} s"
            if not r["error"]:
                line += (" yet it returned normally (the cancel was swallowed, unless it came as"
                         " the call ended)")
            failed = True
        if r["terminated"]:
            line += ", TERMINATED (the cancel was not honoured within 30 s)"
        if r["anon_mb"] > args.max_anon_mb:
            line += f", OVER the memory bound of {args.max_anon_mb:.0f} MB"
            failed = True
        print(line, flush=True)
        if r["notices"].phases:
            print(f"  {r['notices'].phases}", flush=True)
    print("notices over all calls, by reason:")
    for reason, count in all_notices.most_common():
        print(f"  {count:7d}  {reason}")
        print(f"           e.g. {examples[reason][:300]}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
