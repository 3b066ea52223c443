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

-- ===== Verifying applied indexes (docs/extension/advisor.md, Verify) ========================
