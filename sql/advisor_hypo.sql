-- advisor_hypo: session-local hypothetical btree indexes — create, list, size, drop, reset,
-- hide/unhide; plain EXPLAIN plans with them by name; EXPLAIN ANALYZE and execution never use
-- them; DISCARD ALL and a new session forget them; bad input is a clear error.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP TABLE IF EXISTS hypo_t, hypo_parted;
RESET client_min_messages;
CREATE TABLE hypo_t (id int PRIMARY KEY, email text NOT NULL, grp int, score numeric, note text);
INSERT INTO hypo_t SELECT g, 'user' || g || '@example.com', g % 50, g % 1000, 'n' || g
FROM generate_series(1, 20000) g;
ANALYZE hypo_t;

-- Without what-if indexes the lookup is a sequential scan.
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE email = 'user7@example.com';
SELECT indexname FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email)');
SELECT indexname, relation, definition FROM azora_opt.hypo_list();
-- Plain EXPLAIN plans with it, shown by name; its OID is from the reserved range.
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE email = 'user7@example.com';
SELECT indexrelid < 16384 AND indexrelid >= 12000 AS reserved_oid,
       NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = indexrelid) AS no_catalog_row
FROM azora_opt.hypo_list();
-- EXPLAIN ANALYZE and plain execution never use it.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM hypo_t WHERE email = 'user7@example.com';
SELECT id FROM hypo_t WHERE email = 'user7@example.com';
-- An EXPLAIN that fails while planning leaves no armed what-if level behind: a function's own
-- statement, planned at that EXPLAIN's planner level, runs without the hypothetical index (it
-- would fail to open it). The first such EXPLAIN registers the transaction callback that
-- disarms it (hooks::want_events).
CREATE FUNCTION hypo_lookup(e text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r int;
BEGIN
  SELECT id INTO r FROM hypo_t WHERE email = e;
  RETURN r;
END $$;
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE email = 'user7@example.com' AND 1 / 0 = 1;
SELECT hypo_lookup('user7@example.com');
DROP FUNCTION hypo_lookup(text);
-- Nor a prepared statement explained with EXECUTE (its plan could be cached).
PREPARE hypo_p AS SELECT * FROM hypo_t WHERE email = $1;
EXPLAIN (COSTS OFF) EXECUTE hypo_p('user7@example.com');
EXECUTE hypo_p('user7@example.com');
DEALLOCATE hypo_p;
-- Size: positive, a whole number of 8 kB pages.
SELECT azora_opt.hypo_size(indexrelid) > 0 AS has_size,
       azora_opt.hypo_size(indexrelid) % 8192 = 0 AS whole_pages
FROM azora_opt.hypo_list();

-- Multi-column with INCLUDE, DESC, a name, fillfactor: an index-only scan in key order.
SELECT indexname FROM azora_opt.hypo_create(
  'CREATE INDEX grp_score ON hypo_t (grp, score DESC) INCLUDE (note) WITH (fillfactor = 70)');
EXPLAIN (COSTS OFF) SELECT score, note FROM hypo_t WHERE grp = 3 ORDER BY score DESC LIMIT 5;
-- Lower fillfactor, bigger index.
SELECT a.s < b.s AS fillfactor_grows_index FROM
  (SELECT azora_opt.hypo_size(indexrelid) s FROM azora_opt.hypo_create(
     'CREATE INDEX ff90 ON hypo_t (note)')) a,
  (SELECT azora_opt.hypo_size(indexrelid) s FROM azora_opt.hypo_create(
     'CREATE INDEX ff50 ON hypo_t (note) WITH (fillfactor = 50)')) b;
-- Partial index: used only when the query implies its predicate.
SELECT indexname FROM azora_opt.hypo_create('CREATE INDEX part ON hypo_t (id) WHERE grp = 7');
EXPLAIN (COSTS OFF) SELECT id FROM hypo_t WHERE grp = 7 AND id < 100;
SELECT azora_opt.hypo_size(indexrelid) < (SELECT azora_opt.hypo_size(indexrelid)
                                          FROM azora_opt.hypo_list() WHERE indexname = 'ff90')
       AS partial_is_smaller
FROM azora_opt.hypo_list() WHERE indexname = 'part';

-- Drop one; drop an unknown OID.
SELECT azora_opt.hypo_drop(indexrelid) FROM azora_opt.hypo_list() WHERE indexname = 'part';
SELECT azora_opt.hypo_drop(1);
SELECT indexname FROM azora_opt.hypo_list() ORDER BY indexname;

-- Hide a real index: plan as if it were gone (what-if EXPLAIN only).
SELECT azora_opt.hypo_reset();
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT azora_opt.hypo_hide('hypo_t_pkey');
SELECT azora_opt.hypo_hide('hypo_t_pkey') AS hidden_twice;
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT azora_opt.hypo_unhide('hypo_t_pkey');
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE id = 5;
SELECT azora_opt.hypo_hide('hypo_t');

-- DISCARD ALL forgets hypothetical indexes.
SELECT count(*) FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email)');
DISCARD ALL;
SELECT count(*) AS after_discard FROM azora_opt.hypo_list();
EXPLAIN (COSTS OFF) SELECT * FROM hypo_t WHERE email = 'user7@example.com';

-- A new session does not see another session's hypothetical indexes.
SELECT count(*) FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email)');
\c
SELECT count(*) AS other_session FROM azora_opt.hypo_list();

-- An index on a dropped column is never planned again (it stays listed until dropped); one on
-- a dropped table leaves the list.
SELECT count(*) FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (grp, note)');
EXPLAIN (COSTS OFF) SELECT grp FROM hypo_t WHERE grp = 3;
ALTER TABLE hypo_t DROP COLUMN note;
EXPLAIN (COSTS OFF) SELECT grp FROM hypo_t WHERE grp = 3;
CREATE TABLE hypo_gone (a int);
SELECT count(*) FROM azora_opt.hypo_create('CREATE INDEX ON hypo_gone (a)');
DROP TABLE hypo_gone;
SELECT count(*) AS listed FROM azora_opt.hypo_list();

-- Bad input: a clear error with a SQLSTATE and a hint.
\set VERBOSITY default
SELECT * FROM azora_opt.hypo_create('SELECT 1');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (id); CREATE INDEX ON hypo_t (grp)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t USING hash (email)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t ((lower(email)))');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (nope)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON no_such_table (a)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email) WITH (fillfactor = 5)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email) WITH (pages = 5)');
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email');
SELECT * FROM azora_opt.hypo_create(NULL);
CREATE TABLE hypo_parted (a int) PARTITION BY RANGE (a);
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_parted (a) WHERE a > 0');
SELECT azora_opt.hypo_size(12345);
-- A role without SELECT on the table cannot define an index on it.
CREATE ROLE hypo_nobody;
SET ROLE hypo_nobody;
SELECT * FROM azora_opt.hypo_create('CREATE INDEX ON hypo_t (email)');
RESET ROLE;
DROP ROLE hypo_nobody;
SELECT count(*) AS still_listed FROM azora_opt.hypo_list();
DROP TABLE hypo_t, hypo_parted;
