-- azora_opt--1.1--1.2.sql — what 1.2 adds to 1.1. A fresh CREATE EXTENSION runs the whole chain
-- (1.0, 1.0--1.1, then this file), so a fresh install and ALTER EXTENSION azora_opt UPDATE create
-- exactly the same objects (sql/upgrade.sql checks that). Each feature owns one section below and
-- only appends to it. The library serves every installed version: a function whose result type
-- changed here fills only the columns its caller's definition declares.

\echo Use "ALTER EXTENSION azora_opt UPDATE TO '1.2'" to load this file. \quit

-- ===== Slow-query tracking (docs/extension/tracking.md) =====================================

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
