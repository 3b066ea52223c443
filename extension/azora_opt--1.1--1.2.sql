-- azora_opt--1.1--1.2.sql — what 1.2 adds to 1.1. A fresh CREATE EXTENSION runs the whole chain
-- (1.0, 1.0--1.1, then this file), so a fresh install and ALTER EXTENSION azora_opt UPDATE create
-- exactly the same objects (sql/upgrade.sql checks that). Each feature owns one section below and
-- only appends to it. The library serves every installed version: a function whose result type
-- changed here fills only the columns its caller's definition declares.

\echo Use "ALTER EXTENSION azora_opt UPDATE TO '1.2'" to load this file. \quit

-- ===== Slow-query tracking (docs/extension/tracking.md) =====================================

-- Parameter samples: a uniform sample of each statement's calls, with the constants of simple-
-- protocol calls (statement rebuilt with them) and the bind values of extended-protocol calls.
-- Rows only for entries whose literals the caller may see (superuser, the statement's role).
CREATE FUNCTION query_samples(OUT userid oid, OUT dbid oid, OUT queryid bigint,
                              OUT toplevel boolean, OUT sample integer, OUT protocol text,
                              OUT search_path text, OUT statement text,
                              OUT param_types regtype[], OUT param_values text[],
                              OUT captured_at timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_tracker_query_samples'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- info() gains the count of parameter samples dropped (too big for their entry's sample area).
DROP FUNCTION info();
CREATE FUNCTION info(OUT entries bigint, OUT max bigint, OUT dealloc bigint,
                     OUT stats_reset timestamptz, OUT plan_captures bigint,
                     OUT plan_capture_failures bigint, OUT plan_capture_skips bigint,
                     OUT samples_dropped bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'azora_tracker_info'
LANGUAGE C STRICT VOLATILE;

-- ===== Index advisor (docs/extension/advisor.md) ============================================

-- advise_indexes() also says what the tracked writes would pay to maintain each index, whether
-- tracked UPDATEs would lose HOT updates, the DROP of an existing index the advised one makes
-- redundant, and what its statements' costs were planned from.
DROP FUNCTION advise_indexes(bigint, float8);
CREATE FUNCTION advise_indexes(budget_bytes bigint DEFAULT NULL,
                               min_improvement float8 DEFAULT 0.10,
                               OUT ddl text, OUT relation regclass, OUT columns text[],
                               OUT index_bytes bigint, OUT queryids bigint[],
                               OUT cost_before float8, OUT cost_after float8,
                               OUT improvement float8, OUT maintenance_cost float8,
                               OUT hot_update_loss boolean, OUT drop_ddl text,
                               OUT cost_basis text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'azora_advisor_advise_indexes'
LANGUAGE C VOLATILE;

-- ===== Index reports (docs/extension/advisor.md, Reports) ===================================

-- When each index was created: PostgreSQL keeps no creation time, so an event trigger records
-- every CREATE INDEX (and forgets dropped indexes), and unused_indexes() does not judge an index
-- younger than its min_age (one just applied from the advice has not been scanned yet). Rows
-- are visible only for tables the reader may SELECT from. Indexes created before the extension,
-- or rebuilt by ALTER TABLE ... TYPE, have no row and count as old.
CREATE TABLE index_created (
  indexrelid oid PRIMARY KEY,
  relid oid NOT NULL,
  created_at timestamptz NOT NULL
);
REVOKE ALL ON index_created FROM PUBLIC;
GRANT SELECT ON index_created TO PUBLIC;
ALTER TABLE index_created ENABLE ROW LEVEL SECURITY;
CREATE POLICY index_created_readable ON index_created FOR SELECT
  USING (has_table_privilege(relid, 'SELECT'));

-- Run by the event triggers as the extension's owner (the table is not writable by others); a
-- failure to record never fails the user's DDL.
CREATE FUNCTION _index_created_record() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO azora_opt.index_created (indexrelid, relid, created_at)
  SELECT c.objid, i.indrelid, clock_timestamp()
  FROM pg_event_trigger_ddl_commands() c
  JOIN pg_index i ON i.indexrelid = c.objid
  WHERE c.classid = 'pg_class'::regclass
  ON CONFLICT (indexrelid) DO UPDATE SET relid = excluded.relid, created_at = excluded.created_at;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'azora_opt: could not record the index creation time: %', SQLERRM;
END $$;
REVOKE ALL ON FUNCTION _index_created_record() FROM PUBLIC;

CREATE FUNCTION _index_created_forget() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  DELETE FROM azora_opt.index_created
  WHERE indexrelid IN (SELECT d.objid FROM pg_event_trigger_dropped_objects() d
                       WHERE d.classid = 'pg_class'::regclass AND d.object_type = 'index');
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'azora_opt: could not forget a dropped index: %', SQLERRM;
END $$;
REVOKE ALL ON FUNCTION _index_created_forget() FROM PUBLIC;

CREATE EVENT TRIGGER azora_opt_index_created ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION _index_created_record();
CREATE EVENT TRIGGER azora_opt_index_dropped ON sql_drop
  EXECUTE FUNCTION _index_created_forget();

-- Indexes never scanned, as units a DROP can remove: a partitioned table's index is one row
-- (its partitions' scans and sizes summed, a plain DROP INDEX: PostgreSQL refuses CONCURRENTLY
-- there), the partitions' indexes attached to it are not listed (they cannot be dropped alone).
-- Unique, primary-key, exclusion, constraint-backing, invalid and temporary indexes are left
-- out. An index younger than min_age, or every index when the statistics were reset less than
-- min_age ago, is listed with drop_ddl NULL and the reason: too short a window to judge.
DROP FUNCTION unused_indexes();
CREATE FUNCTION unused_indexes(min_age interval DEFAULT interval '1 day',
                               OUT index regclass, OUT relation regclass, OUT index_bytes bigint,
                               OUT idx_scan bigint, OUT stats_reset timestamptz,
                               OUT drop_ddl text, OUT reason text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH db AS (
    SELECT d.stats_reset FROM pg_stat_database d WHERE d.datname = current_database()
  ), candidate AS (
    SELECT c.oid AS indexrelid, i.indrelid AS relid, c.relkind = 'I' AS partitioned,
           CASE WHEN c.relkind = 'I'
                THEN (SELECT coalesce(sum(s.idx_scan), 0) FROM pg_partition_tree(c.oid) p
                      JOIN pg_stat_all_indexes s ON s.indexrelid = p.relid)
                ELSE (SELECT s.idx_scan FROM pg_stat_all_indexes s WHERE s.indexrelid = c.oid)
           END AS scans,
           CASE WHEN c.relkind = 'I'
                THEN (SELECT count(*) FROM pg_partition_tree(c.oid) p WHERE p.isleaf)
           END AS partitions,
           CASE WHEN c.relkind = 'I'
                THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0)
                      FROM pg_partition_tree(c.oid) p)
                ELSE pg_relation_size(c.oid)
           END AS bytes
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relkind IN ('i', 'I') AND NOT c.relispartition AND c.relpersistence <> 't'
      AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace,
                                 'information_schema'::regnamespace)
      AND i.indisvalid AND NOT (i.indisunique OR i.indisprimary OR i.indisexclusion)
      AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      AND has_table_privilege(i.indrelid, 'SELECT')
  ), judged AS (
    SELECT x.*, db.stats_reset, ic.created_at,
           ic.created_at > now() - min_age AS young,
           db.stats_reset > now() - min_age AS short_window
    FROM candidate x
    CROSS JOIN db
    LEFT JOIN azora_opt.index_created ic ON ic.indexrelid = x.indexrelid AND ic.relid = x.relid
    WHERE x.scans = 0
  )
  SELECT j.indexrelid::regclass, j.relid::regclass, j.bytes, j.scans, j.stats_reset,
         CASE WHEN j.young OR j.short_window THEN NULL
              WHEN j.partitioned THEN format('DROP INDEX %s', j.indexrelid::regclass)
              ELSE format('DROP INDEX CONCURRENTLY %s', j.indexrelid::regclass) END,
         CASE WHEN j.young
              THEN format('created at %s, less than %s ago: too young to judge', j.created_at,
                          min_age)
              WHEN j.short_window
              THEN format('statistics reset at %s, less than %s ago: too short a window to judge',
                          j.stats_reset, min_age)
              ELSE format('never scanned%s since the statistics %s',
                          CASE WHEN j.partitioned
                               THEN format(' on any of its %s partitions', j.partitions) END,
                          CASE WHEN j.stats_reset IS NULL THEN 'were last reset'
                               ELSE format('reset at %s', j.stats_reset) END)
         END
  FROM judged j
  ORDER BY j.young OR j.short_window, j.bytes DESC, j.indexrelid::regclass::text
$$;

-- Partitions' indexes attached to a parent index are compared at the parent (the unit a DROP
-- removes); a partitioned index's drop is a plain DROP INDEX.
CREATE OR REPLACE FUNCTION redundant_indexes(OUT index regclass, OUT relation regclass,
                                             OUT index_bytes bigint, OUT covered_by regclass,
                                             OUT drop_ddl text, OUT reason text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH ix AS (
    SELECT i.indexrelid, i.indrelid, i.indnkeyatts AS nkeys, i.indnatts AS natts,
           c.relkind = 'I' AS partitioned,
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
    WHERE am.amname = 'btree' AND i.indisvalid AND NOT c.relispartition
      AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace)
      AND has_table_privilege(i.indrelid, 'SELECT')
  )
  SELECT a.indexrelid::regclass, a.indrelid::regclass,
         CASE WHEN a.partitioned
              THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0)
                    FROM pg_partition_tree(a.indexrelid) p)
              ELSE pg_relation_size(a.indexrelid) END,
         b.indexrelid::regclass,
         format(CASE WHEN a.partitioned THEN 'DROP INDEX %s' ELSE 'DROP INDEX CONCURRENTLY %s' END,
                a.indexrelid::regclass),
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


-- ===== Verifying applied indexes (docs/extension/advisor.md, Verify) ========================
