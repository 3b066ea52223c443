-- cache_api: the result cache's SQL API — miss then hit, the json_agg document, rows for a
-- column definition list, $n params, one key per query, TTL presets, invalidation by key and
-- glob, stats and entries, flush's privilege, what is never cached, and bad input.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS cache_app;
RESET client_min_messages;
SELECT azora_opt.cache_flush() >= 0 AS flushed;
CREATE TEMP TABLE s0 AS SELECT * FROM azora_opt.cache_stats();
-- Counter deltas since the last snapshot in s0.
CREATE FUNCTION pg_temp.delta(OUT hits bigint, OUT misses bigint, OUT stores bigint,
                              OUT explicit bigint, OUT pattern bigint, OUT not_stored bigint)
LANGUAGE sql AS $$
  SELECT s.hits - s0.hits, s.misses - s0.misses, s.stores - s0.stores,
         s.invalidations_explicit - s0.invalidations_explicit,
         s.invalidations_pattern - s0.invalidations_pattern, s.not_stored - s0.not_stored
  FROM azora_opt.cache_stats() s, s0 $$;

CREATE TABLE courses (id int PRIMARY KEY, title text, price numeric, tags text[],
                      published date);
INSERT INTO courses VALUES (1, 'SQL "basics"', 10.5, '{db,intro}', '2026-01-02'),
                           (2, 'C++', NULL, '{}', NULL), (3, 'Ünïcode', 0, NULL, '2026-03-04');

-- A miss runs the query and stores it; the second call is a hit with the same document.
SELECT azora_opt.cached_json('courses:all', 'SELECT * FROM courses ORDER BY id');
SELECT azora_opt.cached_json('courses:all', 'SELECT * FROM courses ORDER BY id');
SELECT * FROM pg_temp.delta();
-- Exactly the document json_agg gives, for every type above; [] for no rows.
SELECT azora_opt.cached_json('courses:all', 'SELECT * FROM courses ORDER BY id')::text
       = (SELECT json_agg(q)::text FROM (SELECT * FROM courses ORDER BY id) q) AS same_as_json_agg;
SELECT azora_opt.cached_json('courses:none', 'SELECT * FROM courses WHERE id < 0');
-- Rows for a column definition list, from a miss and from a hit.
SELECT * FROM azora_opt.cached('courses:cheap', 'SELECT id, title, price FROM courses
  WHERE price < 20 ORDER BY id') AS t(id int, title text, price numeric);
SELECT * FROM azora_opt.cached('courses:cheap', 'SELECT id, title, price FROM courses
  WHERE price < 20 ORDER BY id') AS t(id int, title text, price numeric);

-- Params are bound as $n with types inferred from their use; NULL is SQL NULL.
SELECT azora_opt.cached_json('course:1', 'SELECT id, title FROM courses WHERE id = $1', NULL,
                             ARRAY['1']);
SELECT azora_opt.cached_json('course:x', 'SELECT $1::text AS v, $2::int AS n', NULL,
                             ARRAY['it''s; DROP TABLE courses', NULL]);
SELECT count(*) AS courses_still_there FROM courses;
-- One key names one query: another query or other params under the same key never get the
-- stored result; they replace it.
SELECT azora_opt.cached_json('course:1', 'SELECT id, title FROM courses WHERE id = $1', NULL,
                             ARRAY['2']);
SELECT azora_opt.cached_json('course:1', 'SELECT id FROM courses WHERE id = $1', NULL,
                             ARRAY['2']);
-- ... nor does the same text under a search_path where it names another table.
CREATE SCHEMA other;
CREATE TABLE other.courses (id int, title text);
INSERT INTO other.courses VALUES (99, 'elsewhere');
SELECT azora_opt.cached_json('sp', 'SELECT id, title FROM courses ORDER BY id LIMIT 1');
SET search_path = other, public;
SELECT azora_opt.cached_json('sp', 'SELECT id, title FROM courses ORDER BY id LIMIT 1');
RESET search_path;
SELECT azora_opt.cached_json('sp', 'SELECT id, title FROM courses ORDER BY id LIMIT 1');

-- TTL presets; an unknown name lists the known ones.
SELECT name, azora_opt.ttl(name)
FROM unnest(ARRAY['short', 'medium', 'long', 'day', 'user_profile', 'course_list',
                  'course_detail', 'wallet_balance', 'job_list', 'system_config']) name;
SELECT azora_opt.ttl('weekly');
SELECT azora_opt.ttl(NULL);
-- An entry past its TTL is a miss (and reclaimed).
SELECT azora_opt.cached_json('short-lived', 'SELECT 1 AS one', '1 millisecond');
SELECT pg_sleep(0.05);
DROP TABLE s0;
CREATE TEMP TABLE s0 AS SELECT * FROM azora_opt.cache_stats();
SELECT azora_opt.cached_json('short-lived', 'SELECT 1 AS one', '1 millisecond');
SELECT hits, misses FROM pg_temp.delta();

-- The tracker counts each call as its own statement, hit or miss (what the cache saved shows
-- as that statement's falling mean time); the query run on a miss is nested, not top-level.
SELECT azora_opt.reset() >= 0 AS tracker_reset;
SELECT azora_opt.cached_json('tracked', 'SELECT 42 AS answer', '1 hour');
SELECT azora_opt.cached_json('tracked', 'SELECT 42 AS answer', '1 hour');
SELECT azora_opt.cached_json('tracked', 'SELECT 42 AS answer', '1 hour');
SELECT query, calls FROM azora_opt.queries
WHERE query LIKE '%cached_json%' OR query LIKE '%answer%' ORDER BY query;

-- Entries and invalidation by key and by glob.
SELECT key, hits, source_relations, ttl_left > '4 minutes' AS default_ttl
FROM azora_opt.cache_entries() WHERE key LIKE 'course%' ORDER BY key;
SELECT azora_opt.cache_invalidate('courses:all');
SELECT azora_opt.cache_invalidate('courses:all');
SELECT azora_opt.cached_json('a*b', 'SELECT 1 AS x');
SELECT azora_opt.cached_json('aXb', 'SELECT 2 AS x');
SELECT azora_opt.cache_invalidate_pattern('a\*b');
SELECT azora_opt.cache_invalidate_pattern('course?:*');
SELECT azora_opt.cache_invalidate_pattern('course:?');
SELECT key FROM azora_opt.cache_entries() ORDER BY key;
SELECT explicit, pattern FROM pg_temp.delta();

-- What is not on the allow-list runs uncached with a NOTICE naming it (once per session and
-- reason); the role readers and row-level security are keyed, so 'who' and 'rls' are cached.
SELECT azora_opt.cached_json('v1', 'SELECT count(*) > 0 AS ok FROM courses WHERE random() < 2');
SELECT azora_opt.cached_json('v2', 'SELECT count(*) > 0 AS ok FROM courses WHERE random() < 2');
CREATE TEMP TABLE scratch (n int);
SELECT azora_opt.cached_json('tmp', 'SELECT count(*) AS n FROM scratch');
SELECT azora_opt.cached_json('cat', 'SELECT count(*) > 0 AS ok FROM pg_class');
SELECT azora_opt.cached_json('who', 'SELECT current_user = current_user AS ok');
SELECT azora_opt.cached_json('set', 'SELECT current_setting(''work_mem'') <> '''' AS ok');
SELECT azora_opt.cached_json('tz', 'SELECT current_setting(''TimeZone'') <> '''' AS ok');
SELECT azora_opt.cached_json('now', 'SELECT now() > ''2000-01-01'' AS ok');
SELECT azora_opt.cached_json('today', 'SELECT CURRENT_DATE > ''2000-01-01'' AS ok');
SELECT azora_opt.cached_json('xml', 'SELECT table_to_xml(''courses'', true, false, '''') IS NOT NULL AS ok');
CREATE SEQUENCE api_seq;
SELECT azora_opt.cached_json('seq', 'SELECT last_value FROM api_seq');
DROP SEQUENCE api_seq;
CREATE TABLE rls_t (id int);
ALTER TABLE rls_t ENABLE ROW LEVEL SECURITY;
SELECT azora_opt.cached_json('rls', 'SELECT count(*) AS n FROM rls_t');
SET azora_opt.cache_max_entry_bytes = 1024;
SELECT length(azora_opt.cached_json('big', 'SELECT repeat(''x'', 2000) AS big')::text);
RESET azora_opt.cache_max_entry_bytes;
SELECT key FROM azora_opt.cache_entries()
WHERE key IN ('v1', 'v2', 'tmp', 'cat', 'who', 'set', 'tz', 'now', 'today', 'xml', 'seq', 'rls', 'big')
ORDER BY key;

-- Not a read: 0A000 with a hint; nothing runs.
SELECT azora_opt.cached_json('w', 'DELETE FROM courses');
SELECT azora_opt.cached_json('w', 'SELECT * FROM courses FOR UPDATE');
SELECT azora_opt.cached_json('w', 'WITH d AS (DELETE FROM courses RETURNING *) SELECT * FROM d');
SELECT azora_opt.cached_json('w', 'SELECT * INTO copy_of_courses FROM courses');
SELECT azora_opt.cached_json('w', 'SELECT 1; DELETE FROM courses');
SELECT azora_opt.cached_json('w', 'CREATE TABLE nope (id int)');
SELECT count(*) AS courses_still_there FROM courses;

-- Bad input: each a defined error.
SELECT azora_opt.cached_json('bad', 'SELEC 1');
SELECT azora_opt.cached_json('bad', 'SELECT * FROM no_such_table');
SELECT azora_opt.cached_json(NULL, 'SELECT 1');
SELECT azora_opt.cached_json('bad', NULL);
SELECT azora_opt.cached_json('', 'SELECT 1');
SELECT azora_opt.cached_json(repeat('k', 10 * 1024 * 1024), 'SELECT 1');
SELECT azora_opt.cached_json('bad', 'SELECT $1::int AS a', NULL, ARRAY['1', '2']);
SELECT azora_opt.cached_json('bad', 'SELECT $1::int AS a');
SELECT azora_opt.cached_json('bad', 'SELECT $1::int AS a', NULL, ARRAY['x']);
SELECT azora_opt.cached_json('bad', 'SELECT $2::int AS a', NULL, ARRAY['1', '2']);
SELECT azora_opt.cached_json('bad', 'SELECT 1', '-5 minutes');
SELECT azora_opt.cached_json('bad', 'SELECT 1', '0');
SELECT azora_opt.cached_json('bad', 'SELECT 1', NULL, ARRAY[['1'], ['2']]);
SELECT azora_opt.cache_invalidate_pattern('');
SELECT azora_opt.cache_invalidate_pattern('abc\');
SELECT azora_opt.cache_invalidate_pattern(NULL);
SELECT azora_opt.cache_invalidate(NULL);

-- cache_flush is an administrator's tool; the rest is for every role.
CREATE ROLE cache_app;
GRANT SELECT ON courses TO cache_app;
SET ROLE cache_app;
SELECT azora_opt.cache_flush();
SELECT azora_opt.cached_json('app', 'SELECT count(*) AS n FROM courses');
-- Keys may name users: a role lists only the entries its own calls stored.
SELECT key FROM azora_opt.cache_entries() ORDER BY key;
SELECT azora_opt.cache_invalidate('app');
RESET ROLE;
SELECT azora_opt.cache_flush() > 0 AS flushed_some;
SELECT count(*) AS entries_left FROM azora_opt.cache_entries();

-- A cached query that calls cached_json on its own key: the inner call runs uncached at once
-- instead of waiting on its own fill (no fill wait is counted).
SELECT azora_opt.cached_json('self', 'SELECT azora_opt.cached_json(''self'', ''SELECT 1 AS one'')::text AS inner');
SELECT fill_waits = (SELECT fill_waits FROM s0) AS no_fill_wait FROM azora_opt.cache_stats();
-- A TTL too large for int64 microseconds is taken as the longest one, never an overflow.
SELECT azora_opt.cached_json('long', 'SELECT 1 AS one', interval '178000000 years');
SELECT ttl_left > interval '200 years' AS long_lived FROM azora_opt.cache_entries() WHERE key = 'long';

-- azora_opt.metrics() exposes the same counters under Prometheus names.
SELECT (regexp_match(m, 'azora_opt_cache_hits_total (\d+)'))[1]::bigint = s.hits AS hits_match,
       (regexp_match(m, 'azora_opt_cache_misses_total (\d+)'))[1]::bigint = s.misses AS misses_match,
       (regexp_match(m, 'azora_opt_cache_invalidations_total\{reason="pattern"\} (\d+)'))[1]::bigint
         = s.invalidations_pattern AS pattern_match,
       (regexp_match(m, 'azora_opt_cache_entries (\d+)'))[1]::bigint = s.entries AS entries_match
FROM azora_opt.metrics() AS m, azora_opt.cache_stats() AS s;

DROP TABLE courses, other.courses, rls_t;
DROP SCHEMA other;
DROP ROLE cache_app;
