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

-- ===== Result cache (docs/extension/cache.md) ===============================================

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
