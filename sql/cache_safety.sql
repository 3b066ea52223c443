-- cache_safety: one scenario per class of wrong answer the result cache once gave (issue 14),
-- each compared with the same query run directly in the same session: names re-resolved,
-- partitions attached later, plain inheritance, role- and table-reading functions, settings,
-- privileges beyond the table, DDL of every kind, sequences, and the pattern limit.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS safety_alice;
DROP ROLE IF EXISTS safety_bob;
CREATE ROLE safety_alice;
CREATE ROLE safety_bob;
SELECT azora_opt.cache_flush() >= 0 AS flushed;
-- Same answer through the cache as directly, in this session: the check every case ends with.
CREATE FUNCTION same(key text, q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  cached jsonb;
  direct jsonb;
BEGIN
  cached := azora_opt.cached_json(key, q)::jsonb;
  EXECUTE format('SELECT coalesce(jsonb_agg(x), ''[]'') FROM (%s) x', q) INTO direct;
  IF cached IS DISTINCT FROM direct THEN
    RAISE WARNING 'cache % <> direct %', cached, direct;
  END IF;
  RETURN cached IS NOT DISTINCT FROM direct;
END $$;
GRANT EXECUTE ON FUNCTION same(text, text) TO PUBLIC;

-- 1. Names are resolved again: a table created earlier on the search_path shadows the cached one.
CREATE SCHEMA app;
CREATE TABLE t (v int);
INSERT INTO t VALUES (1);
SET search_path = app, public;
SELECT same('names', 'SELECT v FROM t');
CREATE TABLE app.t (v int);
INSERT INTO app.t VALUES (2);
SELECT same('names', 'SELECT v FROM t');
DROP TABLE app.t;
SELECT same('names', 'SELECT v FROM t');
CREATE TABLE app.t2 (v int);
INSERT INTO app.t2 VALUES (3);
ALTER TABLE app.t2 RENAME TO t;
SELECT same('names', 'SELECT v FROM t');
DROP TABLE app.t;
CREATE VIEW app.t AS SELECT 4 AS v;
SELECT same('names', 'SELECT v FROM t');
DROP VIEW app.t;
SELECT same('names', 'SELECT v FROM t');
-- A temporary table shadows it for this session only (and is never cached itself).
CREATE TEMP TABLE t (v int);
INSERT INTO t VALUES (5);
SELECT same('names', 'SELECT v FROM t');
DROP TABLE t;
SELECT same('names', 'SELECT v FROM t');
RESET search_path;

-- 2. A partition attached after the fill: inserts routed through the parent reach its readers.
CREATE TABLE m (k int, v int) PARTITION BY RANGE (k);
CREATE TABLE m1 (k int, v int);
INSERT INTO m1 VALUES (1, 1);
SELECT same('attach', 'SELECT count(*) FROM m1');
ALTER TABLE m ATTACH PARTITION m1 FOR VALUES FROM (0) TO (10);
INSERT INTO m VALUES (2, 2);
SELECT same('attach', 'SELECT count(*) FROM m1');
SELECT same('attach-parent', 'SELECT count(*) FROM m');
-- Filled again after the DDL: now only the routed insert (a write of m, not of m1) can reach it.
SELECT same('attach', 'SELECT count(*) FROM m1');
INSERT INTO m VALUES (3, 3);
SELECT same('attach', 'SELECT count(*) FROM m1');
UPDATE m SET v = v + 1;
SELECT same('attach-parent', 'SELECT sum(v) FROM m');

-- 3. Plain inheritance: a new child, writes to it, TRUNCATE of the parent.
CREATE TABLE p (v int);
CREATE TABLE c1 () INHERITS (p);
INSERT INTO c1 VALUES (1);
SELECT same('inh', 'SELECT count(*) FROM p');
SELECT same('inh-child', 'SELECT count(*) FROM c1');
CREATE TABLE c2 () INHERITS (p);
INSERT INTO c2 VALUES (2);
SELECT same('inh', 'SELECT count(*) FROM p');
SELECT same('inh-child', 'SELECT count(*) FROM c1');
TRUNCATE p;
SELECT same('inh-child', 'SELECT count(*) FROM c1');
SELECT same('inh', 'SELECT count(*) FROM p');
INSERT INTO c1 VALUES (3);
ALTER TABLE c1 NO INHERIT p;
SELECT same('inh', 'SELECT count(*) FROM p');

-- 4. Role- and table-reading functions: cached per role, or not at all.
CREATE TABLE mine (owner name, note text);
INSERT INTO mine VALUES ('safety_alice', 'alice''s'), ('safety_bob', 'bob''s');
CREATE VIEW my_notes AS SELECT note FROM mine WHERE owner = getpgusername();
GRANT SELECT ON my_notes TO safety_alice, safety_bob;
SET ROLE safety_alice;
SELECT azora_opt.cached_json('mine', 'SELECT note FROM my_notes');
RESET ROLE;
SET ROLE safety_bob;
SELECT azora_opt.cached_json('mine', 'SELECT note FROM my_notes');
RESET ROLE;
CREATE TABLE secret (s text);
INSERT INTO secret VALUES ('launch codes');
SELECT azora_opt.cached_json('xml', 'SELECT table_to_xml(''secret'', true, false, '''') AS x')::text <> '' AS ran;
SET ROLE safety_bob;
SELECT azora_opt.cached_json('xml', 'SELECT table_to_xml(''secret'', true, false, '''') AS x');
RESET ROLE;

-- 5. Settings are part of the key: TimeZone, DateStyle, IntervalStyle, extra_float_digits,
-- bytea_output, a custom setting read by a view.
CREATE TABLE ev (at timestamptz, d interval, f float8, b bytea);
INSERT INTO ev VALUES ('2026-01-01 02:00+00', '1 day 2 hours', 0.1, '\x0102');
SET TimeZone = 'UTC';
SELECT same('tz', 'SELECT at::date AS day, at::text AS at FROM ev');
SET TimeZone = 'America/New_York';
SELECT same('tz', 'SELECT at::date AS day, at::text AS at FROM ev');
SET DateStyle = 'SQL, DMY';
SELECT same('tz', 'SELECT at::date AS day, at::text AS at FROM ev');
RESET DateStyle;
RESET TimeZone;
SELECT same('iv', 'SELECT d::text FROM ev');
SET IntervalStyle = 'iso_8601';
SELECT same('iv', 'SELECT d::text FROM ev');
RESET IntervalStyle;
SELECT same('fl', 'SELECT f::text FROM ev');
SET extra_float_digits = 0;
SELECT same('fl', 'SELECT f::text FROM ev');
RESET extra_float_digits;
SELECT same('by', 'SELECT b::text FROM ev');
SET bytea_output = 'escape';
SELECT same('by', 'SELECT b::text FROM ev');
RESET bytea_output;
CREATE TABLE tenants_data (tenant text, v int);
INSERT INTO tenants_data VALUES ('a', 1), ('b', 2);
CREATE VIEW tenant_rows AS
  SELECT v FROM tenants_data WHERE tenant = current_setting('app.tenant', true);
SET app.tenant = 'a';
SELECT same('tenant', 'SELECT v FROM tenant_rows');
SET app.tenant = 'b';
SELECT same('tenant', 'SELECT v FROM tenant_rows');
RESET app.tenant;

-- 6. Privileges beyond the table: schema USAGE, function EXECUTE, a view's new owner.
CREATE SCHEMA vault;
CREATE TABLE vault.t (v int);
INSERT INTO vault.t VALUES (42);
GRANT SELECT ON vault.t TO safety_bob;
SELECT azora_opt.cached_json('vault', 'SELECT v FROM vault.t');
SET ROLE safety_bob;
SELECT azora_opt.cached_json('vault', 'SELECT v FROM vault.t');
RESET ROLE;
CREATE FUNCTION double_it(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
REVOKE EXECUTE ON FUNCTION double_it(int) FROM PUBLIC;
GRANT SELECT ON t TO safety_bob;
SELECT azora_opt.cached_json('fn', 'SELECT double_it(v) AS d FROM public.t');
SET ROLE safety_bob;
SELECT azora_opt.cached_json('fn', 'SELECT double_it(v) AS d FROM public.t');
RESET ROLE;
CREATE VIEW secret_view AS SELECT s FROM secret;
GRANT SELECT ON secret_view TO safety_bob;
SET ROLE safety_bob;
SELECT azora_opt.cached_json('sv', 'SELECT s FROM secret_view');
RESET ROLE;
ALTER VIEW secret_view OWNER TO safety_alice;
SET ROLE safety_bob;
SELECT azora_opt.cached_json('sv', 'SELECT s FROM secret_view');
RESET ROLE;
ALTER VIEW secret_view OWNER TO CURRENT_USER;

-- 7. DDL of every kind: DROP SCHEMA CASCADE dropping a partition, CREATE OR REPLACE FUNCTION,
-- CREATE RULE, ALTER TYPE, and a sequence read after nextval().
CREATE SCHEMA s;
CREATE TABLE qq (k int) PARTITION BY LIST (k);
CREATE TABLE s.qq1 PARTITION OF qq FOR VALUES IN (1);
CREATE TABLE qq2 PARTITION OF qq FOR VALUES IN (2);
INSERT INTO qq VALUES (1), (2);
SELECT same('qq', 'SELECT count(*) FROM qq');
DROP SCHEMA s CASCADE;
SELECT same('qq', 'SELECT count(*) FROM qq');
CREATE FUNCTION label(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'old ' || $1 $$;
SELECT same('label', 'SELECT label(v) FROM t');
CREATE OR REPLACE FUNCTION label(int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'new ' || $1 $$;
SELECT same('label', 'SELECT label(v) FROM t');
CREATE TABLE ruled (v int);
INSERT INTO ruled VALUES (1);
CREATE VIEW ruled_v AS SELECT v FROM ruled;
SELECT same('rule', 'SELECT v FROM ruled_v');
CREATE OR REPLACE RULE "_RETURN" AS ON SELECT TO ruled_v DO INSTEAD SELECT v + 100 AS v FROM ruled;
SELECT same('rule', 'SELECT v FROM ruled_v');
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE moods (m mood);
INSERT INTO moods VALUES ('happy');
SELECT same('enum', 'SELECT m::text FROM moods');
ALTER TYPE mood RENAME VALUE 'happy' TO 'glad';
SELECT same('enum', 'SELECT m::text FROM moods');
CREATE SEQUENCE sq;
SELECT nextval('sq');
SELECT same('seq', 'SELECT last_value FROM sq');
SELECT nextval('sq');
SELECT same('seq', 'SELECT last_value FROM sq');

-- Utilities that cannot change an answer do not move the schema epoch: a hit survives them.
SELECT same('quiet', 'SELECT v FROM public.t');
SET work_mem = '8MB';
SHOW work_mem;
RESET work_mem;
VACUUM public.t;
ANALYZE public.t;
EXPLAIN (COSTS OFF) SELECT v FROM public.t;
LISTEN safety_channel;
UNLISTEN safety_channel;
CHECKPOINT;
BEGIN;
LOCK TABLE public.t IN ACCESS SHARE MODE;
DECLARE cur CURSOR FOR SELECT v FROM public.t;
FETCH cur;
CLOSE cur;
COMMIT;
PREPARE q AS SELECT 1;
EXECUTE q;
DEALLOCATE q;
SELECT hits AS hits_before FROM azora_opt.cache_stats() \gset
SELECT same('quiet', 'SELECT v FROM public.t');
SELECT hits = :hits_before + 1 AS still_a_hit FROM azora_opt.cache_stats();
-- ... and any other utility does (here a COMMENT).
COMMENT ON TABLE public.t IS 'changed';
SELECT hits AS hits_before FROM azora_opt.cache_stats() \gset
SELECT same('quiet', 'SELECT v FROM public.t');
SELECT hits = :hits_before AS a_miss FROM azora_opt.cache_stats();

-- 9. Pattern invalidation is bounded, and removes only the caller's own entries.
SELECT azora_opt.cache_invalidate_pattern(repeat('*', 5000000));
SET ROLE safety_bob;
SELECT azora_opt.cache_invalidate_pattern('*') AS removed_by_bob;
RESET ROLE;
SELECT count(*) > 0 AS others_kept FROM azora_opt.cache_entries();

RESET ROLE;
SET client_min_messages = warning;
DROP SCHEMA app, vault CASCADE;
DROP TABLE t, m, p, c1, c2, mine, secret, ev, tenants_data, qq, ruled, moods CASCADE;
DROP TYPE mood;
DROP SEQUENCE sq;
DROP FUNCTION same(text, text), double_it(int), label(int);
DROP OWNED BY safety_alice, safety_bob;
DROP ROLE safety_alice;
DROP ROLE safety_bob;
