-- advisor_writes: the tracked writes are part of the advisor's objective. Each candidate is
-- charged what the table's tracked INSERT/UPDATE/DELETE/MERGE statements would pay to keep it
-- up to date (maintenance_cost, ms), and chosen only when its read benefit exceeds that; an
-- index on a column that HOT updates set is flagged (hot_update_loss); and an advised index
-- that extends an existing one says to drop it (drop_ddl). Costs vary with timing and
-- statistics, so only decisions and signs are checked.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;

-- A write-heavy table: 300k rows, account has 5000 values (a read of one matches 60 rows).
CREATE TABLE w_events (id bigserial PRIMARY KEY, account int, kind int, note text);
INSERT INTO w_events (account, kind, note)
SELECT g % 5000, g % 7, 'x' FROM generate_series(1, 200000) g;
VACUUM ANALYZE w_events;
SELECT azora_opt.reset() >= 0 AS reset;
-- The tracked writes: 100k rows inserted (one call), some updated and deleted.
INSERT INTO w_events (account, kind, note)
SELECT g % 5000, g % 7, 'y' FROM generate_series(1, 100000) g;
UPDATE w_events SET note = 'z' WHERE id <= 1000;
DELETE FROM w_events WHERE id > 299000;
-- A rare read: two calls. Its index would save far less than the inserts would pay for it.
\set ECHO none
\o /dev/null
SELECT count(*) FROM w_events WHERE account = 17;
SELECT count(*) FROM w_events WHERE account = 18;
\o
\set ECHO all
SET client_min_messages = warning;
SELECT count(*) AS advised_for_a_rare_read
FROM azora_opt.advise_indexes() WHERE relation = 'w_events'::regclass;
RESET client_min_messages;
-- Read often (40 calls of the same statement): now the index pays for its upkeep.
\set ECHO none
\o /dev/null
SELECT format('SELECT count(*) FROM w_events WHERE account = %s', g)
FROM generate_series(100, 137) g \gexec
\o
\set ECHO all
SET client_min_messages = warning;
SELECT columns, maintenance_cost > 0 AS charged,
       maintenance_cost < cost_before - cost_after AS benefit_exceeds_upkeep,
       hot_update_loss, drop_ddl
FROM azora_opt.advise_indexes() WHERE relation = 'w_events'::regclass;
RESET client_min_messages;

-- HOT updates: the UPDATE sets status, which no index holds today (HOT); an index holding
-- status would make every such update insert into each of the table's indexes.
CREATE TABLE w_hot (id int PRIMARY KEY, status int, grp int, payload text);
INSERT INTO w_hot SELECT g, g % 2000, g % 1000, 'p' FROM generate_series(1, 100000) g;
VACUUM ANALYZE w_hot;
SELECT azora_opt.reset() >= 0 AS reset;
\set ECHO none
\o /dev/null
SELECT format('UPDATE w_hot SET status = %s WHERE id = %s', g % 2000, g)
FROM generate_series(1, 20) g \gexec
SELECT format('SELECT id FROM w_hot WHERE status = %s', g) FROM generate_series(1, 20) g \gexec
SELECT format('SELECT id FROM w_hot WHERE grp = %s', g) FROM generate_series(1, 20) g \gexec
\o
\set ECHO all
SET client_min_messages = warning;
SELECT columns, hot_update_loss, maintenance_cost > 0 AS charged
FROM azora_opt.advise_indexes() WHERE relation = 'w_hot'::regclass ORDER BY columns;
RESET client_min_messages;
-- Once status is indexed, the UPDATE is never HOT: a further index on it loses nothing.
CREATE INDEX w_hot_status_payload ON w_hot (status, payload);
SET client_min_messages = warning;
SELECT columns, hot_update_loss FROM azora_opt.advise_indexes()
WHERE relation = 'w_hot'::regclass AND 'status' = ANY (columns);
RESET client_min_messages;
DROP INDEX w_hot_status_payload;
-- MERGE's UPDATE action counts like an UPDATE: setting grp, HOT today, flags grp's index.
\set ECHO none
\o /dev/null
SELECT format('MERGE INTO w_hot t USING (VALUES (%s)) v(id) ON t.id = v.id '
              'WHEN MATCHED THEN UPDATE SET grp = t.grp + 1 '
              'WHEN NOT MATCHED THEN INSERT (id, grp) VALUES (v.id, 0)', g)
FROM generate_series(1, 5) g \gexec
\o
\set ECHO all
SET client_min_messages = warning;
SELECT columns, hot_update_loss FROM azora_opt.advise_indexes()
WHERE relation = 'w_hot'::regclass AND columns = '{grp}';
RESET client_min_messages;

-- The target table is resolved as the statement's role would: an unqualified name through
-- its search_path ("$user" first), here a schema named after the role, not the caller's.
CREATE ROLE w_writer;
CREATE SCHEMA w_writer AUTHORIZATION w_writer;
GRANT USAGE ON SCHEMA public TO w_writer;
GRANT SELECT, UPDATE ON w_hot TO w_writer;
CREATE TABLE w_writer.w_hot (id int PRIMARY KEY, status int, grp int, payload text);
GRANT ALL ON w_writer.w_hot TO w_writer;
SELECT azora_opt.reset() >= 0 AS reset;
SET ROLE w_writer;
\set ECHO none
\o /dev/null
SELECT format('UPDATE w_hot SET status = %s WHERE id = %s', g % 2000, g)
FROM generate_series(1, 20) g \gexec
\o
\set ECHO all
RESET ROLE;
\set ECHO none
\o /dev/null
SELECT format('SELECT id FROM public.w_hot WHERE status = %s', g) FROM generate_series(1, 20) g \gexec
\o
\set ECHO all
-- The role's UPDATEs wrote w_writer.w_hot: public.w_hot's advice loses no HOT update.
SET client_min_messages = warning;
SELECT columns, hot_update_loss, maintenance_cost AS upkeep
FROM azora_opt.advise_indexes() WHERE relation = 'public.w_hot'::regclass;
RESET client_min_messages;
DROP TABLE w_writer.w_hot;
DROP SCHEMA w_writer;
REVOKE ALL ON w_hot FROM w_writer;
REVOKE USAGE ON SCHEMA public FROM w_writer;
DROP ROLE w_writer;

-- Extending an existing index: (a) exists; the query filters on a and b. The advice is (a, b),
-- which serves whatever (a) served, so the same plan drops (a) (drop_ddl) and counts its bytes
-- as freed. (A unique index, like w_ext_id_a, is never a candidate for the drop.)
CREATE TABLE w_ext (id int PRIMARY KEY, a int, b int);
INSERT INTO w_ext SELECT g, g % 1000, g % 10 FROM generate_series(1, 200000) g;
CREATE INDEX w_ext_a ON w_ext (a);
CREATE UNIQUE INDEX w_ext_id_a ON w_ext (id, a);
VACUUM ANALYZE w_ext;
SELECT azora_opt.reset() >= 0 AS reset;
\set ECHO none
\o /dev/null
SELECT format('SELECT id FROM w_ext WHERE a = %s AND b = %s', g, g % 10 + 1)
FROM generate_series(1, 10) g \gexec
SELECT format('SELECT a FROM w_ext WHERE id = %s AND b = 3', g) FROM generate_series(1, 10) g \gexec
\o
\set ECHO all
SET client_min_messages = warning;
CREATE TABLE w_advice AS SELECT * FROM azora_opt.advise_indexes() WHERE relation = 'w_ext'::regclass;
RESET client_min_messages;
SELECT columns, drop_ddl FROM w_advice ORDER BY columns;
-- Both run: create the new index, then drop the redundant one.
-- (Whether the new index also INCLUDEs id depends on the sampled calls' costs: not shown.)
\set ECHO none
SELECT replace(ddl, ' CONCURRENTLY', '') FROM w_advice \gexec
SELECT drop_ddl FROM w_advice WHERE drop_ddl IS NOT NULL \gexec
\set ECHO all
SELECT count(*) AS indexes,
       bool_or(indexrelid::regclass::text = 'w_ext_a') AS redundant_kept,
       bool_or(indexrelid::regclass::text LIKE 'w_ext_a_b%') AS extended_built
FROM pg_index WHERE indrelid = 'w_ext'::regclass;

-- A tracked write whose table is gone since, or a WITH that writes nothing, is left out
-- without an error.
CREATE TABLE w_gone (a int);
INSERT INTO w_gone VALUES (1);
WITH x AS (SELECT 1 AS one) SELECT one FROM x;
DROP TABLE w_gone;
SET client_min_messages = warning;
SELECT count(*) >= 0 AS still_advises FROM azora_opt.advise_indexes();
RESET client_min_messages;

DROP TABLE w_advice, w_ext, w_hot, w_events;
