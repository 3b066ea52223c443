-- tracking_samples: each entry keeps a bounded, uniform sample of its calls' parameter sets
-- (simple protocol: the constants put back; extended: bind values with their types) and the
-- session's search_path; long statements come back complete; samples are shown only to the
-- statement's role and superusers; reset() clears them.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS samp_alice;
DROP ROLE IF EXISTS samp_bob;
RESET client_min_messages;
SHOW azora_opt.samples_per_query;
SHOW azora_opt.max_sample_bytes;
SHOW azora_opt.max_text_bytes;
CREATE ROLE samp_alice;
CREATE ROLE samp_bob;
CREATE TABLE samp_t (id int PRIMARY KEY, created timestamptz, note text);
INSERT INTO samp_t SELECT g, now() - g * interval '1 day', 'n' || g FROM generate_series(1, 100) g;
GRANT SELECT ON samp_t TO samp_alice, samp_bob;
SELECT azora_opt.reset() > 0 AS removed_earlier_entries;

-- Simple protocol: the normalized text has $n, the sample has the literals back, intact.
SELECT count(*) FROM samp_t WHERE created > now() - interval '30 days' AND note <> 'it''s';
SELECT query FROM azora_opt.queries WHERE query LIKE '%samp\_t WHERE created%';
SELECT sample, protocol, statement, param_types, param_values, search_path
FROM azora_opt.query_samples() WHERE statement LIKE '%samp\_t WHERE created%';
-- An UPDATE's WHERE key comes before its SET value in the jumble, not in the text: the sample
-- still gives them in text order (constants sorted by location before they are measured).
UPDATE samp_t SET note = 'upd' || 'x' WHERE id = 999999 AND created < now();
SELECT query FROM azora_opt.queries WHERE query LIKE 'UPDATE samp\_t SET note%';
SELECT statement, param_values FROM azora_opt.query_samples()
WHERE statement LIKE 'UPDATE samp\_t SET note%';
-- The session's search_path at the call is kept with the sample.
SET search_path = pg_catalog, public;
SELECT count(*) FROM samp_t WHERE id < 3;
RESET search_path;
SELECT statement, search_path FROM azora_opt.query_samples()
WHERE statement LIKE 'SELECT count(*) FROM samp\_t WHERE id <%';

-- Bounded: 20 calls, 4 samples (samples_per_query), each one of the calls' own values.
\o /dev/null
SELECT format('SELECT note FROM samp_t WHERE id = %s', g) FROM generate_series(1, 20) g \gexec
\o
SELECT q.calls, count(s.*) AS samples,
       bool_and(s.statement = 'SELECT note FROM samp_t WHERE id = ' || s.param_values[1]) AS rebuilt,
       bool_and(s.param_values[1]::int BETWEEN 1 AND 20) AS values_sent,
       count(DISTINCT s.param_values[1]) = count(*) AS distinct_calls
FROM azora_opt.queries q JOIN azora_opt.query_samples() s USING (userid, dbid, queryid, toplevel)
WHERE q.query = 'SELECT note FROM samp_t WHERE id = $1' GROUP BY q.calls;

-- A statement longer than max_text_bytes (1 kB): queries shows it clipped, the samples
-- rebuild it complete, byte for byte.
CREATE TEMP TABLE samp_long AS
SELECT format('SELECT %s FROM samp_t WHERE id = 42 AND created < now() - interval ''2 days''',
              string_agg(format('id AS a_rather_long_column_alias_number_%s', g), ', ')) AS sql
FROM generate_series(1, 40) g;
SELECT length(sql) > 1024 AS longer_than_text_area FROM samp_long;
\o /dev/null
SELECT sql FROM samp_long \gexec
\o
SELECT q.query LIKE '%...[truncated]' AS queries_clipped, s.statement = l.sql AS sample_complete,
       s.param_values
FROM samp_long l, azora_opt.queries q
JOIN azora_opt.query_samples() s USING (userid, dbid, queryid, toplevel)
WHERE q.query LIKE 'SELECT id AS a\_rather\_long%';

-- PREPARE/EXECUTE passes bind values like the extended protocol: types and values, NULL kept.
PREPARE samp_p(int, interval, text) AS
  SELECT count(*) FROM samp_t WHERE id < $1 AND created > now() - $2 AND note IS DISTINCT FROM $3;
EXECUTE samp_p(10, '5 days', NULL);
SELECT protocol, statement, param_types, param_values
FROM azora_opt.query_samples() WHERE statement LIKE '%IS DISTINCT FROM $3';
-- A sample too big for the entry's area is dropped and counted, never stored truncated.
SELECT samples_dropped AS dropped_before FROM azora_opt.info() \gset
PREPARE samp_big(text) AS SELECT count(*) FROM samp_t WHERE note = $1;
EXECUTE samp_big(repeat('x', 3000));
SELECT samples_dropped - :dropped_before AS dropped FROM azora_opt.info();
SELECT count(*) AS big_samples FROM azora_opt.query_samples() WHERE statement LIKE '%note = $1';
DEALLOCATE samp_p;
DEALLOCATE samp_big;

-- Another role sees no samples of Alice's statements; Alice and the superuser do.
SET ROLE samp_alice;
SELECT note FROM samp_t WHERE id = 77;
RESET ROLE;
SET ROLE samp_bob;
SELECT count(*) AS bob_sees FROM azora_opt.query_samples() WHERE userid = 'samp_alice'::regrole;
RESET ROLE;
SET ROLE samp_alice;
SELECT statement AS alice_sees FROM azora_opt.query_samples()
WHERE userid = 'samp_alice'::regrole;
RESET ROLE;
SELECT statement AS superuser_sees FROM azora_opt.query_samples()
WHERE userid = 'samp_alice'::regrole ORDER BY statement COLLATE "C" DESC;

-- Every literal form comes back token for token. The first statement has only numbers and
-- plain strings (measured without the scanner, pure/literal_length.hpp); the second has forms
-- left to PostgreSQL's scanner (an E'' string, a dollar quote, a typed literal, a minus sign
-- before white space, two quoted strings joined across a newline, a boolean).
CREATE TEMP TABLE samp_forms (n int, sql text);
INSERT INTO samp_forms VALUES
  (1, $q$SELECT count(*) FROM samp_t WHERE id IN (1, -2, 3.5, -.5, 1e2, 2.5E-1, 7::bigint) AND note <> 'it''s' AND note <> 'a\b' AND note <> ''$q$),
  (2, $q$SELECT count(*) FROM samp_t WHERE note <> E'x\'y' AND note <> $d$dollar$d$ AND created < date '2024-01-02' AND id <> - 7 AND note <> 'a'
'b' AND (id > 0) = true$q$);
\o /dev/null
SELECT sql FROM samp_forms ORDER BY n \gexec
\o
SELECT f.n, s.statement = f.sql AS rebuilt_exactly, s.param_values
FROM samp_forms f LEFT JOIN azora_opt.query_samples() s ON s.statement = f.sql ORDER BY f.n;

-- reset() clears the samples with their entries.
SELECT azora_opt.reset(NULL, NULL, NULL) > 0 AS reset;
SELECT count(*) AS samples_after_reset FROM azora_opt.query_samples()
WHERE statement LIKE '%samp\_t%';

DROP TABLE samp_t;
DROP ROLE samp_alice;
DROP ROLE samp_bob;
