#!/usr/bin/env python3
"""cli_examples.py — runs every example command of docs/cli.md (test/sh/docs_cli.sh).

An example is a line `$ COMMAND` in a ```sh block; the lines after it are its documented output
and are not checked here. Checked: the exit status (0, or N when the line ends with a comment
`# exit N`), and that a `--format json` command prints JSON valid against its command's schema
in test/docs/cli_json_schema.json (cli_json.py); other printed output is not checked here. Each command runs with bash (pipefail) in the caller's environment, where `azora-opt`
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
    """[[(line number, command)] per ```sh block]."""
    blocks, current = [], None
    for k, line in enumerate(open(path, encoding="utf-8").read().split("\n"), start=1):
        if current is None:
            if FENCE_OPEN.match(line):
                current = []
        elif FENCE_CLOSE.match(line):
            blocks.append(current)
            current = None
        elif line.startswith("$ "):
            current.append((k, line[2:]))
    return blocks


def main():
    root = sys.argv[1]
    rel = "docs/cli.md"
    port = str(free_port())
    failed = passed = 0
    for block in examples(os.path.join(root, rel)):
        background = []
        try:
            for line, command in block:
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
