-- advisor_reports: unused_indexes() and redundant_indexes() on a table with known indexes.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP TABLE IF EXISTS rep_t;
RESET client_min_messages;
CREATE TABLE rep_t (id int PRIMARY KEY, a int, b int, c text, code text UNIQUE);
INSERT INTO rep_t SELECT g, g % 100, g % 7, 'c' || g, 'k' || g FROM generate_series(1, 1000) g;
CREATE INDEX rep_a ON rep_t (a);
CREATE INDEX rep_a_dup ON rep_t (a);              -- exact duplicate of rep_a
CREATE INDEX rep_a_b ON rep_t (a, b);             -- rep_a is its leading prefix
CREATE INDEX rep_a_desc ON rep_t (a DESC);        -- other ordering: not redundant
CREATE INDEX rep_a_part ON rep_t (a) WHERE b = 1; -- other predicate: not redundant
CREATE INDEX rep_c_pattern ON rep_t (c text_pattern_ops);  -- other opclass than rep_c
CREATE INDEX rep_c ON rep_t (c);
CREATE INDEX rep_b_inc ON rep_t (b) INCLUDE (c);  -- INCLUDE of its own: kept
CREATE INDEX rep_b_c ON rep_t (b, c);
CREATE INDEX rep_code ON rep_t (code);            -- duplicate of the UNIQUE constraint's index
CREATE UNIQUE INDEX rep_id_c ON rep_t (id, c);    -- unique without a constraint: never listed
ANALYZE rep_t;

SELECT index, covered_by, reason, drop_ddl FROM azora_opt.redundant_indexes()
WHERE relation = 'rep_t'::regclass ORDER BY index::text, covered_by::text;

-- Scan two indexes, flush this backend's statistics, then ask for the unused ones: the primary
-- key and the unique index are never listed, nor the two that were scanned.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FROM rep_t WHERE a = 5 AND b = 5;
SELECT count(*) FROM rep_t WHERE c = 'c5';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT pg_stat_force_next_flush();
\c
-- min_age => 0: judge every index, however young (the default leaves out those of the last day).
SELECT index, idx_scan, drop_ddl, reason LIKE 'never scanned since%' AS reason_given
FROM azora_opt.unused_indexes(min_age => '0') WHERE relation = 'rep_t'::regclass
ORDER BY index::text;
-- With the default min_age (1 day) these indexes, created a moment ago, are listed with no DDL
-- and the reason: too young to judge (an index just applied from the advice is not "unused").
SELECT index, drop_ddl IS NULL AS kept, reason ~ '^created at .*, less than .*1 day ago: too young to judge$' AS why
FROM azora_opt.unused_indexes() WHERE relation = 'rep_t'::regclass ORDER BY index::text;
-- Exact figures: the reported size is the index's.
SELECT bool_and(index_bytes = pg_relation_size(index)) AS sizes FROM azora_opt.unused_indexes();
DROP TABLE rep_t;
-- Dropped indexes are forgotten by the creation-time record.
SELECT count(*) AS forgotten FROM azora_opt.index_created WHERE NOT EXISTS
  (SELECT FROM pg_class c WHERE c.oid = indexrelid);

-- Partitioned tables: the parent's index is the unit a DROP removes. The partitions' attached
-- indexes are never listed (DROP INDEX on one fails: the parent's index needs it), a
-- partitioned index gets a plain DROP INDEX (PostgreSQL refuses CONCURRENTLY there), and its
-- scans and size are its partitions'. An index a partition has on its own is an ordinary one.
CREATE SCHEMA rep_s;
CREATE TABLE rep_s.p (k int, a int, b int) PARTITION BY RANGE (k);
CREATE TABLE rep_s.p1 PARTITION OF rep_s.p FOR VALUES FROM (0) TO (500);
CREATE TABLE rep_s.p2 PARTITION OF rep_s.p FOR VALUES FROM (500) TO (1000);
INSERT INTO rep_s.p SELECT g, g % 50, g % 7 FROM generate_series(0, 999) g;
CREATE INDEX p_a ON rep_s.p (a);
CREATE INDEX p_a_b ON rep_s.p (a, b);      -- p_a is its leading prefix
CREATE INDEX p1_b ON rep_s.p1 (b);         -- the partition's own index
CREATE INDEX p1_b_dup ON rep_s.p1 (b);     -- and a duplicate of it
CREATE TABLE rep_s.t (a int PRIMARY KEY, b int);
CREATE INDEX t_b ON rep_s.t (b);
ANALYZE rep_s.p, rep_s.t;
SELECT index, covered_by, drop_ddl FROM azora_opt.redundant_indexes()
WHERE index::text LIKE 'rep_s.%' ORDER BY index::text, covered_by::text;
SELECT index, index_bytes = (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(index))
         AS partitions_bytes, drop_ddl, reason
FROM azora_opt.unused_indexes(min_age => '0') WHERE index::text LIKE 'rep_s.%'
ORDER BY index::text;
-- Every drop_ddl runs, as given (top-level statements: CONCURRENTLY cannot run in a block).
CREATE TEMP TABLE listed AS
SELECT index::text AS name, drop_ddl FROM azora_opt.redundant_indexes()
WHERE index::text LIKE 'rep_s.%'
UNION
SELECT index::text, drop_ddl FROM azora_opt.unused_indexes(min_age => '0')
WHERE index::text LIKE 'rep_s.%' AND drop_ddl IS NOT NULL;
SELECT DISTINCT ON (name) drop_ddl FROM listed ORDER BY name \gexec
SELECT count(*) AS still_there FROM listed WHERE to_regclass(name) IS NOT NULL;
-- A role without superuser rights: its CREATE INDEX is recorded (the event trigger's function is
-- SECURITY DEFINER), and it reads the creation time of indexes on its own tables only.
CREATE TABLE rep_s.other (a int);
CREATE INDEX other_a ON rep_s.other (a);
CREATE ROLE rep_user;
GRANT USAGE, CREATE ON SCHEMA rep_s TO rep_user;
SET ROLE rep_user;
CREATE TABLE rep_s.mine (a int);
CREATE INDEX mine_a ON rep_s.mine (a);
SELECT indexrelid::regclass FROM azora_opt.index_created ORDER BY 1;
SELECT index, drop_ddl IS NULL AS kept FROM azora_opt.unused_indexes();
RESET ROLE;
SELECT indexrelid::regclass FROM azora_opt.index_created ORDER BY 1;
DROP SCHEMA rep_s CASCADE;
DROP ROLE rep_user;
-- Statistics reset a moment ago: no index has been watched for min_age, none gets a DROP.
CREATE TABLE rep_r (a int);
CREATE INDEX rep_r_a ON rep_r (a);
-- as if created before the extension was installed: no creation time, judged as old
DELETE FROM azora_opt.index_created WHERE indexrelid = 'rep_r_a'::regclass;
SELECT drop_ddl FROM azora_opt.unused_indexes(min_age => '1 hour')
WHERE index = 'rep_r_a'::regclass;
SELECT pg_stat_reset();
SELECT index, drop_ddl, reason ~ '^statistics reset at .*: too short a window to judge$' AS why
FROM azora_opt.unused_indexes(min_age => '1 hour') WHERE index = 'rep_r_a'::regclass;
DROP TABLE rep_r;
