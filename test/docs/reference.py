#!/usr/bin/env python3
"""reference.py — the extension's settings and SQL functions against README.md and docs/
(test/sh/docs_reference.sh). Checks, both ways:

  * every azora_opt.NAME the docs mention is a setting, a function, a view or one of the
    extension's files (FILES below); a setting mentioned exists in the server;
  * every setting has a row in a docs table whose first column is "GUC", and that row's default
    equals the server's (boot_val, compared in the setting's unit: `64MB` = 65536 kB) and its
    context column (postmaster/restart, reload, superuser, user) equals pg_settings.context;
  * every function of schema azora_opt (pg_proc) appears in the docs as azora_opt.NAME(...)
    or `NAME(...)`, every azora_opt.NAME(...) the docs write and every row of a docs table
    headed "function" exists, and a documented signature `azora_opt.NAME(arg type, ...) →`
    (also `NAME(arg type, ...) →` in such a table) names the function's input arguments in
    order.

Usage: reference.py ROOT (libpq's PG* variables name a database with the extension created).
"""
import json
import os
import re
import subprocess
import sys

# Names after "azora_opt." that are files, not database objects.
FILES = {"so", "control", "stat"}

MEMORY = {"B": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
TIME = {"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
CONTEXTS = {"postmaster": "postmaster", "restart": "postmaster", "reload": "sighup",
            "sighup": "sighup", "superuser": "superuser", "user": "user", "any user": "user"}


def sql_json(query):
    run = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", query],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"psql failed: {run.stderr.strip()}\n{query}")
    out = run.stdout.strip()
    return json.loads(out) if out else None


def md_files(root):
    files = [os.path.join(root, "README.md")]
    for d, _, names in os.walk(os.path.join(root, "docs")):
        files += [os.path.join(d, n) for n in names if n.endswith(".md")]
    return sorted(files)


def unit_factor(unit):
    """(kind, factor) of a pg_settings unit ('8kB', 'ms', ...) or a documented one."""
    m = re.fullmatch(r"(\d*)\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)", unit or "")
    if not m:
        return None, 1
    n = int(m.group(1) or 1)
    if m.group(2) in MEMORY:
        return "memory", n * MEMORY[m.group(2)]
    return "time", n * TIME[m.group(2)]


def same_default(doc, setting):
    """Whether a documented default (as written in the table) is the setting's boot value."""
    vartype, boot, unit = setting["vartype"], setting["boot_val"], setting["unit"]
    if vartype == "bool":
        norm = {"on": "on", "true": "on", "off": "off", "false": "off"}
        return norm.get(doc.lower()) == norm.get(boot.lower())
    if vartype in ("integer", "real"):
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)", doc)
        if not m:
            return False
        value = float(m.group(1))
        if m.group(2):
            kind, factor = unit_factor(m.group(2))
            pg_kind, pg_factor = unit_factor(unit)
            if kind is None or kind != pg_kind:
                return False
            value = value * factor / pg_factor
        return abs(value - float(boot)) < 1e-9 * max(1.0, abs(float(boot)))
    return doc == boot


def main():
    root = sys.argv[1]
    failures = []
    settings = {s["name"]: s for s in sql_json(
        "SELECT json_agg(json_build_object('name', name, 'boot_val', boot_val, 'unit', unit, "
        "'vartype', vartype, 'context', context)) FROM pg_settings WHERE name LIKE 'azora_opt.%'")}
    functions = {}
    for f in sql_json("SELECT json_agg(json_build_object('name', proname, 'names', proargnames, "
                      "'modes', proargmodes)) FROM pg_proc WHERE pronamespace = 'azora_opt'::regnamespace"):
        names, modes = f["names"] or [], f["modes"]
        args = [n for k, n in enumerate(names) if modes is None or modes[k] in ("i", "b", "v")]
        functions.setdefault(f["name"], []).append(args)
    relations = set(sql_json("SELECT json_agg(relname) FROM pg_class "
                             "WHERE relnamespace = 'azora_opt'::regnamespace") or [])

    def hidden_setting(name):  # GUC_NO_SHOW_ALL settings are not in pg_settings
        return sql_json(f"SELECT to_json(current_setting('{name}', true))")

    documented_gucs = {}
    mentioned_functions = set()
    signatures = 0
    for path in md_files(root):
        rel = os.path.relpath(path, root)
        lines = open(path, encoding="utf-8").read().split("\n")
        text = "\n".join(lines)
        # Mentions: azora_opt.NAME and azora_opt.NAME(.
        for m in re.finditer(r"azora_opt\.([A-Za-z_][A-Za-z0-9_]*)(\()?", text):
            name, call = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            if name.isupper():  # a placeholder, as in "azora_opt.NAME"
                continue
            if call:
                mentioned_functions.add(name)
                if name not in functions:
                    failures.append(f"{rel}:{line}: azora_opt.{name}() is not a function of "
                                    "schema azora_opt")
            elif not (name in functions or name in relations or name in FILES
                      or f"azora_opt.{name}" in settings
                      or hidden_setting(f"azora_opt.{name}") is not None):
                failures.append(f"{rel}:{line}: azora_opt.{name} is not a setting, function, "
                                "view or file of the extension")
        for m in re.finditer(r"`([a-z_][a-z0-9_]*)\(", text):
            if m.group(1) in functions:
                mentioned_functions.add(m.group(1))
        # Signatures: azora_opt.NAME(arg type [DEFAULT ...], ...) →
        for m in re.finditer(r"(?:azora_opt\.|`)([A-Za-z_][A-Za-z0-9_]*)\(([^()`]*(?:\([^()`]*\)[^()`]*)*)\)\s*→",
                             text):
            name, args = m.group(1), m.group(2)
            if name not in functions:
                continue
            signatures += 1
            names = [a.split()[0] for a in re.split(r",(?![^(]*\))", args) if a.strip()]
            if names not in functions[name]:
                line = text.count("\n", 0, m.start()) + 1
                failures.append(f"{rel}:{line}: azora_opt.{name}({', '.join(names)}) documented, "
                                f"but its input arguments are "
                                + " or ".join("(" + ", ".join(a) + ")" for a in functions[name]))
        # GUC tables: a header row whose first cell is "GUC".
        header = None
        for k, line in enumerate(lines, start=1):
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else None
            if cells is None:
                header = None
                continue
            if cells[0] in ("GUC", "function"):
                header = [c.lower() for c in cells]
                continue
            if header is None or set(line.replace("|", "").strip()) <= set("-: "):
                continue
            if header[0] == "function":  # a row `NAME(args) → type`: NAME must exist
                f = re.match(r"`(?:azora_opt\.)?([A-Za-z_][A-Za-z0-9_]*)\(", cells[0])
                if not f or f.group(1) not in functions:
                    failures.append(f"{rel}:{k}: {cells[0]} is not a function of schema azora_opt")
                continue
            name = cells[0].strip("`")
            row = dict(zip(header, (c.strip("`") for c in cells)))
            documented_gucs[name] = (f"{rel}:{k}", row)

    for name, (where, row) in sorted(documented_gucs.items()):
        s = settings.get(name)
        if s is None:
            value = hidden_setting(name)
            if value is None:
                failures.append(f"{where}: {name} is documented but is not a setting of the server")
            elif not same_default(row.get("default", ""), {"vartype": "string", "boot_val": value, "unit": None}):
                failures.append(f"{where}: {name} default documented as '{row.get('default')}', "
                                f"the server's is '{value}'")
            continue
        if not same_default(row.get("default", ""), s):
            failures.append(f"{where}: {name} default documented as '{row.get('default')}', the "
                            f"server's is '{s['boot_val']}'" + (f" {s['unit']}" if s["unit"] else ""))
        doc_context = row.get("context", row.get("who"))
        if CONTEXTS.get((doc_context or "").lower()) != s["context"]:
            failures.append(f"{where}: {name} context documented as '{doc_context}', the server's "
                            f"is '{s['context']}'")
    for name in sorted(settings):
        if name not in documented_gucs:
            failures.append(f"{name} (pg_settings) has no row in a docs GUC table")
    for name in sorted(functions):
        if name not in mentioned_functions:
            failures.append(f"azora_opt.{name}() (pg_proc) is not documented in README.md or docs/")

    for f in failures:
        print("FAIL: " + f)
    print(f"{len(settings)} settings in pg_settings, {len(documented_gucs)} in docs tables; "
          f"{len(functions)} functions, {signatures} documented signatures: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
