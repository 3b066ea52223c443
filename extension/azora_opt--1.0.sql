-- azora_opt--1.0.sql — objects of azora_opt 1.0, created in schema azora_opt.

\echo Use "CREATE EXTENSION azora_opt" to load this file. \quit

-- Every role may use the schema; each object below grants or revokes its own access.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- The version of the loaded shared library.
CREATE FUNCTION version() RETURNS text
AS 'MODULE_PATHNAME', 'azora_version'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- Boundary self-tests (see docs/sql.md): raise each kind of failure from C++ code.
CREATE FUNCTION _selftest_raise(kind text) RETURNS void
AS 'MODULE_PATHNAME', 'azora_selftest_raise'
LANGUAGE C STRICT VOLATILE;

CREATE FUNCTION _selftest_unwound() RETURNS bigint
AS 'MODULE_PATHNAME', 'azora_selftest_unwound'
LANGUAGE C STRICT VOLATILE;

REVOKE ALL ON FUNCTION _selftest_raise(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION _selftest_unwound() FROM PUBLIC;

-- Slow-query tracking (docs/extension/tracking.md): per-statement statistics collected by the
-- hooks into shared memory.

-- Raw entries; read them through the view azora_opt.queries.
CREATE FUNCTION _queries(
    OUT userid oid, OUT dbid oid, OUT toplevel boolean, OUT queryid bigint, OUT query text,
    OUT calls bigint, OUT rows bigint,
    OUT total_exec_time double precision, OUT min_exec_time double precision,
    OUT max_exec_time double precision, OUT mean_exec_time double precision,
    OUT stddev_exec_time double precision,
    OUT p50_exec_time double precision, OUT p95_exec_time double precision,
    OUT p99_exec_time double precision,
    OUT slow_calls bigint, OUT plans bigint, OUT total_plan_time double precision,
    OUT shared_blks_hit bigint, OUT shared_blks_read bigint, OUT shared_blks_dirtied bigint,
    OUT shared_blks_written bigint, OUT local_blks_hit bigint, OUT local_blks_read bigint,
    OUT local_blks_dirtied bigint, OUT local_blks_written bigint,
    OUT temp_blks_read bigint, OUT temp_blks_written bigint,
    OUT first_seen timestamptz, OUT last_seen timestamptz, OUT has_plan boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_tracker_queries'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- One row per tracked statement (userid, dbid, queryid, toplevel); times in milliseconds.
CREATE VIEW queries AS SELECT * FROM _queries();
GRANT SELECT ON queries TO PUBLIC;

-- Validates top_queries' order_by (SQLSTATE 22023 with a hint) and returns its index.
CREATE FUNCTION _top_order(order_by text) RETURNS integer
AS 'MODULE_PATHNAME', 'azora_tracker_top_order'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The n statements with the highest order_by: total_time | mean_time | p95 | p99 | calls |
-- slow_calls. n NULL means all.
CREATE FUNCTION top_queries(n integer DEFAULT 10, order_by text DEFAULT 'total_time')
RETURNS SETOF queries
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k integer := @extschema@._top_order(order_by);
BEGIN
  RETURN QUERY
    SELECT q.* FROM @extschema@.queries q
    ORDER BY CASE k
               WHEN 0 THEN q.total_exec_time
               WHEN 1 THEN q.mean_exec_time
               WHEN 2 THEN q.p95_exec_time
               WHEN 3 THEN q.p99_exec_time
               WHEN 4 THEN q.calls::double precision
               ELSE q.slow_calls::double precision
             END DESC NULLS LAST, q.queryid, q.userid, q.dbid, q.toplevel
    LIMIT n;
END $$;

-- The plan of the slowest call of each entry with this queryid.
CREATE FUNCTION query_plan(queryid bigint,
    OUT userid oid, OUT dbid oid, OUT toplevel boolean,
    OUT exec_time double precision, OUT captured_at timestamptz,
    OUT source_text text, OUT plan text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_tracker_query_plan'
LANGUAGE C STRICT VOLATILE;

-- Table size, evictions and the time of the last full reset.
CREATE FUNCTION info(OUT entries bigint, OUT max bigint, OUT dealloc bigint,
                     OUT stats_reset timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'azora_tracker_info'
LANGUAGE C STRICT VOLATILE;

-- Removes matching entries (NULL matches all; all NULL also resets dealloc); returns how many.
CREATE FUNCTION reset(userid oid DEFAULT NULL, dbid oid DEFAULT NULL, queryid bigint DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'azora_tracker_reset'
LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION reset(oid, oid, bigint) FROM PUBLIC;

-- Prometheus exposition text (for a scraper role: grant it pg_read_all_stats).
CREATE FUNCTION metrics() RETURNS text
AS 'MODULE_PATHNAME', 'azora_tracker_metrics'
LANGUAGE C STRICT VOLATILE;
REVOKE ALL ON FUNCTION metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION metrics() TO pg_read_all_stats;
