-- cache_invalidation: committed writes invalidate the cached results that read what they
-- changed — DML, writes from triggers, foreign-key cascades and functions, through views and
-- partitions, COPY, TRUNCATE, DDL, REFRESH — while aborted writes invalidate nothing; a
-- transaction sees its own writes and REPEATABLE READ bypasses the cache; a hit re-checks the
-- caller's privileges like a direct query (table, column, view owner, SECURITY DEFINER), and
-- row-level security tables are never shared between roles.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS cache_reader;
DROP ROLE IF EXISTS cache_nobody;
RESET client_min_messages;
CREATE TEMP TABLE s0 AS SELECT * FROM azora_opt.cache_stats();
-- Counter deltas since s0, then a new s0.
CREATE FUNCTION pg_temp.delta(OUT hits bigint, OUT misses bigint, OUT write bigint,
                              OUT ddl bigint, OUT bypassed bigint)
LANGUAGE sql AS $$
  SELECT s.hits - s0.hits, s.misses - s0.misses,
         s.invalidations_write - s0.invalidations_write,
         s.invalidations_ddl - s0.invalidations_ddl, s.bypassed - s0.bypassed
  FROM azora_opt.cache_stats() s, s0 $$;
CREATE FUNCTION pg_temp.reset_delta() RETURNS void LANGUAGE sql AS $$
  DELETE FROM s0; INSERT INTO s0 SELECT * FROM azora_opt.cache_stats() $$;
-- The cached sum of wallet balances.
CREATE FUNCTION pg_temp.total() RETURNS json LANGUAGE sql AS $$
  SELECT azora_opt.cached_json('wallet:total', 'SELECT sum(balance) AS total FROM wallets') $$;

CREATE TABLE wallets (id int PRIMARY KEY, balance int NOT NULL);
INSERT INTO wallets VALUES (1, 100), (2, 50);
SELECT pg_temp.total();
SELECT pg_temp.total();
-- A committed UPDATE: the next call misses and sees it.
UPDATE wallets SET balance = balance + 1 WHERE id = 1;
SELECT pg_temp.total();
SELECT hits, misses, write FROM pg_temp.delta();

-- Own writes: inside the writing transaction the cache is bypassed; a rollback invalidates
-- nothing, so the entry is a hit again afterwards.
SELECT pg_temp.reset_delta();
SELECT pg_temp.total();
BEGIN;
UPDATE wallets SET balance = 0;
SELECT pg_temp.total();
ROLLBACK;
SELECT pg_temp.total();
SELECT hits, misses, write, bypassed FROM pg_temp.delta();

-- REPEATABLE READ and SERIALIZABLE bypass: the answer is the transaction's snapshot.
SELECT pg_temp.reset_delta();
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.total();
SELECT pg_temp.total();
COMMIT;
SELECT hits, misses, bypassed FROM pg_temp.delta();

-- Writes from a trigger (a nested statement) invalidate what reads the trigger's table.
CREATE TABLE payments (id serial PRIMARY KEY, wallet int, amount int);
CREATE FUNCTION apply_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE wallets SET balance = balance + NEW.amount WHERE id = NEW.wallet;
  RETURN NEW;
END $$;
CREATE TRIGGER apply AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION apply_payment();
SELECT pg_temp.total();
INSERT INTO payments (wallet, amount) VALUES (2, 7);
SELECT pg_temp.total();
-- ... and so do writes inside a function called by a SELECT.
CREATE FUNCTION drain(w int) RETURNS void LANGUAGE sql AS $$
  UPDATE wallets SET balance = 0 WHERE id = w $$;
SELECT drain(2);
SELECT pg_temp.total();

-- Foreign-key cascades.
CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE cards (id int PRIMARY KEY, owner int REFERENCES owners ON DELETE CASCADE);
INSERT INTO owners VALUES (1), (2);
INSERT INTO cards VALUES (10, 1), (20, 2);
SELECT azora_opt.cached_json('cards', 'SELECT count(*) AS n FROM cards');
DELETE FROM owners WHERE id = 1;
SELECT azora_opt.cached_json('cards', 'SELECT count(*) AS n FROM cards');

-- Views: the entry depends on the base table, whichever way it is written.
CREATE VIEW rich AS SELECT id, balance FROM wallets WHERE balance > 10;
SELECT azora_opt.cached_json('rich', 'SELECT id FROM rich ORDER BY id');
UPDATE wallets SET balance = 500 WHERE id = 2;
SELECT azora_opt.cached_json('rich', 'SELECT id FROM rich ORDER BY id');
UPDATE rich SET balance = 5 WHERE id = 1;
SELECT azora_opt.cached_json('rich', 'SELECT id FROM rich ORDER BY id');

-- Partitions: writes through the parent or to a partition invalidate readers of either.
CREATE TABLE events (day int, what text) PARTITION BY RANGE (day);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (1) TO (10);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (10) TO (20);
SELECT azora_opt.cached_json('ev:all', 'SELECT count(*) AS n FROM events');
SELECT azora_opt.cached_json('ev:1', 'SELECT count(*) AS n FROM events_1');
INSERT INTO events VALUES (5, 'routed to events_1');
SELECT azora_opt.cached_json('ev:all', 'SELECT count(*) AS n FROM events');
SELECT azora_opt.cached_json('ev:1', 'SELECT count(*) AS n FROM events_1');
INSERT INTO events_2 VALUES (15, 'directly');
SELECT azora_opt.cached_json('ev:all', 'SELECT count(*) AS n FROM events');

-- Statements that skip the executor: COPY FROM, TRUNCATE, REFRESH; DDL counts as ddl.
SELECT pg_temp.reset_delta();
COPY wallets FROM STDIN;
3	1000
\.
SELECT pg_temp.total();
CREATE MATERIALIZED VIEW wallet_count AS SELECT count(*) AS n FROM wallets;
SELECT azora_opt.cached_json('mv', 'SELECT n FROM wallet_count');
INSERT INTO wallets VALUES (4, 1);
SELECT azora_opt.cached_json('mv', 'SELECT n FROM wallet_count');
REFRESH MATERIALIZED VIEW wallet_count;
SELECT azora_opt.cached_json('mv', 'SELECT n FROM wallet_count');
SELECT azora_opt.cached_json('wallet:all', 'SELECT * FROM wallets WHERE id = 1');
ALTER TABLE wallets ADD COLUMN currency text DEFAULT 'EUR';
SELECT azora_opt.cached_json('wallet:all', 'SELECT * FROM wallets WHERE id = 1');
TRUNCATE payments, wallets CASCADE;
SELECT pg_temp.total();
SELECT write, ddl FROM pg_temp.delta();
-- A dropped and re-created table of the same name is another relation.
SELECT azora_opt.cached_json('cards', 'SELECT count(*) AS n FROM cards');
DROP TABLE cards;
CREATE TABLE cards (id int);
SELECT azora_opt.cached_json('cards', 'SELECT count(*) AS n FROM cards');

-- Privileges are re-checked on every hit, as the executor checks a direct query.
INSERT INTO wallets VALUES (1, 10, 'EUR');
CREATE ROLE cache_reader;
CREATE ROLE cache_nobody;
GRANT SELECT (id) ON wallets TO cache_reader;
GRANT SELECT ON rich TO cache_reader, cache_nobody;
SELECT azora_opt.cached_json('w:ids', 'SELECT id FROM wallets');
SELECT azora_opt.cached_json('w:balances', 'SELECT id, balance FROM wallets');
SELECT azora_opt.cached_json('w:rich', 'SELECT count(*) AS n FROM rich');
SELECT pg_temp.reset_delta();
SET ROLE cache_reader;
SELECT azora_opt.cached_json('w:ids', 'SELECT id FROM wallets');
SELECT azora_opt.cached_json('w:balances', 'SELECT id, balance FROM wallets');
SELECT azora_opt.cached_json('w:rich', 'SELECT count(*) AS n FROM rich');
RESET ROLE;
SET ROLE cache_nobody;
SELECT azora_opt.cached_json('w:ids', 'SELECT id FROM wallets');
SELECT azora_opt.cached_json('w:rich', 'SELECT count(*) AS n FROM rich');
RESET ROLE;
-- Entries are per role: the other roles' calls miss and run as themselves (denied calls raise
-- the executor's 42501), nothing leaked.
SELECT hits, misses FROM pg_temp.delta();
-- A SECURITY DEFINER function reads with its owner's rights, cached or not.
CREATE FUNCTION owner_ids() RETURNS json LANGUAGE sql SECURITY DEFINER AS $$
  SELECT azora_opt.cached_json('w:balances', 'SELECT id, balance FROM wallets') $$;
SET ROLE cache_nobody;
SELECT owner_ids();
RESET ROLE;

-- Row-level security: entries are per role and the policy reads only current_user (keyed), so
-- the query is cached and each role sees exactly its own rows.
CREATE TABLE notes (owner name, body text);
INSERT INTO notes VALUES ('cache_reader', 'reader note'), ('cache_nobody', 'nobody note');
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON notes USING (owner = current_user);
GRANT SELECT ON notes TO cache_reader, cache_nobody;
SET ROLE cache_reader;
SELECT azora_opt.cached_json('notes', 'SELECT body FROM notes');
RESET ROLE;
SET ROLE cache_nobody;
SELECT azora_opt.cached_json('notes', 'SELECT body FROM notes');
RESET ROLE;
SELECT count(*) AS notes_entries FROM azora_opt.cache_entries() WHERE key = 'notes';

-- A data-modifying WITH is a write too.
SELECT pg_temp.total();
WITH d AS (UPDATE wallets SET balance = balance + 1 RETURNING 1) SELECT count(*) FROM d;
SELECT pg_temp.total();
-- TRUNCATE ... CASCADE also empties the tables that reference the named one.
CREATE TABLE t_parent (id int PRIMARY KEY);
CREATE TABLE t_child (id int REFERENCES t_parent);
INSERT INTO t_parent VALUES (1);
INSERT INTO t_child VALUES (1);
SELECT azora_opt.cached_json('child', 'SELECT count(*) AS n FROM t_child');
TRUNCATE t_parent CASCADE;
SELECT azora_opt.cached_json('child', 'SELECT count(*) AS n FROM t_child');
-- A relation dropped with its schema: the next call reads the new relation of that name.
CREATE SCHEMA gone;
CREATE TABLE gone.t (v int);
INSERT INTO gone.t VALUES (1);
SELECT azora_opt.cached_json('gone', 'SELECT v FROM gone.t');
DROP SCHEMA gone CASCADE;
CREATE SCHEMA gone;
CREATE TABLE gone.t (v int);
INSERT INTO gone.t VALUES (2);
SELECT azora_opt.cached_json('gone', 'SELECT v FROM gone.t');

SELECT azora_opt.cache_flush() > 0 AS flushed;
DROP FUNCTION owner_ids(), drain(int), apply_payment() CASCADE;
DROP MATERIALIZED VIEW wallet_count;
DROP VIEW rich;
DROP TABLE wallets, payments, owners, cards, events, notes, t_child, t_parent;
DROP SCHEMA gone CASCADE;
DROP ROLE cache_reader;
DROP ROLE cache_nobody;
