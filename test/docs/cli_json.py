#!/usr/bin/env python3
"""cli_json.py — validates azora-opt's --format json output against test/docs/cli_json_schema.json.

  cli_json.py ARGS...   reads the JSON on stdin; ARGS are the azora-opt arguments it came from
                        (e.g. --format json indexes --redundant); the command they name picks the
                        schema. Exit 0 when valid, 1 (with the errors) otherwise.
"""
import json
import os
import sys

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli_json_schema.json")
OPTIONS_WITH_VALUE = {"-d", "--dsn", "--dbname", "-h", "--host", "-p", "--port", "-U",
                      "--username", "--format"}


def command_key(args):
    """The schema key of an azora-opt command line: 'report', 'cache stats', 'indexes --unused'."""
    words, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in OPTIONS_WITH_VALUE:
            skip = True
        elif a.startswith("-") and not (a in ("--unused", "--redundant")):
            continue
        else:
            words.append(a)
    if not words:
        return None
    if words[0] == "cache" and len(words) > 1:
        return "cache " + words[1]
    if words[0] == "indexes":
        return "indexes --unused" if "--unused" in args else "indexes --redundant"
    return words[0]


def problems(args, doc):
    schema = json.load(open(SCHEMA_PATH, encoding="utf-8"))
    key = command_key(args)
    if key not in schema["commands"]:
        return [f"no schema for '{key}' in {SCHEMA_PATH}"]
    sub = dict(schema["commands"][key])
    sub["$defs"] = schema["$defs"]
    validator = jsonschema.Draft202012Validator(sub)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in validator.iter_errors(doc)]


def main():
    try:
        doc = json.load(sys.stdin)
    except ValueError as e:
        print(f"not JSON: {e}")
        return 1
    errors = problems(sys.argv[1:], doc)
    for e in errors[:10]:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
