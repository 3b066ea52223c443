-- advisor_roles: the advice is for the database, planned as the roles that ran the statements.
--  * Leftover session state changes nothing: a hypothetical index left by hypo_create() does
--    not stand in for the advice, and a real index hidden with hypo_hide() is not advised again.
--  * A pg_read_all_stats monitoring role (no SELECT on the tables) gets the superuser's advice;
--    a role without it gets advice on its own statements only, and a summary of the others.
--  * Each statement is planned as the role that ran it, restricted, in a rolled-back probe: a
--    low-privilege role's IMMUTABLE function that the planner folds cannot act with the
--    caller's rights (CVE-2022-1552 class), and the advice still comes out.
--  * Locks taken while planning are released per statement, not held to the end of the call.
--  * statement_timeout (and query cancel) stop the call instead of skipping a statement.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
DROP ROLE IF EXISTS adv_low;
DROP ROLE IF EXISTS adv_monitor;
DROP ROLE IF EXISTS adv_plain;
RESET client_min_messages;
CREATE ROLE adv_low;
CREATE ROLE adv_monitor IN ROLE pg_read_all_stats;
CREATE ROLE adv_plain;
CREATE TABLE roles_t (id int PRIMARY KEY, a int, b int);
INSERT INTO roles_t SELECT g, g % 5000, g % 7 FROM generate_series(1, 100000) g;
ANALYZE roles_t;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
SELECT id FROM roles_t WHERE a = 17;
SELECT id FROM roles_t WHERE a = 18;
SELECT id FROM roles_t WHERE a = 19;
\o
SET client_min_messages = warning;
SELECT ddl FROM azora_opt.advise_indexes();
-- A hypothetical index left in the session for an unrelated experiment: the same advice.
SELECT indexname IS NOT NULL AS created FROM azora_opt.hypo_create('CREATE INDEX ON roles_t (a)');
SELECT ddl FROM azora_opt.advise_indexes();
SELECT azora_opt.hypo_reset();
-- A real index hidden from what-if planning is still real: nothing to advise.
CREATE INDEX roles_t_a ON roles_t (a);
SELECT azora_opt.hypo_hide('roles_t_a');
SELECT count(*) AS advised FROM azora_opt.advise_indexes();
SELECT azora_opt.hypo_reset();
DROP INDEX roles_t_a;
-- Locks: none left on the planned table after the call, inside the caller's transaction.
BEGIN;
SELECT count(*) AS advised FROM azora_opt.advise_indexes();
SELECT count(*) AS locks_held FROM pg_locks
WHERE pid = pg_backend_pid() AND relation = 'roles_t'::regclass;
COMMIT;
-- A monitoring role with pg_read_all_stats and no SELECT on roles_t: the same advice.
SET ROLE adv_monitor;
SELECT has_table_privilege('roles_t', 'SELECT') AS can_select;
SELECT ddl FROM azora_opt.advise_indexes();
RESET ROLE;
-- A role without it: no advice on others' statements, and the summary says why.
SET ROLE adv_plain;
SET client_min_messages = notice;
SELECT count(*) AS advised FROM azora_opt.advise_indexes();
SET client_min_messages = warning;
RESET ROLE;

-- A low-privilege role's statement calls its IMMUTABLE function, which the planner folds. It
-- acts only when run by someone else: it would write a table and take a sequence value only the
-- superuser may use (the sequence is not rolled back with a transaction).
CREATE TABLE adv_secret (who text);
CREATE SEQUENCE adv_seq;
CREATE SCHEMA adv_low AUTHORIZATION adv_low;
SET ROLE adv_low;
CREATE TABLE adv_low.low_t (id int, a int);
-- The one-off load is not part of the workload (tracked, its 100k rows would be charged as an
-- index's upkeep against two reads: docs/extension/advisor.md, Writes).
RESET ROLE;
SET azora_opt.track = 'none';
INSERT INTO adv_low.low_t SELECT g, g % 5000 FROM generate_series(1, 100000) g;
RESET azora_opt.track;
SET ROLE adv_low;
ANALYZE adv_low.low_t;
CREATE FUNCTION adv_low.escalate() RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO public.adv_secret VALUES (current_user);
  PERFORM nextval('public.adv_seq');
END $$;
CREATE FUNCTION adv_low.pick() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF current_user <> 'adv_low' THEN
    PERFORM adv_low.escalate();
  END IF;
  RETURN 17;
END $$;
\o /dev/null
SELECT id FROM adv_low.low_t WHERE a = adv_low.pick();
SELECT id FROM adv_low.low_t WHERE a = adv_low.pick();
\o
RESET ROLE;
-- The superuser's advice includes the low role's table; nothing ran with the superuser's rights.
SELECT ddl FROM azora_opt.advise_indexes() ORDER BY ddl;
SELECT count(*) AS secret_rows FROM adv_secret;
SELECT is_called AS sequence_used FROM adv_seq;

-- A statement whose planning takes long (a folded function sleeps): statement_timeout stops
-- the call with its own error, instead of the statement being skipped.
CREATE FUNCTION slow_pick() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM pg_sleep(0.4);
  RETURN 17;
END $$;
\o /dev/null
SELECT id FROM roles_t WHERE b = slow_pick();
SELECT id FROM roles_t WHERE b = slow_pick();
\o
SET statement_timeout = '150ms';
SELECT count(*) FROM azora_opt.advise_indexes();
RESET statement_timeout;

SELECT azora_opt.reset() >= 0 AS reset;
DROP FUNCTION slow_pick();
DROP SCHEMA adv_low CASCADE;
DROP TABLE roles_t, adv_secret;
DROP SEQUENCE adv_seq;
DROP ROLE adv_low;
DROP ROLE adv_monitor;
DROP ROLE adv_plain;
RESET client_min_messages;
