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
