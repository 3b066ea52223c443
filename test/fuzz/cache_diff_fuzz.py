#!/usr/bin/python3
"""cache_diff_fuzz.py — a seeded, randomized differential fuzzer for azora_opt's result cache.

One driver process holds FUZZ_SESSIONS connections and issues one operation at a time, chosen
by a seeded RNG from a grammar (writes, DDL, SET, SET ROLE, transaction control, cached reads),
so a seed replays exactly and no cached read races its direct comparison. Every cached read
    azora_opt.cached_json(key, query)                      by session S, then at once
    SELECT coalesce(json_agg(q), '[]'::json) FROM (query) q  by S (same role, settings, txn)
must give the same rows (a multiset unless the query has ORDER BY) or the same SQLSTATE.
The first difference prints the seed, the operation number, both results and the last 50
operations of all sessions, and exits 1. At the end it prints the counts and the cache's hits
during the run, and fails if there were none (a run without hits proves nothing).

Environment:
  FUZZ_SEED      RNG seed (default 20261203)          FUZZ_OPS       operations (default 20000)
  FUZZ_SESSIONS  connections (default 4)               FUZZ_FOCUS     one grammar class (or a
                 comma list): names partitions inheritance functions settings privileges ddl
                 sequences (default: all)
  FUZZ_BYPASS=1  a new key for every read (always a miss): checks the fuzzer has no false
                 positives against the direct query itself
  FUZZ_KEEP_GOING=1  count differences instead of stopping at the first
  FUZZ_DB        scratch database, dropped and recreated (default azora_fuzz)
  FUZZ_VERBOSE=1 print every operation
Connection: libpq's environment (PGHOST, PGPORT, PGUSER=a superuser, ...).
"""
import collections
import io
import json
import os
import random
import sys
import time
import traceback

import psycopg2
import psycopg2.extensions as ext

SEED = int(os.environ.get("FUZZ_SEED", "20261203"))
OPS = int(os.environ.get("FUZZ_OPS", "20000"))
NSESS = int(os.environ.get("FUZZ_SESSIONS", "4"))
FOCUS = [f for f in os.environ.get("FUZZ_FOCUS", "").replace(" ", "").split(",") if f]
BYPASS = os.environ.get("FUZZ_BYPASS", "0") == "1"
KEEP_GOING = os.environ.get("FUZZ_KEEP_GOING", "0") == "1"
DB = os.environ.get("FUZZ_DB", "azora_fuzz")
VERBOSE = os.environ.get("FUZZ_VERBOSE", "0") == "1"
CLASSES = ["names", "partitions", "inheritance", "functions", "settings", "privileges", "ddl",
           "sequences"]
ROLES = ["alice", "bob", "carol"]
# A read whose direct side waited for a lock held by another session's open transaction (or
# a prepared one) is inconclusive: a hit legitimately serves the last committed state. (A
# statement_timeout, 57014, is not: nothing should wait 20 s here, so it counts as an answer.)
INCONCLUSIVE = {"55P03"}

# ---------------------------------------------------------------------------------------------
# The world: created once by the superuser before the run.
SETUP = r"""
CREATE EXTENSION azora_opt;
GRANT CREATE ON SCHEMA public TO carol;
CREATE SCHEMA app; CREATE SCHEMA other; CREATE SCHEMA vault; CREATE SCHEMA sd;
GRANT USAGE ON SCHEMA app, other, sd TO PUBLIC;
GRANT USAGE ON SCHEMA vault TO alice;
ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO PUBLIC;

-- names
CREATE TABLE t (id int PRIMARY KEY, v int);
INSERT INTO t SELECT g, g * 10 FROM generate_series(1, 5) g;
CREATE TABLE w (id int, x text);
INSERT INTO w SELECT g, 'w' || g FROM generate_series(1, 6) g;

-- partitions
CREATE TABLE m (id int, k int, v int) PARTITION BY RANGE (k);
CREATE TABLE m0 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE sd.m2 PARTITION OF m FOR VALUES FROM (20) TO (30);
CREATE TABLE sd.x (id int);
INSERT INTO sd.x VALUES (1), (2);
CREATE TABLE m1 (id int, k int, v int);
INSERT INTO m SELECT g, g % 10, g FROM generate_series(1, 6) g;
INSERT INTO m SELECT g, 20 + g % 10, g FROM generate_series(7, 9) g;
INSERT INTO m1 SELECT g, 10 + g % 10, g FROM generate_series(10, 13) g;

-- inheritance
CREATE TABLE p (id int, v int);
CREATE TABLE c1 () INHERITS (p);
CREATE TABLE c3 (id int, v int);
INSERT INTO p VALUES (1, 10), (2, 20);
INSERT INTO c1 VALUES (3, 30), (4, 40);
INSERT INTO c3 VALUES (5, 50);

-- functions
CREATE TABLE ft (id int, v int);
INSERT INTO ft SELECT g, g FROM generate_series(1, 5) g;
CREATE FUNCTION f_imm(x int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT x * 2 + 0';
CREATE FUNCTION f_imm_pl(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS 'BEGIN RETURN x + 0; END';
CREATE FUNCTION f_stable() RETURNS bigint STABLE LANGUAGE sql AS 'SELECT count(*) FROM ft';
CREATE FUNCTION f_stable_pl() RETURNS bigint STABLE LANGUAGE plpgsql
  AS 'BEGIN RETURN (SELECT coalesce(sum(v), 0) FROM ft); END';
CREATE FUNCTION f_vol() RETURNS bigint VOLATILE LANGUAGE plpgsql
  AS 'BEGIN RETURN (SELECT coalesce(max(v), 0) FROM ft); END';
CREATE FUNCTION f_vol_sql() RETURNS bigint VOLATILE LANGUAGE sql AS 'SELECT count(*) FROM ft WHERE v > 2';
CREATE FUNCTION f_me() RETURNS name STABLE LANGUAGE sql AS 'SELECT current_user';
CREATE TABLE owned (id int, owner name, tenant text, v int);
INSERT INTO owned VALUES (1, 'alice', 'a', 1), (2, 'bob', 'b', 2), (3, 'carol', 'a', 3),
                         (4, 'postgres', 'b', 4), (5, 'alice', 'b', 5);
CREATE VIEW v_gpu AS SELECT id, v FROM owned WHERE owner = getpgusername();
CREATE VIEW v_cu AS SELECT id, v FROM owned WHERE owner = current_user;

-- settings
CREATE TABLE ev (id int, ts timestamptz, iv interval, f float8, r real, b bytea, n numeric);
INSERT INTO ev VALUES
  (1, '2024-03-10 23:30:00+00', '1 day 02:03:04', 0.1, 0.1, '\x00ff41', 1.50),
  (2, '2024-07-01 03:15:00+00', '-1 year -2 mons +3 days 04:05:06.5', 1.0 / 3, 2.5, 'abc', 0.001),
  (3, '2024-12-31 22:00:00-05', '14 days', 1e100, 3.4e38, '\x5c27', -7);
CREATE VIEW v_tenant AS SELECT id, v FROM owned WHERE tenant = current_setting('app.tenant', true);

-- privileges
CREATE TABLE vault.t (id int, secret text);
INSERT INTO vault.t VALUES (1, 's1'), (2, 's2');
REVOKE ALL ON vault.t FROM PUBLIC;
GRANT SELECT ON vault.t TO alice, bob;
CREATE TABLE pt (id int, a text, b text);
INSERT INTO pt VALUES (1, 'a1', 'b1'), (2, 'a2', 'b2');
REVOKE ALL ON pt FROM PUBLIC;
GRANT SELECT ON pt TO alice, carol;
GRANT SELECT (id, a) ON pt TO bob;
CREATE VIEW pv AS SELECT id, a FROM pt;
CREATE VIEW pv2 AS SELECT id, b FROM pt;
ALTER VIEW pv2 OWNER TO carol;
CREATE FUNCTION fx(x int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT x + 1000';
REVOKE EXECUTE ON FUNCTION fx(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fx(int) TO alice;
CREATE TABLE rt (id int, owner name, v int);
INSERT INTO rt VALUES (1, 'alice', 1), (2, 'bob', 2), (3, 'carol', 3);
CREATE POLICY p_own ON rt USING (owner = current_user);

-- ddl
CREATE TABLE m4 PARTITION OF m FOR VALUES FROM (40) TO (50);
INSERT INTO m4 VALUES (60, 45, 5);
ALTER TABLE m4 OWNER TO carol;
CREATE TABLE c4 () INHERITS (p);
INSERT INTO c4 VALUES (60, 60);
ALTER TABLE c4 OWNER TO carol;
SET ROLE carol;
CREATE TABLE co (id int, v int);
INSERT INTO co VALUES (1, 1), (2, 2);
CREATE VIEW cov AS SELECT id, v * 2 AS v2 FROM co;
GRANT ALL ON co, cov TO PUBLIC;
RESET ROLE;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE mt (id int, md mood);
INSERT INTO mt VALUES (1, 'sad'), (2, 'ok'), (3, 'happy'), (4, 'ok');
CREATE TABLE ct (id int, v int);
INSERT INTO ct VALUES (1, 1), (2, 2), (3, 3);
CREATE VIEW cv AS SELECT id, v FROM ct WHERE v > 1;
CREATE TABLE rv (id int, v int);
CREATE TABLE ct_log (id int);

-- sequences
CREATE SEQUENCE sq;
CREATE TABLE sqt (id serial, x int);
INSERT INTO sqt (x) VALUES (1), (2);
"""

# ---------------------------------------------------------------------------------------------
# The cached reads: (id, classes, query, ordered, params). ordered: the query's ORDER BY is a
# total order of its rows, so the order is compared too; otherwise rows are a multiset.
READS = [
    # names: t and w resolve by search_path (app.t, other.t, temp t, a view app.t, renames)
    ("n1", "names", "SELECT id, v FROM t", False, None),
    ("n2", "names", "SELECT count(*) AS n, sum(v) AS s FROM t", False, None),
    ("n3", "names", "SELECT t.id, t.v, w.x FROM t JOIN w ON w.id = t.id", False, None),
    ("n4", "names", "SELECT v FROM t WHERE id = $1", False, ["2"]),
    ("n5", "names", "SELECT id, v FROM t ORDER BY id, v", True, None),
    ("n6", "names", "SELECT x FROM w WHERE id < 4", False, None),
    # partitions
    ("p1", "partitions ddl", "SELECT count(*) AS n, sum(v) AS s FROM m", False, None),
    ("p2", "partitions", "SELECT count(*) AS n, sum(v) AS s FROM m1", False, None),
    ("p3", "partitions", "SELECT id, k, v FROM m WHERE k >= 10 AND k < 20", False, None),
    ("p4", "partitions", "SELECT id, k, v FROM m0", False, None),
    ("p5", "partitions ddl", "SELECT tableoid::regclass AS part, count(*) AS n FROM m GROUP BY 1", False, None),
    ("p6", "partitions", "SELECT k, v FROM m WHERE k = $1", False, ["15"]),
    ("p7", "partitions", "SELECT count(*) AS n FROM m3", False, None),
    # inheritance
    ("i1", "inheritance ddl", "SELECT count(*) AS n, sum(v) AS s FROM p", False, None),
    ("i2", "inheritance", "SELECT id, v FROM ONLY p", False, None),
    ("i3", "inheritance", "SELECT id, v FROM c1", False, None),
    ("i4", "inheritance", "SELECT tableoid::regclass AS c, count(*) AS n FROM p GROUP BY 1", False, None),
    ("i5", "inheritance", "SELECT id, v FROM p WHERE v > 25", False, None),
    ("i6", "inheritance", "SELECT count(*) AS n FROM c3", False, None),
    ("i7", "inheritance", "SELECT count(*) AS n FROM c2", False, None),
    # functions of every volatility, role-dependent views, table_to_xml
    ("f1", "functions", "SELECT id, f_imm(v) AS r FROM ft", False, None),
    ("f2", "functions", "SELECT f_stable() AS n", False, None),
    ("f3", "functions", "SELECT f_stable_pl() AS s", False, None),
    ("f4", "functions", "SELECT f_vol() AS m", False, None),
    ("f5", "functions", "SELECT f_vol_sql() AS n", False, None),
    ("f6", "functions", "SELECT id, f_imm_pl(id) AS r FROM ft", False, None),
    ("f7", "functions privileges", "SELECT id, v FROM v_gpu", False, None),
    ("f8", "functions privileges", "SELECT id, v FROM v_cu", False, None),
    ("f9", "functions privileges", "SELECT table_to_xml('ft', true, false, '') AS x", False, None),
    ("f10", "functions", "SELECT f_me() AS me", False, None),
    ("f11", "functions", "SELECT id FROM ft WHERE v < f_stable()", False, None),
    ("f12", "functions ddl", "SELECT f_imm(7) AS a, f_imm_pl(7) AS b", False, None),
    ("f13", "functions", "SELECT id, v FROM owned WHERE owner = getpgusername()", False, None),
    # settings
    ("s1", "settings", "SELECT id, ts::date AS d FROM ev", False, None),
    ("s2", "settings", "SELECT id, ts FROM ev", False, None),
    ("s3", "settings", "SELECT id, ts::text AS t FROM ev", False, None),
    ("s4", "settings", "SELECT id, to_char(ts, 'YYYY-MM-DD HH24:MI TZ') AS c FROM ev", False, None),
    ("s5", "settings", "SELECT id, iv FROM ev", False, None),
    ("s6", "settings", "SELECT id, f, r FROM ev", False, None),
    ("s7", "settings", "SELECT id, b FROM ev", False, None),
    ("s8", "settings", "SELECT id, ts::date::text AS d FROM ev", False, None),
    ("s9", "settings", "SELECT id, v FROM v_tenant", False, None),
    ("s10", "settings", "SELECT id, extract(hour FROM ts) AS h FROM ev", False, None),
    ("s11", "settings", "SELECT id, f::text AS ft, n FROM ev", False, None),
    ("s12", "settings", "SELECT id, iv::text AS it FROM ev", False, None),
    ("s13", "settings", "SELECT id, ts::date AS d FROM ev ORDER BY ts, id", True, None),
    ("s14", "settings", "SELECT id FROM owned WHERE tenant = current_setting('app.tenant', true)", False, None),
    # privileges
    ("v1", "privileges", "SELECT id, secret FROM vault.t", False, None),
    ("v2", "privileges", "SELECT id, a FROM pt", False, None),
    ("v3", "privileges", "SELECT id, b FROM pt", False, None),
    ("v4", "privileges", "SELECT id, a FROM pv", False, None),
    ("v5", "privileges ddl", "SELECT id, b FROM pv2", False, None),
    ("v6", "privileges", "SELECT id, fx(id) AS r FROM w", False, None),
    ("v7", "privileges", "SELECT id, v FROM rt", False, None),
    ("v8", "privileges", "SELECT table_to_xml('pt', true, false, '') AS x", False, None),
    ("v9", "privileges", "SELECT count(*) AS n FROM vault.t", False, None),
    # ddl
    ("d1", "ddl", "SELECT count(*) AS n FROM sd.x", False, None),
    ("d2", "ddl privileges", "SELECT * FROM co", False, None),
    ("d3", "ddl", "SELECT * FROM cov", False, None),
    ("d4", "ddl", "SELECT * FROM mt", False, None),
    ("d5", "ddl", "SELECT id, md::text AS m FROM mt ORDER BY md, id", True, None),
    ("d6", "ddl", "SELECT * FROM ct", False, None),
    ("d7", "ddl", "SELECT * FROM cv", False, None),
    ("d8", "ddl", "SELECT * FROM rv", False, None),
    ("d9", "ddl", "SELECT id FROM ct_log", False, None),
    # sequences
    ("q1", "sequences", "SELECT last_value, is_called FROM sq", False, None),
    ("q2", "sequences", "SELECT count(*) AS n, max(id) AS m FROM sqt", False, None),
]
READS = [dict(id=r[0], tags=set(r[1].split()), sql=r[2], ordered=r[3], params=r[4]) for r in READS]


# ---------------------------------------------------------------------------------------------
# Operations. Each returns a list of steps: ("sql", text) run as the session's current role,
# ("admin", text) run as the superuser (RESET ROLE around it), ("copy", statement, data).
def ri(rng, a, b):
    return rng.randint(a, b)


def copy_rows(rng, ncols_fn, n=None):
    n = n if n is not None else ri(rng, 1, 3)
    return "".join("\t".join(str(x) for x in ncols_fn()) + "\n" for _ in range(n))


IS_CHILD = ("SELECT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = to_regclass('{c}') "
            "AND inhparent = to_regclass('{p}'))")


def build_ops():
    O = []

    def op(name, weight, tags):
        def deco(fn):
            O.append(dict(name=name, weight=weight, tags=set(tags.split()), fn=fn))
            return fn
        return deco

    # --- names -------------------------------------------------------------------------------
    @op("ins_t", 1.5, "names")
    def _(r, s):
        return [("sql", f"INSERT INTO t (id, v) VALUES ({ri(r, 1, 40)}, {ri(r, 0, 999)})")]

    @op("upd_t", 1.5, "names")
    def _(r, s):
        return [("sql", f"UPDATE t SET v = v + 1 WHERE id = {ri(r, 1, 8)}")]

    @op("del_t", 1, "names")
    def _(r, s):
        return [("sql", f"DELETE FROM t WHERE id = {ri(r, 1, 40)}")]

    @op("copy_t", 0.5, "names")
    def _(r, s):
        return [("copy", "COPY t (id, v) FROM STDIN", copy_rows(r, lambda: (ri(r, 41, 400), ri(r, 0, 99))))]

    @op("trunc_t", 0.2, "names")
    def _(r, s):
        return [("sql", "TRUNCATE t")]

    @op("ins_w", 0.5, "names")
    def _(r, s):
        return [("sql", f"INSERT INTO w VALUES ({ri(r, 1, 6)}, 'x{ri(r, 0, 99)}')")]

    @op("search_path", 2, "names settings")
    def _(r, s):
        p = r.choice(["app, public", "app, public", "other, app, public", "public", '"$user", public', "public, pg_temp"])
        return [("sql", f"SET search_path = {p}")]

    # Toggles look at the catalog as the session sees it, so most DDL succeeds: a name starts to
    # resolve elsewhere (app.t, other.t, a view, a rename, a temp table) and stops again.
    @op("app_t", 6, "names")
    def _(r, s):
        kind = s.val("SELECT relkind FROM pg_class WHERE oid = to_regclass('app.t')")
        if kind is None:
            return [("admin", r.choice([
                f"CREATE TABLE app.t (id int, v int); INSERT INTO app.t VALUES (1, {ri(r, 1000, 1999)}), (2, 1002)",
                f"CREATE VIEW app.t AS SELECT id, v * {ri(r, 2, 9)} AS v FROM public.t",
                "ALTER TABLE app.t9 RENAME TO t",
                "ALTER TABLE other.t SET SCHEMA app"]))]
        if kind == "v":
            return [("admin", r.choice(["DROP VIEW app.t",
                                        f"CREATE OR REPLACE VIEW app.t AS SELECT id, v * {ri(r, 2, 9)} AS v FROM public.t"]))]
        return [("admin", r.choice(["DROP TABLE app.t", "ALTER TABLE app.t RENAME TO t9", "ALTER TABLE app.t SET SCHEMA other",
                                    f"INSERT INTO app.t VALUES ({ri(r, 1, 5)}, {ri(r, 1000, 1999)})"]))]

    @op("other_t", 2, "names")
    def _(r, s):
        if s.val("SELECT to_regclass('other.t')") is None:
            return [("admin", f"CREATE TABLE other.t (id int, v int); INSERT INTO other.t VALUES (1, {ri(r, 2000, 2999)}), (3, 2003)")]
        return [("admin", "DROP TABLE other.t")]

    @op("app_t9", 2, "names")
    def _(r, s):
        if s.val("SELECT to_regclass('app.t9')") is None:
            return [("admin", f"CREATE TABLE app.t9 (id int, v int); INSERT INTO app.t9 VALUES (2, {ri(r, 9000, 9999)})")]
        return [("admin", r.choice(["DROP TABLE app.t9", "ALTER TABLE app.t9 RENAME TO t"]))]

    @op("temp_t", 0.8, "names")
    def _(r, s):
        if s.val("SELECT to_regclass('pg_temp.t')") is None:
            return [("admin", f"CREATE TEMP TABLE t (id int, v int); INSERT INTO pg_temp.t VALUES (1, {ri(r, 3000, 3999)})")]
        return [("admin", "DROP TABLE pg_temp.t")]

    @op("app_w", 1, "names")
    def _(r, s):
        if s.val("SELECT to_regclass('app.w')") is None:
            return [("admin", "CREATE TABLE app.w (id int, x text); INSERT INTO app.w VALUES (1, 'appw')")]
        return [("admin", "DROP TABLE app.w")]

    @op("public_t", 0.5, "names")
    def _(r, s):
        if s.val("SELECT to_regclass('public.t')") is None:
            return [("admin", "ALTER TABLE public.t_old RENAME TO t")]
        if r.random() < 0.3:
            return [("admin", "ALTER TABLE public.t RENAME TO t_old")]
        return [("sql", f"INSERT INTO public.t VALUES ({ri(r, 50, 99)}, {ri(r, 0, 99)})")]

    # --- partitions --------------------------------------------------------------------------
    @op("ins_m", 3, "partitions")
    def _(r, s):
        return [("sql", f"INSERT INTO m (id, k, v) VALUES ({ri(r, 1, 99)}, {ri(r, 0, 39)}, {ri(r, 0, 99)})")]

    @op("ins_m_part", 1, "partitions")
    def _(r, s):
        t, lo = r.choice([("m0", 0), ("m1", 10), ("sd.m2", 20), ("m3", 30)])
        return [("sql", f"INSERT INTO {t} (id, k, v) VALUES ({ri(r, 1, 99)}, {lo + ri(r, 0, 9)}, {ri(r, 0, 99)})")]

    @op("upd_m", 2, "partitions")
    def _(r, s):
        return [("sql", r.choice([f"UPDATE m SET v = v + 1 WHERE k = {ri(r, 0, 39)}",
                                  f"UPDATE m SET k = {ri(r, 0, 39)} WHERE id = {ri(r, 1, 20)}",
                                  f"UPDATE m1 SET v = v + 1 WHERE k = {ri(r, 10, 19)}"]))]

    @op("del_m", 2, "partitions")
    def _(r, s):
        return [("sql", r.choice([f"DELETE FROM m WHERE k = {ri(r, 0, 39)}", f"DELETE FROM m1 WHERE id = {ri(r, 1, 20)}"]))]

    @op("trunc_m", 0.3, "partitions")
    def _(r, s):
        return [("sql", r.choice(["TRUNCATE m", "TRUNCATE m1", "TRUNCATE m0"]))]

    @op("copy_m", 0.5, "partitions")
    def _(r, s):
        t = r.choice(["m", "m1"])
        lo = 0 if t == "m" else 10
        return [("copy", f"COPY {t} (id, k, v) FROM STDIN",
                 copy_rows(r, lambda: (ri(r, 1, 99), lo + ri(r, 0, 19 if t == "m" else 9), ri(r, 0, 99))))]

    @op("m1_attach", 2.5, "partitions")
    def _(r, s):
        if s.val(IS_CHILD.format(c="m1", p="m")):
            return [("admin", "ALTER TABLE m DETACH PARTITION m1")]
        return [("admin", "ALTER TABLE m ATTACH PARTITION m1 FOR VALUES FROM (10) TO (20)")]

    @op("m0_attach", 1, "partitions")
    def _(r, s):
        if s.val(IS_CHILD.format(c="m0", p="m")):
            return [("admin", "ALTER TABLE m DETACH PARTITION m0")]
        return [("admin", "ALTER TABLE m ATTACH PARTITION m0 FOR VALUES FROM (0) TO (10)")]

    @op("m3", 1, "partitions")
    def _(r, s):
        if s.val("SELECT to_regclass('m3')") is None:
            return [("admin", "CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (30) TO (40)")]
        return [("admin", "DROP TABLE m3")]

    # --- inheritance -------------------------------------------------------------------------
    @op("ins_p", 2, "inheritance")
    def _(r, s):
        t = r.choice(["p", "c1", "c2", "c3"])
        return [("sql", f"INSERT INTO {t} (id, v) VALUES ({ri(r, 1, 30)}, {ri(r, 0, 99)})")]

    @op("upd_p", 2, "inheritance")
    def _(r, s):
        t = r.choice(["p", "c1", "ONLY p", "c2"])
        return [("sql", f"UPDATE {t} SET v = v + 7 WHERE id = {ri(r, 1, 30)}")]

    @op("del_p", 2, "inheritance")
    def _(r, s):
        t = r.choice(["p", "c1", "ONLY p", "c3"])
        return [("sql", f"DELETE FROM {t} WHERE id = {ri(r, 1, 30)}")]

    @op("trunc_p", 0.5, "inheritance")
    def _(r, s):
        return [("sql", r.choice(["TRUNCATE p", "TRUNCATE ONLY p", "TRUNCATE c1", "TRUNCATE c2"]))]

    @op("copy_p", 0.5, "inheritance")
    def _(r, s):
        t = r.choice(["p", "c1", "c2"])
        return [("copy", f"COPY {t} (id, v) FROM STDIN", copy_rows(r, lambda: (ri(r, 1, 30), ri(r, 0, 99))))]

    @op("c2", 2, "inheritance")
    def _(r, s):
        if s.val("SELECT to_regclass('c2')") is None:
            return [("admin", "CREATE TABLE c2 () INHERITS (p)")]
        return [("admin", "DROP TABLE c2")]

    @op("c3_inherit", 2, "inheritance")
    def _(r, s):
        if s.val(IS_CHILD.format(c="c3", p="p")):
            return [("admin", "ALTER TABLE c3 NO INHERIT p")]
        return [("admin", "ALTER TABLE c3 INHERIT p")]

    # --- functions ---------------------------------------------------------------------------
    @op("w_ft", 4, "functions")
    def _(r, s):
        return [("sql", r.choice([f"INSERT INTO ft VALUES ({ri(r, 1, 20)}, {ri(r, 0, 30)})",
                                  f"UPDATE ft SET v = v + 1 WHERE id = {ri(r, 1, 20)}",
                                  f"DELETE FROM ft WHERE id = {ri(r, 1, 20)}"]))]

    @op("copy_trunc_ft", 0.7, "functions")
    def _(r, s):
        if r.random() < 0.3:
            return [("sql", "TRUNCATE ft")]
        return [("copy", "COPY ft (id, v) FROM STDIN", copy_rows(r, lambda: (ri(r, 1, 20), ri(r, 0, 30))))]

    @op("w_owned", 2, "functions privileges settings")
    def _(r, s):
        return [("sql", r.choice([f"UPDATE owned SET owner = '{r.choice(ROLES + ['postgres'])}' WHERE id = {ri(r, 1, 8)}",
                                  f"UPDATE owned SET tenant = '{r.choice('ab')}' WHERE id = {ri(r, 1, 8)}",
                                  f"INSERT INTO owned VALUES ({ri(r, 6, 8)}, '{r.choice(ROLES)}', '{r.choice('ab')}', {ri(r, 0, 9)})",
                                  f"DELETE FROM owned WHERE id = {ri(r, 1, 8)}"]))]

    @op("replace_f_imm", 2, "functions ddl")
    def _(r, s):
        c = ri(r, 0, 3)
        return [("admin", r.choice([
            f"CREATE OR REPLACE FUNCTION f_imm(x int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT x * 2 + {c}'",
            f"CREATE OR REPLACE FUNCTION f_imm_pl(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS 'BEGIN RETURN x + {c}; END'"]))]

    @op("replace_f_tab", 1, "functions")
    def _(r, s):
        c = ri(r, 0, 3)
        return [("admin", r.choice([
            f"CREATE OR REPLACE FUNCTION f_stable() RETURNS bigint STABLE LANGUAGE sql AS 'SELECT count(*) FROM ft WHERE v > {c}'",
            f"CREATE OR REPLACE FUNCTION f_vol() RETURNS bigint VOLATILE LANGUAGE plpgsql AS 'BEGIN RETURN (SELECT coalesce({r.choice(['max', 'min'])}(v), 0) FROM ft); END'"]))]

    @op("set_role", 4, "functions privileges roles")
    def _(r, s):
        x = r.choice(ROLES + ["postgres"])
        return [("sql", "RESET ROLE" if x == "postgres" else f"SET ROLE {x}")]

    # --- settings ----------------------------------------------------------------------------
    @op("set_guc", 8, "settings")
    def _(r, s):
        g, vals = r.choice([
            ("TimeZone", ["'UTC'", "'America/New_York'", "'Asia/Kolkata'", "'Pacific/Chatham'"]),
            ("DateStyle", ["'ISO, MDY'", "'SQL, DMY'", "'German'", "'Postgres, MDY'"]),
            ("IntervalStyle", ["postgres", "iso_8601", "sql_standard", "postgres_verbose"]),
            ("extra_float_digits", ["0", "1", "3", "-3"]),
            ("bytea_output", ["hex", "escape"]),
            ("app.tenant", ["'a'", "'b'", "''"]),
        ])
        local = "LOCAL " if s.in_txn() and r.random() < 0.3 else ""
        return [("sql", f"SET {local}{g} = {r.choice(vals)}")]

    @op("w_ev", 2, "settings")
    def _(r, s):
        return [("sql", r.choice([
            f"INSERT INTO ev VALUES ({ri(r, 4, 9)}, '2024-0{ri(r, 1, 9)}-1{ri(r, 0, 9)} 0{ri(r, 0, 9)}:30:00+00', '{ri(r, 1, 40)} hours', {ri(r, 1, 9)}.{ri(r, 0, 9)}e-{ri(r, 1, 9)}, 0.3, 'x{ri(r, 0, 9)}', {ri(r, 0, 99)}.5)",
            f"UPDATE ev SET ts = ts + interval '{ri(r, 1, 12)} hours', f = f * 3 WHERE id = {ri(r, 1, 9)}",
            f"DELETE FROM ev WHERE id = {ri(r, 4, 9)}"]))]

    # --- privileges --------------------------------------------------------------------------
    @op("grant", 6, "privileges")
    def _(r, s):
        g = r.choice(["GRANT", "REVOKE"])
        to = "TO" if g == "GRANT" else "FROM"
        who = r.choice(ROLES)
        what = r.choice(["USAGE ON SCHEMA vault", "SELECT ON vault.t", "SELECT ON pt", "SELECT (b) ON pt",
                         "SELECT (a) ON pt", "EXECUTE ON FUNCTION fx(int)", "SELECT ON pv", "SELECT ON co",
                         "SELECT ON ft", "USAGE ON SCHEMA vault"])
        return [("admin", f"{g} {what} {to} {who}")]

    @op("rls", 2, "privileges")
    def _(r, s):
        return [("admin", r.choice(["ALTER TABLE rt ENABLE ROW LEVEL SECURITY", "ALTER TABLE rt DISABLE ROW LEVEL SECURITY",
                                    "ALTER TABLE rt FORCE ROW LEVEL SECURITY",
                                    "CREATE POLICY p_own ON rt USING (owner = current_user)", "DROP POLICY p_own ON rt",
                                    "GRANT SELECT ON rt TO alice, bob"]))]

    @op("owners", 2, "privileges ddl")
    def _(r, s):
        return [("admin", r.choice(["REASSIGN OWNED BY carol TO bob", "REASSIGN OWNED BY bob TO carol",
                                    f"ALTER VIEW pv2 OWNER TO {r.choice(ROLES)}", f"ALTER VIEW pv OWNER TO {r.choice(ROLES)}",
                                    "ALTER VIEW pv OWNER TO postgres"]))]

    # --- ddl ---------------------------------------------------------------------------------
    @op("schema_sd", 2, "ddl partitions")
    def _(r, s):
        if s.val("SELECT to_regnamespace('sd')") is not None:
            return [("admin", "DROP SCHEMA sd CASCADE")]
        return [("admin", "CREATE SCHEMA sd; GRANT USAGE ON SCHEMA sd TO PUBLIC; "
                          "CREATE TABLE sd.m2 PARTITION OF m FOR VALUES FROM (20) TO (30); "
                          f"INSERT INTO sd.m2 VALUES (50, 25, {ri(r, 0, 9)}); CREATE TABLE sd.x (id int); INSERT INTO sd.x VALUES (1)")]

    @op("carol_objects", 2, "ddl privileges")
    def _(r, s):
        if s.val("SELECT to_regclass('co')") is not None:
            return [("admin", "DROP OWNED BY carol")]
        # carol also owns a partition of m and a child of p: DROP OWNED drops them.
        return [("admin", "CREATE TABLE m4 PARTITION OF m FOR VALUES FROM (40) TO (50); INSERT INTO m4 VALUES (60, 45, 5); "
                          "ALTER TABLE m4 OWNER TO carol; CREATE TABLE c4 () INHERITS (p); INSERT INTO c4 VALUES (60, 60); "
                          "ALTER TABLE c4 OWNER TO carol; "
                          "GRANT CREATE ON SCHEMA public TO carol; GRANT SELECT ON pt TO carol; SET ROLE carol; "
                          f"CREATE TABLE co (id int, v int); INSERT INTO co VALUES (1, {ri(r, 1, 9)}); "
                          "CREATE VIEW cov AS SELECT id, v * 2 AS v2 FROM co; GRANT ALL ON co, cov TO PUBLIC; "
                          "CREATE OR REPLACE VIEW pv2 AS SELECT id, b FROM pt; GRANT SELECT ON pv2 TO PUBLIC; RESET ROLE")]

    @op("w_co", 1.5, "ddl")
    def _(r, s):
        return [("sql", r.choice([f"INSERT INTO co VALUES ({ri(r, 1, 9)}, {ri(r, 0, 9)})", f"DELETE FROM co WHERE id = {ri(r, 1, 9)}"]))]

    @op("enum", 3, "ddl")
    def _(r, s):
        if s.val("SELECT to_regtype('mood')") is None:
            return [("admin", "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); ALTER TABLE mt ADD COLUMN md mood; "
                              "UPDATE mt SET md = (ARRAY['sad', 'ok', 'happy'])[1 + id % 3]::mood")]
        if r.random() < 0.2:
            return [("admin", "DROP TYPE mood CASCADE")]
        if r.random() < 0.2:
            return [("admin", f"ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh{ri(r, 1, 3)}' BEFORE 'sad'")]
        if s.val("SELECT count(*) FROM pg_enum WHERE enumlabel = 'ok'"):
            return [("admin", "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'")]
        return [("admin", "ALTER TYPE mood RENAME VALUE 'fine' TO 'ok'")]

    @op("w_mt", 1, "ddl")
    def _(r, s):
        return [("sql", r.choice([f"INSERT INTO mt (id) VALUES ({ri(r, 5, 9)})", f"DELETE FROM mt WHERE id = {ri(r, 1, 9)}"]))]

    @op("alter_ct", 3, "ddl")
    def _(r, s):
        return [("admin", r.choice([
            "ALTER TABLE ct ALTER COLUMN v TYPE numeric(10,2)", "ALTER TABLE ct ALTER COLUMN v TYPE int",
            "ALTER TABLE ct ALTER COLUMN v TYPE text", "ALTER TABLE ct ALTER COLUMN v TYPE int USING v::numeric::int",
            "ALTER TABLE ct ADD COLUMN w int DEFAULT 7", "ALTER TABLE ct DROP COLUMN w",
            "ALTER TABLE ct RENAME COLUMN v TO v2", "ALTER TABLE ct RENAME COLUMN v2 TO v"]))]

    @op("replace_cv", 2, "ddl")
    def _(r, s):
        return [("admin", f"CREATE OR REPLACE VIEW cv AS SELECT id, v FROM ct WHERE id > {ri(r, 0, 3)}")]

    @op("w_ct", 2, "ddl")
    def _(r, s):
        return [("sql", r.choice([f"INSERT INTO ct (id, v) VALUES ({ri(r, 1, 9)}, {ri(r, 0, 9)})",
                                  f"DELETE FROM ct WHERE id = {ri(r, 1, 9)}"]))]

    @op("rules", 3, "ddl")
    def _(r, s):
        if r.random() < 0.5:
            if s.val("SELECT relkind FROM pg_class WHERE oid = to_regclass('rv')") == "v":
                return [("admin", "DROP VIEW rv; CREATE TABLE rv (id int, v int)")]
            return [("admin", "CREATE RULE \"_RETURN\" AS ON SELECT TO rv DO INSTEAD SELECT id, v FROM ct")]
        if s.val("SELECT count(*) FROM pg_rules WHERE rulename = 'ct_ins'"):
            return [("admin", "DROP RULE ct_ins ON ct")]
        return [("admin", "CREATE RULE ct_ins AS ON INSERT TO ct DO ALSO INSERT INTO ct_log VALUES (NEW.id)")]

    # --- sequences ---------------------------------------------------------------------------
    @op("nextval", 5, "sequences")
    def _(r, s):
        return [("sql", r.choice(["SELECT nextval('sq')", "SELECT nextval('sq')", f"SELECT setval('sq', {ri(r, 1, 50)})",
                                  f"SELECT setval('sq', {ri(r, 1, 50)}, false)", "ALTER SEQUENCE sq RESTART",
                                  "INSERT INTO sqt (x) VALUES (1)", "SELECT nextval('sqt_id_seq')"]))]

    @op("w_sqt", 1, "sequences")
    def _(r, s):
        return [("sql", f"DELETE FROM sqt WHERE id % 3 = {ri(r, 0, 2)}")]

    return O


# ---------------------------------------------------------------------------------------------
class Num:
    """A JSON number kept as its exact text: 0.1 and 0.10000000000000001 are different answers."""
    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t

    def __repr__(self):
        return "N(" + self.t + ")"


def canon(text, ordered):
    """The rows of a json_agg document, each as a canonical string; sorted unless ordered."""
    doc = json.loads(text, parse_float=Num, parse_int=Num, parse_constant=Num,
                     object_pairs_hook=lambda pairs: tuple(pairs))
    if not isinstance(doc, list):
        raise ValueError("not a JSON array: " + text[:200])
    rows = [repr(x) for x in doc]
    return rows if ordered else sorted(rows)


def substitute(sql, params):
    """The direct query: $n replaced by an unknown-typed literal, as PQexecParams infers it."""
    if not params:
        return sql
    for i in range(len(params), 0, -1):
        sql = sql.replace(f"${i}", "'" + params[i - 1].replace("'", "''") + "'")
    return sql


class Session:
    def __init__(self, idx, dsn):
        self.idx = idx
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        self.role = "postgres"
        self.savepoints = []
        self.iso = ""
        self.cur.execute("SET lock_timeout = '10ms'; SET statement_timeout = '20s'; "
                         "SET client_min_messages = warning")

    def status(self):
        return self.conn.info.transaction_status

    def val(self, sql):
        """The first value of a catalog query that cannot fail, as this session sees it."""
        self.cur.execute(sql)
        row = self.cur.fetchone()
        return row[0] if row else None

    def in_txn(self):
        return self.status() in (ext.TRANSACTION_STATUS_INTRANS, ext.TRANSACTION_STATUS_INERROR)

    def label(self):
        t = (" txn" + self.iso) if self.in_txn() else ""
        return f"s{self.idx}[{self.role}{t}]"


class Diff(Exception):
    pass


class Fuzzer:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.log = collections.deque(maxlen=50)
        self.opno = 0
        self.stats = collections.Counter()
        self.prepared = []
        self.gid = 0
        self.ops = build_ops()
        self.reads = READS
        if FOCUS:
            bad = [f for f in FOCUS if f not in CLASSES]
            if bad:
                sys.exit(f"FUZZ_FOCUS: unknown class {bad}; one of {' '.join(CLASSES)}")
            self.ops = [o for o in self.ops if o["tags"] & set(FOCUS)]
            self.reads = [q for q in READS if q["tags"] & set(FOCUS)]
        self.op_weights = [o["weight"] for o in self.ops]
        self.first_diff = None
        self.last_counts = None
        self.diff_by_query = {}
        self.recent = collections.deque(maxlen=8)

    # -- plumbing -----------------------------------------------------------------------------
    def note(self, s, text):
        line = f"#{self.opno} {s.label() if s else '--'} {text}"
        self.log.append(line)
        if VERBOSE:
            print(line, flush=True)

    def run(self, s, sql, args=None, fetch=False):
        """Runs sql; inside a transaction wrapped in a savepoint so an error leaves the
        transaction usable. Returns (rows or None, sqlstate or None, message)."""
        wrap = s.in_txn()
        try:
            s.cur.execute(("SAVEPOINT fz; " + sql) if wrap else sql, args)
            rows = s.cur.fetchall() if fetch else None
            if wrap:
                s.cur.execute("RELEASE SAVEPOINT fz")
            return rows, None, None
        except psycopg2.Error as e:
            if e.pgcode is None:  # no SQLSTATE: the connection is gone
                raise
            if wrap:
                s.cur.execute("ROLLBACK TO SAVEPOINT fz; RELEASE SAVEPOINT fz")
            return None, e.pgcode, (e.pgerror or str(e)).strip().splitlines()[0]

    def copy(self, s, stmt, data):
        wrap = s.in_txn()
        try:
            if wrap:
                s.cur.execute("SAVEPOINT fz")
            s.cur.copy_expert(stmt, io.StringIO(data))
            if wrap:
                s.cur.execute("RELEASE SAVEPOINT fz")
            return None, None
        except psycopg2.Error as e:
            if e.pgcode is None:
                raise
            if wrap:
                s.cur.execute("ROLLBACK TO SAVEPOINT fz; RELEASE SAVEPOINT fz")
            return e.pgcode, (e.pgerror or str(e)).strip().splitlines()[0]

    def sync_role(self, s):
        s.cur.execute("SELECT current_user")
        s.role = s.cur.fetchone()[0]

    def outcome(self, code, msg):
        return "ok" if code is None else f"ERROR {code} {msg}"

    # -- operations ---------------------------------------------------------------------------
    def do_op(self, s, steps):
        for step in steps:
            for attempt in (1, 2):
                if step[0] == "copy":
                    code, msg = self.copy(s, step[1], step[2])
                    self.note(s, f"{step[1]} [{step[2].strip()!r}] -> {self.outcome(code, msg)}")
                else:
                    sql = step[1]
                    if step[0] == "admin" and s.role != "postgres":
                        sql = f"RESET ROLE; {sql}; SET ROLE {s.role}"
                    elif step[0] == "admin":
                        sql = f"RESET ROLE; {sql}"
                    _, code, msg = self.run(s, sql)
                    self.note(s, f"{'(as postgres) ' if step[0] == 'admin' else ''}{step[1]} -> {self.outcome(code, msg)}")
                    if code is None and step[1].startswith(("SET ROLE", "RESET ROLE")):
                        self.sync_role(s)
                # Blocked by another session's open (or a prepared) transaction: end those, retry
                # once, so DDL happens at its rate instead of timing out.
                if code != "55P03" or attempt == 2 or not self.unblock(s):
                    break
            self.stats["errors" if code else "ok_ops"] += 1

    def unblock(self, s):
        done = False
        for o in self.sessions:
            if o is not s and o.in_txn():
                stmt = "COMMIT" if self.rng.random() < 0.7 else "ROLLBACK"
                try:
                    o.cur.execute(stmt)
                    res = "ok"
                except psycopg2.Error as e:
                    res = f"ERROR {e.pgcode}"
                if o.in_txn():
                    o.cur.execute("ROLLBACK")
                o.savepoints = []
                o.iso = ""
                self.note(o, f"{stmt} (unblocking s{s.idx}) -> {res}")
                self.sync_role(o)
                done = True
        while self.prepared:
            gid = self.prepared.pop(0)
            try:
                self.admin.cursor().execute(f"COMMIT PREPARED '{gid}'")
                res = "ok"
            except psycopg2.Error as e:
                res = f"ERROR {e.pgcode}"
            self.note(None, f"COMMIT PREPARED '{gid}' (unblocking s{s.idx}) -> {res}")
            done = True
        return done

    def txn_control(self, s):
        r = self.rng
        if not s.in_txn():
            if r.random() < 0.15:
                iso = " ISOLATION LEVEL REPEATABLE READ"
            else:
                iso = ""
            s.cur.execute("BEGIN" + iso)
            s.iso = " RR" if iso else ""
            s.savepoints = []
            self.note(s, "BEGIN" + iso)
            return
        x = r.random()
        if x < 0.2:
            sp = f"sp{len(s.savepoints) + 1}"
            s.cur.execute(f"SAVEPOINT {sp}")
            s.savepoints.append(sp)
            self.note(s, f"SAVEPOINT {sp}")
            return
        if x < 0.35 and s.savepoints:
            i = r.randrange(len(s.savepoints))
            sp = s.savepoints[i]
            if r.random() < 0.5:
                s.cur.execute(f"ROLLBACK TO SAVEPOINT {sp}")
                del s.savepoints[i + 1:]
                self.note(s, f"ROLLBACK TO SAVEPOINT {sp}")
            else:
                s.cur.execute(f"RELEASE SAVEPOINT {sp}")
                del s.savepoints[i:]
                self.note(s, f"RELEASE SAVEPOINT {sp}")
            self.sync_role(s)
            return
        y = r.random()
        if y < 0.55:
            stmt = "COMMIT"
        elif y < 0.8:
            stmt = "ROLLBACK"
        else:
            self.gid += 1
            stmt = f"PREPARE TRANSACTION '{DB}_{self.gid}'"
        try:
            s.cur.execute(stmt)
            res = "ok"
            if stmt.startswith("PREPARE"):
                self.prepared.append(f"{DB}_{self.gid}")
        except psycopg2.Error as e:
            res = f"ERROR {e.pgcode} {(e.pgerror or '').strip().splitlines()[0] if e.pgerror else e}"
        if s.in_txn():
            s.cur.execute("ROLLBACK")
            res += " (rolled back)"
        s.savepoints = []
        s.iso = ""
        self.note(s, f"{stmt} -> {res}")
        self.sync_role(s)

    def finish_prepared(self, s):
        gid = self.prepared.pop(self.rng.randrange(len(self.prepared)))
        stmt = ("COMMIT PREPARED " if self.rng.random() < 0.75 else "ROLLBACK PREPARED ") + f"'{gid}'"
        # As the superuser: only the preparing role or a superuser may finish it.
        s.cur.execute("RESET ROLE")
        _, code, msg = self.run(s, stmt)
        if s.role != "postgres":
            s.cur.execute(f"SET ROLE {s.role}")
        self.note(s, f"(as postgres) {stmt} -> {self.outcome(code, msg)}")
        if code:
            self.prepared.append(gid)

    # -- the cached read and its direct twin ---------------------------------------------------
    def read(self, s, q, key=None):
        r = self.rng
        if BYPASS:
            key = f"u{SEED}:{self.opno}"
        elif key is None:
            # A small key space so hits happen: the query's own key (shared by every session,
            # role and setting) or one per session.
            x = r.random()
            key = q["id"] if x < 0.65 else f"{q['id']}:s{s.idx}"
        self.recent.append((q, s.idx, key))
        self.stats["reads"] += 1
        if q["params"]:
            c_rows, c_code, c_msg = self.run(s, "SELECT azora_opt.cached_json(%s, %s, NULL, %s::text[])::text",
                                             (key, q["sql"], q["params"]), fetch=True)
        else:
            c_rows, c_code, c_msg = self.run(s, "SELECT azora_opt.cached_json(%s, %s)::text",
                                             (key, q["sql"]), fetch=True)
        how = self.how_served()
        direct = "SELECT coalesce(json_agg(q), '[]'::json)::text FROM (" + substitute(q["sql"], q["params"]) + ") q"
        d_rows, d_code, d_msg = self.run(s, direct, fetch=True)
        c_text = c_rows[0][0] if c_rows else None
        d_text = d_rows[0][0] if d_rows else None

        def show(text, code, msg):
            if code:
                return f"ERROR {code} {msg}"
            text = text.replace("\n", "")
            return text if len(text) <= 160 else text[:157] + "..."

        desc = f"READ {q['id']} key={key} {q['sql']!r} ({how})"
        if c_code in INCONCLUSIVE or d_code in INCONCLUSIVE:
            self.stats["inconclusive"] += 1
            self.note(s, f"{desc} -> inconclusive (lock wait): cached {show(c_text, c_code, c_msg)} | direct {show(d_text, d_code, d_msg)}")
            return
        same = True
        if c_code or d_code:
            same = c_code == d_code
        else:
            same = canon(c_text, q["ordered"]) == canon(d_text, q["ordered"])
        if same:
            self.note(s, f"{desc} -> {show(c_text, c_code, c_msg)}")
            return
        self.stats["differences"] += 1
        self.diff_by_query.setdefault(q["id"], [0, self.opno])[0] += 1
        self.note(s, f"{desc} -> DIFFERENCE: cached {show(c_text, c_code, c_msg)} | direct {show(d_text, d_code, d_msg)}")
        self.report_diff(s, q, key, (c_text, c_code, c_msg), (d_text, d_code, d_msg))
        if not KEEP_GOING:
            raise Diff()

    def how_served(self):
        """hit / miss / bypass / other (error, not stored) of the cached call just made, from
        the cache's counters (only this driver uses the cache)."""
        a = self.admin.cursor()
        a.execute("SELECT hits, misses, bypassed FROM azora_opt.cache_stats()")
        now = a.fetchone()
        last, self.last_counts = self.last_counts, now
        if last is None:
            return "?"
        for name, i in (("hit", 0), ("miss", 1), ("bypass", 2)):
            if now[i] != last[i]:
                return name
        return "not looked up"

    def report_diff(self, s, q, key, c, d):
        if self.first_diff is None:
            self.first_diff = self.opno
        out = []
        out.append("=" * 100)
        out.append(f"DIFFERENCE at operation {self.opno} (FUZZ_SEED={SEED}"
                   f"{' FUZZ_FOCUS=' + ','.join(FOCUS) if FOCUS else ''}{' FUZZ_BYPASS=1' if BYPASS else ''}"
                   f" FUZZ_SESSIONS={NSESS})")
        out.append(f"session s{s.idx}, key {key!r}, query: {q['sql']}" + (f"  params {q['params']}" if q["params"] else ""))
        try:
            s.cur.execute("SELECT current_user, current_setting('search_path'), current_setting('TimeZone'), "
                          "current_setting('DateStyle'), current_setting('IntervalStyle'), "
                          "current_setting('extra_float_digits'), current_setting('bytea_output'), "
                          "current_setting('app.tenant', true)")
            st = s.cur.fetchone()
            out.append(f"session state: role={st[0]} search_path={st[1]!r} TimeZone={st[2]} DateStyle={st[3]!r} "
                       f"IntervalStyle={st[4]} extra_float_digits={st[5]} bytea_output={st[6]} app.tenant={st[7]!r} "
                       f"in transaction={s.in_txn()}{s.iso}")
        except psycopg2.Error:
            pass
        for name, (text, code, msg) in (("cached", c), ("direct", d)):
            out.append(f"  {name}: " + (f"ERROR {code} {msg}" if code else text.replace("\n", "")))
        if not c[1] and not d[1]:
            cr, dr = canon(c[0], q["ordered"]), canon(d[0], q["ordered"])
            only_c = list((collections.Counter(cr) - collections.Counter(dr)).elements())
            only_d = list((collections.Counter(dr) - collections.Counter(cr)).elements())
            out.append(f"  rows only in cached: {only_c[:10]}")
            out.append(f"  rows only in direct: {only_d[:10]}")
            if not only_c and not only_d:
                out.append("  (same rows, different order)")
        out.append(f"last {len(self.log)} operations (all sessions):")
        out.extend("  " + line for line in self.log)
        out.append(f"reproduce: FUZZ_SEED={SEED} FUZZ_OPS={self.opno}"
                   f"{' FUZZ_FOCUS=' + ','.join(FOCUS) if FOCUS else ''} FUZZ_SESSIONS={NSESS} test/sh/cache_fuzz.sh")
        out.append("=" * 100)
        print("\n".join(out), flush=True)

    # -- one step -----------------------------------------------------------------------------
    def step(self):
        r = self.rng
        s = self.sessions[r.randrange(NSESS)]
        if self.prepared and not s.in_txn() and r.random() < 0.3:
            return self.finish_prepared(s)
        x = r.random()
        if (s.in_txn() and x < 0.25) or (not s.in_txn() and x < 0.05):
            return self.txn_control(s)
        if r.random() < 0.5:
            # Often a query read lately (by any session): a hit needs a second read of a key
            # before its sources change, and a stale hit a change in between.
            if self.recent and r.random() < 0.45:
                q, idx, key = r.choice(self.recent)
                if r.random() < 0.5:  # the same session and key again
                    return self.read(self.sessions[idx], q, key)
                return self.read(s, q, key)  # its key, read by another session
            return self.read(s, r.choice(self.reads))
        o = r.choices(self.ops, weights=self.op_weights)[0]
        steps = o["fn"](r, s)
        # DDL and TRUNCATE inside a transaction lock their tables until it ends: mostly run them
        # in an idle session instead.
        strong = any(st[0] == "admin" or st[1].startswith("TRUNCATE") for st in steps)
        if strong and s.in_txn() and r.random() < 0.75:
            idle = [o2 for o2 in self.sessions if not o2.in_txn()]
            if idle:
                s = idle[r.randrange(len(idle))]
        return self.do_op(s, steps)

    # -- setup and the run --------------------------------------------------------------------
    def setup(self):
        admin = psycopg2.connect("")
        admin.autocommit = True
        c = admin.cursor()
        c.execute("SELECT gid FROM pg_prepared_xacts WHERE database = %s", (DB,))
        gids = [g for (g,) in c.fetchall()]
        if gids:  # left by an interrupted run: finish them where they were prepared
            old = psycopg2.connect(f"dbname={DB}")
            old.autocommit = True
            for gid in gids:
                old.cursor().execute(f"ROLLBACK PREPARED '{gid}'")
            old.close()
        c.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        for role in ROLES:
            c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if not c.fetchone():
                c.execute(f"CREATE ROLE {role}")
        c.execute(f"CREATE DATABASE {DB}")
        admin.close()
        self.dsn = f"dbname={DB}"
        self.admin = psycopg2.connect(self.dsn)
        self.admin.autocommit = True
        a = self.admin.cursor()
        a.execute("SET client_min_messages = warning")
        a.execute(SETUP)
        self.sessions = [Session(i, self.dsn) for i in range(NSESS)]

    def cache_stats(self):
        a = self.admin.cursor()
        a.execute("SELECT hits, misses, bypassed, invalidations_write, invalidations_ddl, stores, not_stored "
                  "FROM azora_opt.cache_stats()")
        return a.fetchone()

    def teardown(self):
        for s in self.sessions:
            try:
                if s.in_txn():
                    s.cur.execute("ROLLBACK")
                s.conn.close()
            except psycopg2.Error:
                pass
        a = self.admin.cursor()
        for gid in self.prepared:
            try:
                a.execute(f"ROLLBACK PREPARED '{gid}'")
            except psycopg2.Error:
                pass

    def main(self):
        print(f"cache_diff_fuzz: FUZZ_SEED={SEED} FUZZ_OPS={OPS} FUZZ_SESSIONS={NSESS} "
              f"FUZZ_FOCUS={','.join(FOCUS) or 'all'}{' FUZZ_BYPASS=1' if BYPASS else ''} "
              f"({len(self.ops)} operation kinds, {len(self.reads)} queries)", flush=True)
        self.setup()
        before = self.cache_stats()
        self.how_served()
        t0 = time.time()
        try:
            for self.opno in range(1, OPS + 1):
                self.step()
                if self.opno % 100000 == 0:  # long runs say where they are
                    print(f"  {self.opno} ops, {time.time() - t0:.0f} s", flush=True)
        except Diff:
            pass
        except Exception:  # a lost connection (a crashed backend?) or a bug of the fuzzer
            print("=" * 100)
            print(f"FAIL: operation {self.opno} raised (FUZZ_SEED={SEED}"
                  f"{' FUZZ_FOCUS=' + ','.join(FOCUS) if FOCUS else ''} FUZZ_SESSIONS={NSESS}):")
            traceback.print_exc(file=sys.stdout)
            print(f"last {len(self.log)} operations (all sessions):")
            print("\n".join("  " + line for line in self.log))
            print(f"reproduce: FUZZ_SEED={SEED} FUZZ_OPS={self.opno}"
                  f"{' FUZZ_FOCUS=' + ','.join(FOCUS) if FOCUS else ''} FUZZ_SESSIONS={NSESS} test/sh/cache_fuzz.sh")
            return 1
        elapsed = time.time() - t0
        after = self.cache_stats()
        self.teardown()
        hits = after[0] - before[0]
        st = self.stats
        print(f"ops run: {self.opno}, cached reads: {st['reads']}, differences: {st['differences']}, "
              f"cache hits: {hits}, misses: {after[1] - before[1]}, bypassed: {after[2] - before[2]}, "
              f"stores: {after[5] - before[5]}, not stored: {after[6] - before[6]}, "
              f"invalidations write/ddl: {after[3] - before[3]}/{after[4] - before[4]}, "
              f"inconclusive reads (lock waits): {st['inconclusive']}, failed statements: {st['errors']}, "
              f"{elapsed:.1f} s")
        if len(self.diff_by_query) > 1 or KEEP_GOING and self.diff_by_query:
            print("differences by query (count, first operation): " +
                  ", ".join(f"{k} {c} @{o}" for k, (c, o) in sorted(self.diff_by_query.items(), key=lambda x: x[1][1])))
        if st["differences"]:
            print(f"FAIL: {st['differences']} difference(s), the first at operation {self.first_diff} "
                  f"(FUZZ_SEED={SEED})")
            return 1
        if BYPASS:
            print(f"PASS (FUZZ_BYPASS=1: every read a new key, {hits} hits expected 0: the fuzzer against itself)")
            return 0
        if hits == 0:
            print("FAIL: 0 cache hits during the run: it proved nothing")
            return 1
        print("PASS")
        return 0


if __name__ == "__main__":
    sys.exit(Fuzzer().main())
