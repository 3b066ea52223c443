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
SELECT index, idx_scan, drop_ddl, reason LIKE 'never scanned since%' AS reason_given
FROM azora_opt.unused_indexes() WHERE relation = 'rep_t'::regclass ORDER BY index::text;
-- Exact figures: the reported size is the index's.
SELECT bool_and(index_bytes = pg_relation_size(index)) AS sizes FROM azora_opt.unused_indexes();
DROP TABLE rep_t;
