#!/usr/bin/env python3
"""advisor_workload.py — prints N distinct statement shapes over the e-learning schema
(scripts/elearning.sql), each twice with different constants, for the advisor benchmark
(test/bench/advisor_bench.sh). Shapes differ in projection, filters (equality and range, one or
two), ORDER BY and table, so the tracker keeps N entries. Deterministic (seeded)."""
import itertools
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rng = random.Random(9)
# table -> (columns for the select list, filters: (column, operator, value generator), order columns)
tables = {
    "users": (["id", "name", "email", "country", "created_at"],
              [("email", "=", lambda: f"'user{rng.randint(1, 10000)}@example.com'"),
               ("country", "=", lambda: f"'{rng.choice(['NG', 'KE', 'GH', 'US'])}'"),
               ("created_at", ">", lambda: f"now() - interval '{rng.randint(1, 900)} days'"),
               ("name", "=", lambda: f"'User {rng.randint(1, 10000)}'")],
              ["created_at", "id"]),
    "courses": (["id", "title", "category", "price_cents", "rating", "created_at"],
                [("category", "=", lambda: f"'{rng.choice(['design', 'data', 'business'])}'"),
                 ("instructor_id", "=", lambda: str(rng.randint(1, 10000))),
                 ("price_cents", "<", lambda: str(rng.randint(100, 4000))),
                 ("published", "=", lambda: rng.choice(["true", "false"])),
                 ("created_at", ">", lambda: f"now() - interval '{rng.randint(1, 600)} days'")],
                ["created_at", "price_cents", "id"]),
    "transactions": (["id", "user_id", "amount", "kind", "created_at"],
                     [("user_id", "=", lambda: str(rng.randint(1, 10000))),
                      ("kind", "=", lambda: f"'{rng.choice(['deposit', 'refund', 'payout'])}'"),
                      ("created_at", ">", lambda: f"now() - interval '{rng.randint(1, 9000)} minutes'"),
                      ("amount", ">", lambda: str(rng.randint(0, 140)))],
                     ["created_at", "amount", "id"]),
    "jobs": (["id", "title", "company", "salary", "category", "created_at"],
             [("category", "=", lambda: f"'{rng.choice(['data', 'sales', 'design'])}'"),
              ("company", "=", lambda: f"'Company {rng.randint(0, 499)}'"),
              ("salary", ">", lambda: str(rng.randint(30000, 110000))),
              ("remote", "=", lambda: rng.choice(["true", "false"])),
              ("created_at", ">", lambda: f"now() - interval '{rng.randint(1, 300)} days'")],
             ["created_at", "salary", "id"]),
    "enrollments": (["user_id", "course_id", "progress", "enrolled_at"],
                    [("course_id", "=", lambda: str(rng.randint(1, 2000))),
                     ("progress", ">", lambda: str(rng.randint(0, 100))),
                     ("enrolled_at", ">", lambda: f"now() - interval '{rng.randint(1, 300)} days'")],
                    ["enrolled_at", "progress"]),
}
shapes = []
for table, (cols, filters, orders) in tables.items():
    projections = [", ".join(p) for k in (1, 2, 3) for p in itertools.combinations(cols, k)]
    filter_sets = [(f,) for f in filters] + list(itertools.permutations(filters, 2))
    for proj in projections:
        for fs in filter_sets:
            for order in [None] + orders:
                shapes.append((table, proj, fs, order))
rng.shuffle(shapes)
if len(shapes) < n:
    sys.exit(f"only {len(shapes)} shapes")
for table, proj, fs, order in shapes[:n]:
    for _ in range(2):
        where = " AND ".join(f"{c} {op} {v()}" for c, op, v in fs)
        tail = f" ORDER BY {order} DESC LIMIT 20" if order else ""
        print(f"SELECT {proj} FROM {table} WHERE {where}{tail};")
