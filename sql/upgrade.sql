-- upgrade: CREATE EXTENSION azora_opt VERSION '1.0' followed by ALTER EXTENSION ... UPDATE gives
-- exactly the objects, signatures, result types, view columns and privileges of a fresh install
-- of the default version (the model: pg_stat_statements' oldextversions test).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS azora_opt;
RESET client_min_messages;

-- One row per extension member: its description and everything a caller depends on.
CREATE FUNCTION pg_temp.ext_objects() RETURNS TABLE(obj text, detail text) LANGUAGE sql AS $$
  SELECT pg_describe_object(d.classid, d.objid, d.objsubid),
         coalesce(
           (SELECT format('(%s) -> %s | %s %s %s | acl %s', pg_get_function_identity_arguments(p.oid),
                          pg_get_function_result(p.oid), p.provolatile, p.proisstrict,
                          p.proparallel, coalesce(array_to_string(p.proacl, ','), 'default'))
            FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid),
           (SELECT format('%s | acl %s', (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                           FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0),
                          coalesce(array_to_string(c.relacl, ','), 'default'))
            FROM pg_class c WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid),
           (SELECT format('acl %s', coalesce(array_to_string(n.nspacl, ','), 'default'))
            FROM pg_namespace n WHERE d.classid = 'pg_namespace'::regclass AND n.oid = d.objid),
           '')
  FROM pg_depend d
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'azora_opt')
$$;

CREATE EXTENSION azora_opt VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'azora_opt';
ALTER EXTENSION azora_opt UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'azora_opt';
CREATE TEMP TABLE upgraded AS SELECT * FROM pg_temp.ext_objects();
-- The schema's own privileges are not an extension member: compare them too.
INSERT INTO upgraded SELECT 'schema acl', array_to_string(nspacl, ',') FROM pg_namespace
WHERE nspname = 'azora_opt';

DROP EXTENSION azora_opt;
CREATE EXTENSION azora_opt;
CREATE TEMP TABLE fresh AS SELECT * FROM pg_temp.ext_objects();
INSERT INTO fresh SELECT 'schema acl', array_to_string(nspacl, ',') FROM pg_namespace
WHERE nspname = 'azora_opt';

SELECT count(*) > 10 AS has_objects, count(*) = (SELECT count(*) FROM upgraded) AS same_count
FROM fresh;
-- Differences either way: none.
(SELECT 'only after update' AS side, * FROM upgraded EXCEPT SELECT 'only after update', * FROM fresh)
UNION ALL
(SELECT 'only in fresh install', * FROM fresh EXCEPT SELECT 'only in fresh install', * FROM upgraded)
ORDER BY 1, 2;
-- The 1.0 definition of info() is still served by the new library (four columns).
DROP EXTENSION azora_opt;
CREATE EXTENSION azora_opt VERSION '1.0';
SELECT max > 0 AS info_v10_works FROM azora_opt.info();
DROP EXTENSION azora_opt;
CREATE EXTENSION azora_opt;
