#!/usr/bin/env python3
"""sql_blocks.py — runs every ```sql block of README.md and docs/**/*.md (test/sh/docs_sql.sh).

Each block runs with psql -f in its own fresh session, in its own fresh database copied from a
template that holds the demo schema and data (scripts/elearning.sql) and the extension, so a
block that writes (UPDATE, CREATE INDEX, ...) leaves nothing behind for the next one; the
demo's endpoint queries have run there first (WORKLOAD). A block
that creates the extension itself (CREATE EXTENSION azora_opt) gets a copy without it. ALTER
SYSTEM is undone after the block (ALTER SYSTEM RESET ALL and a reload).

What a block may say, in SQL comments (psql ignores them when running the block):
  -- error: SSSSS    the statement just before (on the same line, or the last one above the
                     comment) must fail with SQLSTATE SSSSS. Documented "-- ERROR:  ...",
                     "-- DETAIL:  ..." and "-- HINT:  ..." lines right below it must equal the
                     server's message, detail and hint. Any other error fails the block.
  -- result: TEXT    after a one-line statement: its output (psql -At: columns joined by |,
                     one line per row) must be exactly TEXT.
Every other "-- ..." line is documented output for the reader and is not checked.

Usage: sql_blocks.py ROOT TEMPLATE_WITH_EXTENSION TEMPLATE_WITHOUT_EXTENSION WORKDIR
(libpq's PG* variables name the server; the caller creates both templates).
"""
import os
import re
import subprocess
import sys
import time

# Blocks of docs/extension/cache.md known to fail, each with why. cache.md is being rewritten
# by the result cache's own work and is not edited from here; nothing else may be listed.
# Strict: a listed block that passes, or an entry that matches no block, is a failure (so the
# list shrinks as the page is fixed). Key: (file, a piece of the block's text).
PENDING = {}

# Before each block (in its database with the extension), the demo's endpoint queries
# (scripts/demo/30-workload.sh) run twice, so the tracker, query_plan() and advise_indexes()
# have the statements a reader who ran `make demo` has (the tracker keys entries by database).
WORKLOAD = [
    "SELECT id, title, category, rating FROM courses WHERE published "
    "ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET 980",
    "SELECT w.balance, t.amount, t.kind FROM wallets w JOIN transactions t ON t.user_id = w.user_id "
    "WHERE w.user_id = 4242 ORDER BY t.created_at DESC LIMIT 10",
    "SELECT id, title, company, salary FROM jobs WHERE category = 'data' AND remote "
    "ORDER BY created_at DESC LIMIT 20",
    "SELECT id, name FROM users WHERE email = 'user5@example.com'",
] * 2

FENCE_OPEN = re.compile(r"^(\s*)```sql\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")
ERROR_MARK = re.compile(r"--\s*error:\s*([0-9A-Z]{5})\b")
RESULT_MARK = re.compile(r"--\s*result:\s?(.*)$")
DOC_MSG = re.compile(r"^\s*--\s*(ERROR|DETAIL|HINT):\s+(.*?)\s*$")
# psql -f with VERBOSITY=verbose: "psql:FILE:LINE: ERROR:  SSSSS: message" (psql's own
# errors are "psql:FILE:LINE: error: ..." and have no SQLSTATE).
# psql's own warnings ("\gexec: extra argument ... ignored") fail a block too.
PSQL_ERROR = re.compile(r"^psql:[^:]*:(\d+): (ERROR|FATAL|PANIC|error|warning):\s+(?:([0-9A-Z]{5}): )?(.*)$")
PSQL_MESSAGE = re.compile(r"^psql:[^:]*:\d+: ")


def md_files(root):
    files = ["README.md"]
    for d, _, names in os.walk(os.path.join(root, "docs")):
        for n in names:
            if n.endswith(".md"):
                files.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(set(files), key=lambda f: (f != "README.md", f))


def blocks_of(root, rel):
    """[(first line number in the file, [lines])] of the ```sql blocks, dedented."""
    out = []
    lines = open(os.path.join(root, rel), encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        start = i + 1
        j = start
        while j < len(lines) and not FENCE_CLOSE.match(lines[j]):
            j += 1
        if j == len(lines):
            raise SystemExit(f"{rel}:{i + 1}: unterminated ```sql block")
        body = [ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines[start:j]]
        out.append((start + 1, body))
        i = j + 1
    return out


def code_part(line):
    """The line without a trailing -- comment (good enough for the docs' SQL: no '--' in strings)."""
    in_str = False
    for k, ch in enumerate(line):
        if ch == "'":
            in_str = not in_str
        elif not in_str and line.startswith("--", k):
            return line[:k]
    return line


def statement_line(body, k):
    """1-based line of the statement a comment on body[k] refers to: that line if it holds
    code, else the nearest line above with code."""
    while k >= 0:
        if code_part(body[k]).strip():
            return k + 1
        k -= 1
    return None


def expectations(body):
    """({statement line: [sqlstate, documented {ERROR,DETAIL,HINT}]}, [(line, text)], problems)."""
    errors, results, problems = {}, [], []
    for k, line in enumerate(body):
        m = ERROR_MARK.search(line)
        if m:
            at = statement_line(body, k)
            if at is None:
                problems.append(f"line {k + 1}: '-- error:' with no statement above it")
                continue
            documented = {}
            j = k + 1
            while j < len(body):
                d = DOC_MSG.match(body[j])
                if not d:
                    break
                documented[d.group(1)] = d.group(2)
                j += 1
            errors.setdefault(at, []).append((m.group(1), documented))
        r = RESULT_MARK.search(line)
        if r:
            if not code_part(line).strip():
                problems.append(f"line {k + 1}: '-- result:' must follow a one-line statement")
            else:
                results.append((k + 1, r.group(1).strip()))
    return errors, results, problems


def parse_errors(stderr, line_map):
    """[(block line, sqlstate or None, {ERROR, DETAIL, HINT})] from psql's stderr."""
    found = []
    current = None
    for line in stderr.split("\n"):
        m = PSQL_ERROR.match(line)
        if m:
            gen_line = int(m.group(1))
            block_line = line_map.get(gen_line, gen_line)
            current = {"ERROR": m.group(4).strip()}
            found.append((block_line, m.group(3), current))
            continue
        if PSQL_MESSAGE.match(line):
            current = None  # a NOTICE or WARNING: its DETAIL/HINT lines are not the error's
            continue
        if current is not None:
            for key in ("DETAIL", "HINT"):
                if line.startswith(key + ":"):
                    current[key] = line[len(key) + 1:].strip()
    return found


def psql(args, **kw):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"] + args,
                          capture_output=True, text=True, **kw)


def run_block(rel, first_line, body, n, templates, work):
    """Runs one block; returns a list of failure messages (empty: it passed)."""
    text = "\n".join(body)
    creates_ext = re.search(r"(?im)^\s*CREATE\s+EXTENSION\s+(IF\s+NOT\s+EXISTS\s+)?azora_opt\b", text)
    template = templates[1] if creates_ext else templates[0]
    errors_want, results_want, problems = expectations(body)
    if problems:
        return problems
    db = f"docs_block_{n}"
    # Generated script: the block, with \o around each '-- result:' line; line_map takes a
    # generated line back to the block's line.
    gen, line_map = [], {}
    result_files = {}
    for k, line in enumerate(body, start=1):
        out_file = None
        if any(at == k for at, _ in results_want):
            out_file = os.path.join(work, f"block{n}_line{k}.out")
            result_files[k] = out_file
            gen.append(f"\\o {out_file}")
        gen.append(line)
        line_map[len(gen)] = k
        if out_file:
            gen.append("\\o")
    script = os.path.join(work, f"block{n}.sql")
    with open(script, "w", encoding="utf-8") as f:
        f.write("\n".join(gen) + "\n")

    made = psql(["-d", "postgres", "-c",
                 f"CREATE DATABASE {db} TEMPLATE {template} STRATEGY FILE_COPY"])
    if made.returncode != 0:
        return [f"could not create its database: {made.stderr.strip()}"]
    if not creates_ext:
        warm = psql(["-d", db] + [a for sql in WORKLOAD for a in ("-c", sql)])
        if warm.returncode != 0:
            psql(["-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"])
            return [f"the demo workload failed: {warm.stderr.strip()}"]
    try:
        try:
            run = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=0", "-v",
                                  "VERBOSITY=verbose", "-d", db, "-f", script],
                                 capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return ["did not finish in 300 s"]
        with open(os.path.join(work, f"block{n}.log"), "w", encoding="utf-8") as f:
            f.write(run.stdout + "\n--- stderr\n" + run.stderr)
        failures = []
        if run.returncode != 0:
            failures.append(f"psql exited {run.returncode}: {run.stderr.strip()[-500:]}")
        got = parse_errors(run.stderr, line_map)
        got_by_line = {}
        for at, state, msg in got:
            got_by_line.setdefault(at, []).append((state, msg))
        for at in sorted(set(got_by_line) | set(errors_want)):
            want = errors_want.get(at, [])
            have = got_by_line.get(at, [])
            if [w[0] for w in want] != [h[0] for h in have]:
                for state, msg in have:
                    if state not in [w[0] for w in want]:
                        failures.append(f"line {first_line + at - 1}: unexpected error "
                                        f"{state or '(psql)'}: {msg['ERROR']}"
                                        + (f" (HINT: {msg['HINT']})" if "HINT" in msg else ""))
                for state, _ in want:
                    if state not in [h[0] for h in have]:
                        failures.append(f"line {first_line + at - 1}: documented error {state} "
                                        "did not happen"
                                        + (f" (got {', '.join(str(h[0]) for h in have)})" if have else ""))
                continue
            for (state, documented), (_, msg) in zip(want, have):
                for key, doc in documented.items():
                    if msg.get(key) != doc:
                        failures.append(f"line {first_line + at - 1}: documented {key} '{doc}' "
                                        f"but the server says '{msg.get(key)}'")
        for at, want in results_want:
            try:
                have = open(result_files[at], encoding="utf-8").read().strip("\n")
            except OSError:
                have = None
            if have != want:
                failures.append(f"line {first_line + at - 1}: documented result '{want}' "
                                f"but got '{have}'")
        return failures
    finally:
        if re.search(r"(?i)\bALTER\s+SYSTEM\b", text):
            psql(["-d", "postgres", "-c", "ALTER SYSTEM RESET ALL", "-c", "SELECT pg_reload_conf()"])
        psql(["-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"])


def main():
    root, with_ext, without_ext, work = sys.argv[1:5]
    for (f, _), why in PENDING.items():
        assert f == "docs/extension/cache.md", "only cache.md may have pending blocks"
    used = set()
    failed = passed = pending = 0
    n = 0
    start = time.time()
    for rel in md_files(root):
        for first_line, body in blocks_of(root, rel):
            n += 1
            where = f"{rel}:{first_line}"
            text = "\n".join(body)
            keys = [k for k in PENDING if k[0] == rel and k[1] in text]
            used.update(keys)
            t0 = time.time()
            failures = run_block(rel, first_line, body, n, (with_ext, without_ext), work)
            took = f"{time.time() - t0:.1f} s"
            if keys:
                if failures:
                    pending += 1
                    print(f"pending {where} ({took}): {PENDING[keys[0]]}")
                    for msg in failures:
                        print(f"          {msg}")
                else:
                    failed += 1
                    print(f"FAILED  {where} ({took}): listed as pending but passes now: "
                          "remove it from PENDING in test/docs/sql_blocks.py")
            elif failures:
                failed += 1
                print(f"FAILED  {where} ({took})")
                for msg in failures:
                    print(f"          {msg}")
            else:
                passed += 1
                print(f"ok      {where} ({took})")
    for key in PENDING:
        if key not in used:
            failed += 1
            print(f"FAILED  pending entry {key} matches no ```sql block: remove it")
    print(f"{n} sql blocks: {passed} passed, {failed} failed, {pending} pending (cache.md) "
          f"in {time.time() - start:.0f} s")
    if n == 0:
        print("FAILED  no ```sql block found: the extraction is broken")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
