#!/usr/bin/env python3
"""cli_examples.py — runs every example command of docs/cli.md (test/sh/docs_cli.sh).

An example is a line `$ COMMAND` in a ```sh block; the lines after it are its documented output.
Checked: the exit status (0, or N when the line ends with a comment `# exit N`); that a
`--format json` command prints JSON valid against its command's schema in
test/docs/cli_json_schema.json (cli_json.py); that a text output documented as a table or as
expanded records (`-[ RECORD n ]`) has that shape, with the documented column or field names in
the documented order (a `...` stands for names left out); and that no line of an azora-opt
command's output (but `metrics`') is wider than 100 columns. Values are not compared (they come
from another run). Each command runs with bash (pipefail) in the caller's environment, where `azora-opt`
is on PATH, PG* name the primary and $PRIMARY / $STANDBY are conninfos of a primary and its
standby. A command ending in `&` is started in the background and stopped (SIGTERM) after the
block; commands after it are retried for up to 10 s until they exit as documented (the server it
started needs a moment). The documented fixed port 9188 is replaced with a free one, so two test
runs never collide.

Usage: cli_examples.py ROOT
"""
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time

FENCE_OPEN = re.compile(r"^\s*```sh\s*$")
FENCE_CLOSE = re.compile(r"^\s*```\s*$")
EXIT_MARK = re.compile(r"#\s*exit\s+(\d+)\b")


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_json  # noqa: E402


def azora_args(cmd):
    """The arguments of the azora-opt call in a shell command line, up to a pipe or redirect."""
    words = shlex.split(cmd, comments=True)
    if "azora-opt" not in words:
        return []
    out = []
    for w in words[words.index("azora-opt") + 1:]:
        if w in ("|", ">", "&", ";") or w.startswith(">") or w.startswith("|"):
            break
        out.append(w)
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def examples(path):
    """[[(line number, command, [documented output lines])] per ```sh block]."""
    blocks, current = [], None
    for k, line in enumerate(open(path, encoding="utf-8").read().split("\n"), start=1):
        if current is None:
            if FENCE_OPEN.match(line):
                current = []
        elif FENCE_CLOSE.match(line):
            blocks.append(current)
            current = None
        elif line.startswith("$ "):
            current.append((k, line[2:], []))
        elif current:
            current[-1][2].append(line)
    return blocks


def shape(lines):
    """("records", field names) for psql's expanded form, ("table", column names) for an aligned
    table (a header line over a -----+----- rule), None for anything else; "..." is dropped."""
    for i, line in enumerate(lines):
        if line.startswith("-[ RECORD"):
            names = []
            for field in lines[i + 1:]:
                if field.startswith("-[ RECORD"):
                    break
                m = re.match(r"^(\S.*?) +\|", field)
                if m and m.group(1) != "...":
                    names.append(m.group(1))
            return ("records", names)
        if "|" in line and i + 1 < len(lines) and re.match(r"^-+(\+-+)+$", lines[i + 1]):
            return ("table", [c.strip() for c in line.split("|") if c.strip() not in ("", "...")])
    return None


def in_order(part, whole):
    """Whether `part` is a subsequence of `whole`."""
    it = iter(whole)
    return all(name in it for name in part)


def text_problem(cmd, documented, stdout):
    """What is wrong with a text command's output against its documented lines, or None."""
    args = azora_args(cmd)
    if not args:
        return None
    if "metrics" not in args:
        wide = [ln for ln in stdout.split("\n") if len(ln) > 100]
        if wide:
            return f"a line of {len(wide[0])} columns (100 at most): {wide[0][:60]}..."
    want = shape(documented)
    if want is None:
        return None
    got = shape(stdout.split("\n"))
    if got is None or got[0] != want[0]:
        return f"documented as {want[0]}, printed {got[0] if got else 'neither table nor records'}"
    if not in_order(want[1], got[1]):
        return f"documented {want[0]} names {want[1]}, printed {got[1]}"
    return None


def main():
    root = sys.argv[1]
    rel = "docs/cli.md"
    port = str(free_port())
    failed = passed = 0
    for block in examples(os.path.join(root, rel)):
        background = []
        try:
            for line, command, documented in block:
                m = EXIT_MARK.search(command)
                want = int(m.group(1)) if m else 0
                cmd = command.replace("9188", port)
                if cmd.rstrip().endswith("&"):
                    background.append(subprocess.Popen(
                        ["bash", "-c", "exec " + cmd.rstrip()[:-1]], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True))
                    passed += 1
                    print(f"ok      {rel}:{line}: {command} (started)")
                    continue
                deadline = time.time() + (10 if background else 0)
                while True:
                    run = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                                         text=True, timeout=120)
                    if run.returncode == want or time.time() >= deadline:
                        break
                    time.sleep(0.2)
                problem = None
                if run.returncode != want:
                    problem = f"exit {run.returncode}, documented {want}"
                elif "--format json" in cmd and want == 0:
                    try:
                        errors = cli_json.problems(azora_args(cmd), json.loads(run.stdout))
                        if errors:
                            problem = "--format json output against its schema: " + "; ".join(errors[:3])
                    except ValueError as e:
                        problem = f"--format json printed no valid JSON ({e})"
                elif want == 0:
                    problem = text_problem(cmd, documented, run.stdout)
                if problem is None:
                    passed += 1
                    print(f"ok      {rel}:{line}: {command}")
                else:
                    failed += 1
                    print(f"FAILED  {rel}:{line}: {command}: {problem}")
                    for out in (run.stdout, run.stderr):
                        for ln in out.strip().split("\n")[-10:]:
                            if ln:
                                print(f"          {ln}")
        finally:
            for p in background:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
    print(f"{passed + failed} examples of {rel}: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
