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
