-- azora_opt--1.0--1.1.sql — what 1.1 adds to 1.0. A fresh CREATE EXTENSION runs
-- azora_opt--1.0.sql and then this file (PostgreSQL follows the update chain), so a fresh install
-- and ALTER EXTENSION azora_opt UPDATE from 1.0 create exactly the same objects (sql/upgrade.sql
-- checks that). Each feature owns one section below and only appends to it.

\echo Use "ALTER EXTENSION azora_opt UPDATE TO '1.1'" to load this file. \quit

-- ===== Slow-query tracking (docs/extension/tracking.md) =====================================

-- info() gains the plan-capture counters (the library serves the 1.0 definition too).
DROP FUNCTION info();
CREATE FUNCTION info(OUT entries bigint, OUT max bigint, OUT dealloc bigint,
                     OUT stats_reset timestamptz, OUT plan_captures bigint,
                     OUT plan_capture_failures bigint, OUT plan_capture_skips bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'azora_tracker_info'
LANGUAGE C STRICT VOLATILE;

-- Each entry's raw latency histogram (non-empty buckets only; layout in
-- extension/pure/histogram.hpp), so clients can merge entries of several roles or servers by
-- adding buckets. Same visibility as azora_opt.queries: queryid is NULL for others' entries.
CREATE FUNCTION query_histograms(
    OUT userid oid, OUT dbid oid, OUT toplevel boolean, OUT queryid bigint,
    OUT calls bigint, OUT total_exec_time double precision,
    OUT min_exec_time double precision, OUT max_exec_time double precision,
    OUT bucket_index integer[], OUT bucket_count bigint[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_tracker_histograms'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- ===== Result cache (docs/extension/cache.md) ===============================================

-- The rows of a read-only query as a JSON array (json_agg's document, '[]' for no rows), served
-- from the shared-memory cache under key while valid. VOLATILE: it runs the query with a fresh
-- snapshot on a miss and changes the cache.
CREATE FUNCTION cached_json(key text, query text, ttl interval DEFAULT NULL,
                            params text[] DEFAULT NULL) RETURNS json
AS 'MODULE_PATHNAME', 'azora_cache_cached_json'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- The same rows for a column definition list: SELECT * FROM cached(...) AS t(id int, ...).
CREATE FUNCTION cached(key text, query text, ttl interval DEFAULT NULL,
                       params text[] DEFAULT NULL) RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_cache_cached'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- TTL presets by name: short, medium, long, day, and the seed's per-data-type lifetimes.
CREATE FUNCTION ttl(name text) RETURNS interval
AS 'MODULE_PATHNAME', 'azora_cache_ttl'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION cache_invalidate(key text) RETURNS boolean
AS 'MODULE_PATHNAME', 'azora_cache_invalidate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- Keys of this database matching a glob: * any run, ? one character, \ escapes.
CREATE FUNCTION cache_invalidate_pattern(glob text) RETURNS bigint
AS 'MODULE_PATHNAME', 'azora_cache_invalidate_pattern'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION cache_stats(
    OUT hits bigint, OUT misses bigint, OUT hit_rate double precision, OUT entries bigint,
    OUT bytes_used bigint, OUT bytes_reserved bigint, OUT bytes_cap bigint,
    OUT entry_limit_bytes bigint, OUT stores bigint, OUT evictions bigint,
    OUT expirations bigint, OUT invalidations_explicit bigint, OUT invalidations_pattern bigint,
    OUT invalidations_write bigint, OUT invalidations_ddl bigint, OUT bypassed bigint,
    OUT not_stored bigint, OUT fill_waits bigint)
AS 'MODULE_PATHNAME', 'azora_cache_stats'
LANGUAGE C VOLATILE PARALLEL SAFE;

-- This database's entries.
CREATE FUNCTION cache_entries(
    OUT key text, OUT bytes bigint, OUT age interval, OUT ttl_left interval, OUT hits bigint,
    OUT source_relations regclass[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_cache_entries'
LANGUAGE C VOLATILE PARALLEL SAFE;

-- Empties the whole cache (every database): an administrator's tool.
CREATE FUNCTION cache_flush() RETURNS bigint
AS 'MODULE_PATHNAME', 'azora_cache_flush'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION cache_flush() FROM PUBLIC;

-- ===== Index advisor (docs/extension/advisor.md) ============================================

-- What-if planning: session-local hypothetical btree indexes. Every function acts on the
-- caller's session only; hypo_create needs SELECT on the table, so they stay open to PUBLIC.
CREATE FUNCTION hypo_create(ddl text, OUT indexrelid oid, OUT indexname text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_create'
LANGUAGE C VOLATILE;

CREATE FUNCTION hypo_list(OUT indexrelid oid, OUT indexname text, OUT relation regclass,
                          OUT definition text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_list'
LANGUAGE C VOLATILE;

CREATE FUNCTION hypo_size(indexrelid oid) RETURNS bigint
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_size'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION hypo_drop(indexrelid oid) RETURNS boolean
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_drop'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION hypo_reset() RETURNS void
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_reset'
LANGUAGE C VOLATILE;

CREATE FUNCTION hypo_hide(index regclass) RETURNS boolean
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_hide'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION hypo_unhide(index regclass) RETURNS boolean
AS 'MODULE_PATHNAME', 'azora_advisor_hypo_unhide'
LANGUAGE C VOLATILE STRICT;

-- Index advice for the tracked workload of this database (docs/extension/advisor.md). Plans
-- only statements whose texts the caller may see, on tables the caller may SELECT from.
CREATE FUNCTION advise_indexes(budget_bytes bigint DEFAULT NULL,
                               min_improvement float8 DEFAULT 0.10,
                               OUT ddl text, OUT relation regclass, OUT columns text[],
                               OUT index_bytes bigint, OUT queryids bigint[],
                               OUT cost_before float8, OUT cost_after float8,
                               OUT improvement float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_advisor_advise_indexes'
LANGUAGE C VOLATILE;

-- Benchmark helper (docs/benchmarks.md): for each budget, the workload cost the advisor reaches
-- and the two baselines of issue 9 (one single-column index per qual column; a Dexter-style
-- per-query pass), all costed by the same what-if planning; plus plan calls and their rate.
CREATE FUNCTION _advise_compare(budgets bigint[],
                                OUT budget bigint, OUT statements integer,
                                OUT no_index_cost float8, OUT advisor_cost float8,
                                OUT single_column_cost float8, OUT dexter_cost float8,
                                OUT advisor_bytes bigint, OUT single_column_bytes bigint,
                                OUT dexter_bytes bigint, OUT plans bigint, OUT seconds float8,
                                OUT plans_per_second float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_advisor_compare'
LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _advise_compare(bigint[]) FROM PUBLIC;

-- Indexes never scanned since the statistics were reset, on tables the caller may SELECT from:
-- candidates to drop. Unique, primary-key, exclusion and constraint-backing indexes are left
-- out (dropping them changes what the database enforces), as are invalid ones.
CREATE FUNCTION unused_indexes(OUT index regclass, OUT relation regclass, OUT index_bytes bigint,
                               OUT idx_scan bigint, OUT stats_reset timestamptz,
                               OUT drop_ddl text, OUT reason text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT s.indexrelid::regclass, s.relid::regclass, pg_relation_size(s.indexrelid), s.idx_scan,
         d.stats_reset, format('DROP INDEX CONCURRENTLY %s', s.indexrelid::regclass),
         CASE WHEN d.stats_reset IS NULL
              THEN 'never scanned since the statistics were last reset'
              ELSE format('never scanned since the statistics reset at %s', d.stats_reset) END
  FROM pg_stat_user_indexes s
  JOIN pg_index i ON i.indexrelid = s.indexrelid
  CROSS JOIN (SELECT db.stats_reset FROM pg_stat_database db
              WHERE db.datname = current_database()) d
  WHERE s.idx_scan = 0 AND i.indisvalid
    AND NOT (i.indisunique OR i.indisprimary OR i.indisexclusion)
    AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    AND has_table_privilege(s.relid, 'SELECT')
  ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelid::regclass::text
$$;

-- Btree indexes another index makes unnecessary: an exact duplicate, or one whose key columns
-- are a leading prefix of another's with the same predicate, operator classes, collations and
-- orderings (and no INCLUDE columns of its own). Indexes that enforce something are kept; of two
-- exact duplicates that enforce nothing, the newer is reported.
CREATE FUNCTION redundant_indexes(OUT index regclass, OUT relation regclass,
                                  OUT index_bytes bigint, OUT covered_by regclass,
                                  OUT drop_ddl text, OUT reason text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH ix AS (
    SELECT i.indexrelid, i.indrelid, i.indnkeyatts AS nkeys, i.indnatts AS natts,
           (i.indkey::int2[])[0:i.indnkeyatts - 1] AS keys,
           (i.indclass::oid[])[0:i.indnkeyatts - 1] AS opclasses,
           (i.indcollation::oid[])[0:i.indnkeyatts - 1] AS collations,
           (i.indoption::int2[])[0:i.indnkeyatts - 1] AS options,
           pg_get_expr(i.indpred, i.indrelid) AS pred,
           i.indexprs IS NOT NULL AS has_exprs,
           i.indisunique OR i.indisprimary OR i.indisexclusion
             OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) AS enforces
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'btree' AND i.indisvalid
      AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace)
      AND has_table_privilege(i.indrelid, 'SELECT')
  )
  SELECT a.indexrelid::regclass, a.indrelid::regclass, pg_relation_size(a.indexrelid),
         b.indexrelid::regclass, format('DROP INDEX CONCURRENTLY %s', a.indexrelid::regclass),
         CASE WHEN a.nkeys = b.nkeys AND a.natts = b.natts
              THEN format('exact duplicate of %s', b.indexrelid::regclass)
              ELSE format('its key columns are a leading prefix of %s''s', b.indexrelid::regclass)
         END
  FROM ix a
  JOIN ix b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
  WHERE NOT a.enforces AND NOT a.has_exprs AND NOT b.has_exprs
    AND a.natts = a.nkeys AND a.nkeys <= b.nkeys
    AND a.keys = b.keys[1:a.nkeys] AND a.opclasses = b.opclasses[1:a.nkeys]
    AND a.collations = b.collations[1:a.nkeys] AND a.options = b.options[1:a.nkeys]
    AND a.pred IS NOT DISTINCT FROM b.pred
    -- of two exact duplicates that both enforce nothing, report only the newer one
    AND NOT (a.nkeys = b.nkeys AND a.natts = b.natts AND NOT b.enforces
             AND a.indexrelid < b.indexrelid)
  ORDER BY a.indexrelid::regclass::text, b.indexrelid::regclass::text
$$;
