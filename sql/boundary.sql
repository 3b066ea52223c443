-- boundary: every C++ failure becomes a proper ERROR with a SQLSTATE, destructors run on the
-- way out, and the backend keeps working.

-- Runs the self-test and shows what a client sees of the error: SQLSTATE, message, detail, hint.
CREATE FUNCTION show_error(kind text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text;
BEGIN
  PERFORM azora_opt._selftest_raise(kind);
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ': ' || msg || coalesce(' | detail: ' || nullif(det, ''), '')
         || coalesce(' | hint: ' || nullif(hnt, ''), '');
END $$;

SELECT azora_opt._selftest_unwound() AS before \gset
SELECT show_error('none');
-- A std::runtime_error: internal_error (XX000), naming the function.
SELECT show_error('cxx');
-- An azora::Error keeps its SQLSTATE, detail and hint.
SELECT show_error('azora');
-- std::bad_alloc: out_of_memory (53200).
SELECT show_error('bad_alloc');
-- A PostgreSQL error raised below C++ frames comes back unchanged (22012).
SELECT show_error('pg');
-- Unknown input: 22023 with a hint.
SELECT show_error('nope');
-- Each call unwound its C++ frame: one destructor run per call above, six in all.
SELECT azora_opt._selftest_unwound() - :before AS destructors_run;

-- Uncaught, the error aborts the statement; the session keeps working, in and out of a
-- transaction.
SELECT azora_opt._selftest_raise('cxx');
BEGIN;
SAVEPOINT s;
SELECT azora_opt._selftest_raise('pg');
ROLLBACK TO SAVEPOINT s;
SELECT 1 + 1 AS still_working;
COMMIT;
SELECT count(*) AS rows_after_errors FROM generate_series(1, 1000);

-- Admin-only: PUBLIC may use the schema but cannot call the self-tests.
CREATE ROLE azora_boundary_user;
SET ROLE azora_boundary_user;
SELECT azora_opt.version();
SELECT azora_opt._selftest_raise('none');
RESET ROLE;
DROP ROLE azora_boundary_user;
DROP FUNCTION show_error(text);
