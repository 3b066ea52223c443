#!/usr/bin/env python3
"""advisor_workload.py — prints N distinct statement shapes over the e-learning schema
(scripts/elearning.sql), each twice with different constants, for the advisor benchmark
(test/bench/advisor_bench.sh). Shapes differ in projection, filters (equality and range, one or
two), ORDER BY and table, so the tracker keeps N entries. A share of them (JOIN_SHARE, default
1/4) are joins of two or three tables along the schema's foreign keys, with filters on either
side. Deterministic (seeded). Usage: advisor_workload.py [N] [JOIN_SHARE]"""
import itertools
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
join_share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.25
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
tables["wallets"] = (["user_id", "balance", "currency", "updated_at"],
                     [("currency", "=", lambda: f"'{rng.choice(['NGN', 'KES', 'USD'])}'"),
                      ("balance", ">", lambda: str(rng.randint(0, 3300)))],
                     ["balance"])


def shapes_of(table, cols, filters, orders):
    projections = [", ".join(p) for k in (1, 2, 3) for p in itertools.combinations(cols, k)]
    filter_sets = [(f,) for f in filters] + list(itertools.permutations(filters, 2))
    return [(table, proj, fs, order)
            for proj in projections for fs in filter_sets for order in [None] + orders]


def aliased(alias, table):
    """The table's select columns, filters and orders, qualified with alias."""
    cols, filters, orders = tables[table]
    return ([f"{alias}.{c}" for c in cols], [(f"{alias}.{c}", op, v) for c, op, v in filters],
            [f"{alias}.{o}" for o in orders])


# Joins along the foreign keys: FROM clause -> the aliased tables whose columns it offers.
joins = {
    "users u JOIN enrollments e ON e.user_id = u.id": [("u", "users"), ("e", "enrollments")],
    "courses c JOIN enrollments e ON e.course_id = c.id": [("c", "courses"), ("e", "enrollments")],
    "courses c JOIN users u ON u.id = c.instructor_id": [("c", "courses"), ("u", "users")],
    "transactions t JOIN users u ON u.id = t.user_id": [("t", "transactions"), ("u", "users")],
    "wallets w JOIN users u ON u.id = w.user_id": [("w", "wallets"), ("u", "users")],
    "users u JOIN enrollments e ON e.user_id = u.id JOIN courses c ON c.id = e.course_id":
        [("u", "users"), ("e", "enrollments"), ("c", "courses")],
}
single = [s for table, spec in tables.items() for s in shapes_of(table, *spec)]
per_join = []
for from_clause, parts in joins.items():
    cols, filters, orders = [], [], []
    for alias, table in parts:
        c, f, o = aliased(alias, table)
        cols += c[:3]  # a few columns of each side keep the projections' count reasonable
        filters += f
        orders += o[:1]
    per_join.append(shapes_of(from_clause, cols, filters, orders))
    rng.shuffle(per_join[-1])
rng.shuffle(single)
# Round robin over the joins, so each join is as common as the others.
joined = [s for group in itertools.zip_longest(*per_join) for s in group if s is not None]
n_joined = round(n * join_share)
if len(single) < n - n_joined or len(joined) < n_joined:
    sys.exit(f"only {len(single)} single-table and {len(joined)} join shapes")
shapes = single[:n - n_joined] + joined[:n_joined]
rng.shuffle(shapes)
for table, proj, fs, order in shapes:
    for _ in range(2):
        where = " AND ".join(f"{c} {op} {v()}" for c, op, v in fs)
        tail = f" ORDER BY {order} DESC LIMIT 20" if order else ""
        print(f"SELECT {proj} FROM {table} WHERE {where}{tail};")
