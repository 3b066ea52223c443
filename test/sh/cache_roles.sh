#!/usr/bin/env bash
# cache_roles.sh — no role reads through the result cache what it could not read directly
# (docs/extension/cache.md, "Privileges", "What is never cached", cache_entries, metrics).
#
# A matrix of (role × query [× settings]): for each cell the entry is first filled by a more
# privileged role (or the same role under other settings), then the role runs the query
# directly, through azora_opt.cached_json and through azora_opt.cached with the SAME key.
# outcome = SQLSTATE, or the multiset of rows (each row as jsonb, sorted); the two cached
# outcomes must equal the direct one — PostgreSQL itself is the expectation, nothing is
# hard-coded. Roles are taken with SET ROLE (session_user stays postgres) and, in a second
# pass, over real logins (dblink connections as each role, session_user = the role).
# Sequences in between: RLS disabled / enabled / forced / policy changed / a policy subquery's
# table written / BYPASSRLS taken away, GRANT then REVOKE between two calls (to a role, to
# PUBLIC, by membership), a view's owner changed by ALTER VIEW OWNER and by REASSIGN OWNED, a
# REVOKE committed by another session while the reader has an open READ COMMITTED transaction,
# a SECURITY DEFINER function, a write to a table only a function (table_to_xml) reads. Then
# cache_entries() and metrics() seen by unprivileged roles must not show other roles' keys,
# sources or query literals.
# Prints a compact table per role, the number of cells and of mismatches; exits 1 on any.
# Starts its own cluster. AZORA_ROLES_VERBOSE=1 prints every mismatching outcome in full.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" --no-redis -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -q -At "$@"; }
start=$(date +%s)
literal='Quokka-7731-literal'   # appears only in a query run by postgres (metrics check)

# ---------------------------------------------------------------------------------------------
# Schema, roles, data. pub.* and vault.* are owned by owner_r.
q >/dev/null <<SQL
CREATE EXTENSION azora_opt;
CREATE EXTENSION dblink;
CREATE ROLE owner_r LOGIN;  CREATE ROLE owner2 LOGIN;  CREATE ROLE norights LOGIN;
CREATE ROLE reader LOGIN;   CREATE ROLE colreader LOGIN; CREATE ROLE nousage LOGIN;
CREATE ROLE noexec LOGIN;   CREATE ROLE nobody LOGIN;   CREATE ROLE rlsuser LOGIN;
CREATE ROLE statsr LOGIN IN ROLE pg_read_all_stats;
CREATE ROLE monitor LOGIN;   -- may call metrics(), nothing more
GRANT EXECUTE ON FUNCTION azora_opt.metrics() TO monitor;
CREATE SCHEMA pub;   GRANT USAGE ON SCHEMA pub TO PUBLIC;
CREATE SCHEMA vault; GRANT USAGE ON SCHEMA vault TO owner_r;   -- not to nousage
CREATE SCHEMA api;   GRANT USAGE ON SCHEMA api TO PUBLIC;
GRANT CREATE ON SCHEMA pub, vault, api TO owner_r;
GRANT CREATE ON SCHEMA pub TO owner2;

SET ROLE owner_r;
CREATE TABLE pub.t (id int PRIMARY KEY, note text, secret text, ts timestamptz,
                    dur interval, f float8, b bytea);
INSERT INTO pub.t VALUES
  (1, 'first',  's3cret-1', '2026-01-02 03:04:05+00', '1 day 02:03:04', 0.1::float8 + 0.2, '\x00ff'),
  (2, 'second', 's3cret-2', '2026-06-30 23:59:59+00', '-3 hours',        1e-7,             'ab'),
  (3, 'third',  's3cret-3', '2026-12-31 12:00:00+00', '2 mons 3 days',   123456.789,       '\x');
CREATE TABLE vault.t (id int PRIMARY KEY, secret text);
INSERT INTO vault.t VALUES (1, 'vault-a'), (2, 'vault-b');
CREATE TABLE pub.rc (id int, v text);
INSERT INTO pub.rc VALUES (1, 'rc-1'), (2, 'rc-2');
-- RLS by role, and by a setting.
CREATE TABLE pub.rls_u (id int, tenant name, body text);
INSERT INTO pub.rls_u VALUES (1, 'reader', 'reader row'), (2, 'rlsuser', 'rlsuser row'),
                             (3, 'rlsuser', 'rlsuser row 2'), (4, 'owner_r', 'owner row'),
                             (5, 'someone', 'nobody''s row');
ALTER TABLE pub.rls_u ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_role ON pub.rls_u USING (tenant = current_user);
CREATE TABLE pub.rls_s (id int, tenant text, body text);
INSERT INTO pub.rls_s VALUES (1, 'acme', 'acme row'), (2, 'globex', 'globex row'),
                             (3, 'acme', 'acme row 2');
ALTER TABLE pub.rls_s ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_setting ON pub.rls_s USING (tenant = current_setting('app.tenant', true));
-- RLS whose policy reads another table: a write there changes what the role may see.
CREATE TABLE pub.members (member name, tenant text);
INSERT INTO pub.members VALUES ('rlsuser', 'acme');
CREATE TABLE pub.rls_m (id int, tenant text, body text);
INSERT INTO pub.rls_m VALUES (1, 'acme', 'acme m'), (2, 'globex', 'globex m'), (3, 'initech', 'initech m');
ALTER TABLE pub.rls_m ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_membership ON pub.rls_m
  USING (tenant IN (SELECT m.tenant FROM pub.members m WHERE m.member = current_user));
-- Functions: no EXECUTE for PUBLIC (noexec has SELECT on pub.t but may not call them).
CREATE FUNCTION pub.mask_p(s text) RETURNS text LANGUAGE plpgsql IMMUTABLE
  AS \$\$ BEGIN RETURN left(s, 2) || '***'; END \$\$;
CREATE FUNCTION pub.mask_s(s text) RETURNS text LANGUAGE sql IMMUTABLE
  AS \$\$ SELECT left(s, 3) || '###' \$\$;
REVOKE EXECUTE ON FUNCTION pub.mask_p(text), pub.mask_s(text) FROM PUBLIC;
-- Views read with owner_r's rights.
CREATE VIEW pub.v_owned AS SELECT id, note FROM pub.t;
CREATE VIEW pub.v_vault AS SELECT id, secret FROM vault.t;
CREATE VIEW pub.v_alter AS SELECT id, note FROM pub.t WHERE id <= 2;
-- SECURITY DEFINER: reads pub.t as owner_r, through the cache and directly.
CREATE FUNCTION api.sd_json() RETURNS json LANGUAGE sql STABLE SECURITY DEFINER
  AS \$\$ SELECT azora_opt.cached_json('sd:j', 'SELECT id, secret FROM pub.t') \$\$;
CREATE FUNCTION api.sd_rows() RETURNS TABLE (id int, secret text) LANGUAGE sql STABLE SECURITY DEFINER
  AS \$\$ SELECT * FROM azora_opt.cached('sd:r', 'SELECT id, secret FROM pub.t') AS t(id int, secret text) \$\$;
CREATE FUNCTION api.sd_direct() RETURNS TABLE (id int, secret text) LANGUAGE sql STABLE SECURITY DEFINER
  AS \$\$ SELECT id, secret FROM pub.t \$\$;
GRANT SELECT ON pub.t TO reader, noexec, owner2;
GRANT SELECT (id, note) ON pub.t TO colreader;
GRANT SELECT ON vault.t TO nousage;
GRANT EXECUTE ON FUNCTION pub.mask_p(text), pub.mask_s(text) TO reader;
GRANT SELECT ON pub.v_owned, pub.v_vault, pub.v_alter TO reader;
GRANT SELECT ON pub.rls_u TO reader, rlsuser, nobody;
GRANT SELECT ON pub.rls_s TO reader, rlsuser;
GRANT SELECT ON pub.rls_m TO reader, rlsuser;
GRANT SELECT ON pub.members TO PUBLIC;   -- the policy's subquery runs as the querying role
GRANT SELECT ON pub.rc TO reader;
RESET ROLE;
-- A view owned by owner2, later given away by REASSIGN OWNED.
SET ROLE owner2;
CREATE VIEW pub.v_reassign AS SELECT id, note FROM pub.t WHERE id >= 2;
GRANT SELECT ON pub.v_reassign TO reader;
RESET ROLE;

-- The harness: one cell = the direct, cached_json and cached outcomes of one query for the
-- current role and settings. An outcome is 'ERROR <sqlstate>' or the rows as a sorted jsonb
-- array (a multiset).
CREATE SCHEMA harness;
GRANT USAGE ON SCHEMA harness TO PUBLIC;
CREATE TABLE harness.queries (label text PRIMARY KEY, key text, q text, coldef text,
                              direct_sql text, json_sql text, rows_sql text);
GRANT SELECT ON harness.queries TO PUBLIC;
CREATE FUNCTION harness.run(sql text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE r text;
BEGIN
  EXECUTE 'SELECT coalesce(jsonb_agg(r ORDER BY r::text), ''[]'')::text FROM (' || sql || ') z(r)' INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE;
END \$\$;
CREATE FUNCTION harness.form(label text, which text) RETURNS text LANGUAGE sql STABLE AS \$\$
  SELECT CASE which
    WHEN 'direct' THEN coalesce(direct_sql, format('SELECT to_jsonb(hx_row) FROM (%s) hx_row', q))
    WHEN 'json' THEN coalesce(json_sql, format(
      'SELECT jsonb_array_elements(azora_opt.cached_json(%L, %L)::jsonb)', key || ':j', q))
    ELSE coalesce(rows_sql, format(
      'SELECT to_jsonb(hx_row) FROM azora_opt.cached(%L, %L) AS hx_row(%s)', key || ':r', q, coldef))
  END FROM harness.queries WHERE queries.label = form.label \$\$;
CREATE FUNCTION harness.hits() RETURNS bigint LANGUAGE sql AS
  \$\$ SELECT hits FROM azora_opt.cache_stats() \$\$;
-- settings: 'name=value;name=value', applied for this cell only (set_config is_local).
CREATE FUNCTION harness.cell(ctx text, label text, settings text DEFAULT '') RETURNS text
LANGUAGE plpgsql AS \$\$
DECLARE
  kv text;
  d text; j text; r text;
  h0 bigint; h1 bigint; h2 bigint;
BEGIN
  FOREACH kv IN ARRAY coalesce(string_to_array(nullif(settings, ''), ';'), '{}') LOOP
    PERFORM set_config(split_part(kv, '=', 1), substr(kv, strpos(kv, '=') + 1), true);
  END LOOP;
  d := harness.run(harness.form(label, 'direct'));
  h0 := harness.hits();
  j := harness.run(harness.form(label, 'json'));
  h1 := harness.hits();
  r := harness.run(harness.form(label, 'rows'));
  h2 := harness.hits();
  RETURN concat_ws(E'\t', 'C', ctx, current_user, session_user, label || coalesce(nullif('{' || settings || '}', '{}'), ''),
                   d, j, r, CASE WHEN h1 > h0 THEN 'H' ELSE '-' END || CASE WHEN h2 > h1 THEN 'H' ELSE '-' END);
END \$\$;
-- A statement in a dblink session (a real login as that role).
CREATE FUNCTION harness.remote(conn text, sql text) RETURNS text LANGUAGE sql AS
  \$\$ SELECT x FROM dblink(conn, sql) AS t(x text) \$\$;
CREATE FUNCTION harness.remote_exec(conn text, sql text) RETURNS void LANGUAGE sql AS
  \$\$ SELECT dblink_exec(conn, sql) \$\$;
CREATE FUNCTION harness.metrics() RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
  RETURN azora_opt.metrics();
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE;
END \$\$;
CREATE FUNCTION harness.reset() RETURNS void LANGUAGE sql AS
  \$\$ SELECT azora_opt.cache_flush() \$\$;

INSERT INTO harness.queries (label, key, q, coldef) VALUES
  ('pub_all',    'pub_all',    'SELECT id, note, secret FROM pub.t', 'id int, note text, secret text'),
  ('pub_cols',   'pub_cols',   'SELECT id, note FROM pub.t', 'id int, note text'),
  ('pub_count',  'pub_count',  'SELECT count(*) AS n FROM pub.t', 'n bigint'),
  ('vault_all',  'vault_all',  'SELECT id, secret FROM vault.t', 'id int, secret text'),
  ('fn_plpgsql', 'fn_plpgsql', 'SELECT id, pub.mask_p(secret) AS m FROM pub.t', 'id int, m text'),
  ('fn_sql',     'fn_sql',     'SELECT id, pub.mask_s(secret) AS m FROM pub.t', 'id int, m text'),
  ('v_owned',    'v_owned',    'SELECT id, note FROM pub.v_owned', 'id int, note text'),
  ('v_vault',    'v_vault',    'SELECT id, secret FROM pub.v_vault', 'id int, secret text'),
  ('v_alter',    'v_alter',    'SELECT id, note FROM pub.v_alter', 'id int, note text'),
  ('v_reassign', 'v_reassign', 'SELECT id, note FROM pub.v_reassign', 'id int, note text'),
  ('pgusername', 'pgusername', 'SELECT getpgusername()::text AS u', 'u text'),
  ('who',        'who',        'SELECT current_user::text AS c, session_user::text AS s', 'c text, s text'),
  ('table_xml',  'table_xml',  'SELECT table_to_xml(''pub.t'', false, false, '''')::text AS x', 'x text'),
  ('query_xml',  'query_xml',  'SELECT query_to_xml(''SELECT id, secret FROM vault.t'', false, false, '''')::text AS x', 'x text'),
  ('rls_u',      'rls_u',      'SELECT id, tenant::text AS tenant, body FROM pub.rls_u', 'id int, tenant text, body text'),
  ('rls_s',      'rls_s',      'SELECT id, tenant, body FROM pub.rls_s', 'id int, tenant text, body text'),
  ('rls_m',      'rls_m',      'SELECT id, tenant, body FROM pub.rls_m', 'id int, tenant text, body text'),
  ('rc',         'rc',         'SELECT id, v FROM pub.rc', 'id int, v text'),
  ('ts',         'ts',         'SELECT id, ts FROM pub.t', 'id int, ts text'),
  ('ts_text',    'ts_text',    'SELECT id, ts::text AS tt FROM pub.t', 'id int, tt text'),
  ('dur',        'dur',        'SELECT id, dur FROM pub.t', 'id int, dur text'),
  ('flt',        'flt',        'SELECT id, f FROM pub.t', 'id int, f float8'),
  ('bytes',      'bytes',      'SELECT id, b FROM pub.t', 'id int, b text'),
  ('sd_plain',   'sd',         'SELECT id, secret FROM pub.t', 'id int, secret text'),
  ('literal',    'Kiwi-key-5521', 'SELECT id FROM pub.t WHERE note <> ''$literal''', 'id int');
INSERT INTO harness.queries (label, direct_sql, json_sql, rows_sql) VALUES
  ('sd_fn', 'SELECT to_jsonb(s) FROM api.sd_direct() s',
            'SELECT jsonb_array_elements(api.sd_json()::jsonb)',
            'SELECT to_jsonb(s) FROM api.sd_rows() s');
SQL

# ---------------------------------------------------------------------------------------------
# The driver: bash writes one SQL script; psql runs it in one controller session (superuser);
# every cell prints one line "C ctx current_user session_user label direct json rows hits".
plan="$AZORA_TMP/roles.sql"
: >"$plan"
emit() { printf '%s\n' "$*" >>"$plan"; }
mode=setrole
# cell ROLE CTX LABEL [SETTINGS]: as ROLE (SET ROLE, or its dblink login in mode=login).
cell() {
  local role=$1 ctx=$2 label=$3 set=${4:-}
  if [ "$role" = postgres ]; then
    emit "SELECT harness.cell('$ctx', '$label', '$set');"
  elif [ "$mode" = login ]; then
    emit "SELECT harness.remote('$role', \$r\$SELECT harness.cell('$ctx', '$label', '$set')\$r\$);"
  else
    emit "SET ROLE $role;" "SELECT harness.cell('$ctx', '$label', '$set');" "RESET ROLE;"
  fi
}
flush() { emit "SELECT harness.reset();"; }
sql() { emit "$*"; }

roles="owner_r reader colreader nousage noexec nobody rlsuser norights"
# label: the roles that fill the entry first (each in turn), most privileged first.
matrix=(
  "pub_all:postgres owner_r" "pub_cols:postgres" "pub_count:postgres" "vault_all:postgres owner_r"
  "fn_plpgsql:postgres reader" "fn_sql:postgres reader" "v_owned:postgres reader"
  "v_vault:postgres reader" "pgusername:postgres reader" "who:postgres reader"
  "table_xml:postgres owner_r" "query_xml:postgres owner_r" "rls_u:postgres owner_r reader"
  "rls_s:postgres owner_r" "rls_m:postgres owner_r"
)
run_matrix() {  # ctx
  local entry label fillers f r
  for entry in "${matrix[@]}"; do
    label=${entry%%:*}
    fillers=${entry#*:}
    for f in $fillers; do
      for r in $roles; do
        [ "$r" = "$f" ] && continue
        flush
        cell "$f" "$1" "$label"
        cell "$r" "$1" "$label"
      done
    done
  done
}

# 1. The matrix with SET ROLE (session_user = postgres).
run_matrix matrix

# 2. Settings: the same role fills under one setting, then reads under another (both ways).
settings_cells=(
  "reader|ts|TimeZone=UTC|TimeZone=Asia/Tokyo"
  "reader|ts_text|DateStyle=ISO, MDY|DateStyle=SQL, DMY"
  "reader|dur|IntervalStyle=postgres|IntervalStyle=iso_8601"
  "reader|flt|extra_float_digits=1|extra_float_digits=0"
  "reader|bytes|bytea_output=hex|bytea_output=escape"
  "rlsuser|rls_s|app.tenant=acme|app.tenant=globex"
  "reader|rls_s|app.tenant=globex|app.tenant=acme"
  "rlsuser|rls_u|row_security=on|row_security=off"
  "reader|pub_all|search_path=pub|search_path=vault,pub"
)
for c in "${settings_cells[@]}"; do
  IFS='|' read -r role label a b <<<"$c"
  flush; cell "$role" settings "$label" "$a"; cell "$role" settings "$label" "$b"
  flush; cell "$role" settings "$label" "$b"; cell "$role" settings "$label" "$a"
done

# 3. RLS switched off, on, forced, and its policy changed, between calls (no flush between).
# Each role calls twice before a change, so an entry of its own (if it may be stored) is there.
flush
for r in postgres rlsuser rlsuser reader reader; do cell $r rls:enabled rls_u; done
sql "ALTER TABLE pub.rls_u DISABLE ROW LEVEL SECURITY;"
for r in rlsuser rlsuser postgres reader reader nobody nobody; do cell $r rls:disabled rls_u; done
sql "ALTER TABLE pub.rls_u ENABLE ROW LEVEL SECURITY;"
for r in rlsuser reader nobody; do cell $r rls:re-enabled rls_u; done
cell owner_r rls:not-forced rls_u; cell owner_r rls:not-forced rls_u
sql "ALTER TABLE pub.rls_u FORCE ROW LEVEL SECURITY;"
cell owner_r rls:forced rls_u; cell owner_r rls:forced rls_u; cell rlsuser rls:forced rls_u
sql "ALTER TABLE pub.rls_u NO FORCE ROW LEVEL SECURITY;"
cell owner_r rls:no-force rls_u
for r in rlsuser reader; do cell $r rls:policy-before rls_u; cell $r rls:policy-before rls_u; done
sql "ALTER POLICY by_role ON pub.rls_u USING (tenant = current_user OR id = 5);"
for r in rlsuser reader; do cell $r rls:policy-changed rls_u; cell $r rls:policy-changed rls_u; done
sql "ALTER POLICY by_role ON pub.rls_u USING (tenant = current_user);"
for r in rlsuser reader; do cell $r rls:policy-restored rls_u; done
# The policy reads pub.members (as the querying role would): a committed write there changes
# what rlsuser sees, though the query names only pub.rls_m.
cell rlsuser rls:members rls_m; cell rlsuser rls:members rls_m
sql "INSERT INTO pub.members VALUES ('rlsuser', 'globex');"
cell rlsuser rls:members-added rls_m; cell rlsuser rls:members-added rls_m
sql "DELETE FROM pub.members WHERE member = 'rlsuser';"
cell rlsuser rls:members-removed rls_m
# A role attribute: BYPASSRLS granted, then taken away (ALTER ROLE, no GRANT/REVOKE, no DDL).
sql "ALTER ROLE rlsuser BYPASSRLS;"
cell rlsuser rls:bypassrls rls_u; cell rlsuser rls:bypassrls rls_u
sql "ALTER ROLE rlsuser NOBYPASSRLS;"
cell rlsuser rls:nobypassrls rls_u

# 4. GRANT, then REVOKE, between two calls of the same role (entry first filled by postgres).
grants=(
  "nobody|pub_all|GRANT SELECT ON pub.t TO nobody|REVOKE SELECT ON pub.t FROM nobody"
  "colreader|pub_all|GRANT SELECT (secret) ON pub.t TO colreader|REVOKE SELECT (secret) ON pub.t FROM colreader"
  "nousage|vault_all|GRANT USAGE ON SCHEMA vault TO nousage|REVOKE USAGE ON SCHEMA vault FROM nousage"
  "noexec|fn_plpgsql|GRANT EXECUTE ON FUNCTION pub.mask_p(text) TO noexec|REVOKE EXECUTE ON FUNCTION pub.mask_p(text) FROM noexec"
  "noexec|fn_sql|GRANT EXECUTE ON FUNCTION pub.mask_s(text) TO noexec|REVOKE EXECUTE ON FUNCTION pub.mask_s(text) FROM noexec"
  "nobody|v_owned|GRANT SELECT ON pub.v_owned TO nobody|REVOKE SELECT ON pub.v_owned FROM nobody"
  "nobody|pub_all|GRANT reader TO nobody|REVOKE reader FROM nobody"
  "nobody|pub_cols|GRANT SELECT ON pub.t TO PUBLIC|REVOKE SELECT ON pub.t FROM PUBLIC"
  "nobody|v_owned|GRANT SELECT ON pub.v_owned TO PUBLIC|REVOKE SELECT ON pub.v_owned FROM PUBLIC"
)
for g in "${grants[@]}"; do
  IFS='|' read -r role label grant revoke <<<"$g"
  flush; cell postgres grant "$label"; cell "$role" grant:before "$label"
  sql "$grant;"; cell "$role" grant:granted "$label"; cell "$role" grant:granted "$label"
  sql "$revoke;"; cell "$role" grant:revoked "$label"
done

# 5. A view's owner changes to a role without rights on its base table.
flush; cell postgres owner v_alter; cell reader owner:before v_alter; cell reader owner:before v_alter
sql "ALTER VIEW pub.v_alter OWNER TO norights;"
cell reader owner:altered v_alter; cell postgres owner:altered v_alter
flush; cell postgres owner v_reassign; cell reader owner:before v_reassign; cell reader owner:before v_reassign
sql "REASSIGN OWNED BY owner2 TO norights;"
cell reader owner:reassigned v_reassign; cell postgres owner:reassigned v_reassign

# 6. SECURITY DEFINER: nobody calls owner_r's function (reads as owner_r, cached or not);
# the entry it stored is not nobody's to read under the same key.
flush
cell nobody secdef sd_fn; cell nobody secdef sd_fn
for r in nobody colreader reader; do cell $r secdef:same-key sd_plain; done
cell nobody secdef sd_fn

# 7. The matrix again over real logins (dblink connections as each role).
for r in $roles statsr monitor; do
  emit "SELECT dblink_connect('$r', 'host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$r');"
done
sql "ALTER VIEW pub.v_alter OWNER TO owner_r;"
mode=login
run_matrix login

# 8. A REVOKE committed by another session while the reader's READ COMMITTED transaction is
# open. Three reader logins with the same history (a full cell before the revoke); after it,
# each runs one form as its next statement: a=direct, b=cached_json, c=cached.
for s in a b c; do
  emit "SELECT dblink_connect('rc_$s', 'host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=reader');"
done
flush; cell postgres rc:fill rc
for s in a b c; do
  sql "SELECT harness.remote_exec('rc_$s', 'BEGIN ISOLATION LEVEL READ COMMITTED');"
  sql "SELECT harness.remote('rc_$s', \$r\$SELECT harness.cell('rc:open-xact', 'rc')\$r\$);"
done
sql "REVOKE SELECT ON pub.rc FROM reader;"
sql "SELECT harness.remote('rc_a', \$r\$SELECT harness.run(harness.form('rc', 'direct'))\$r\$) AS a \\gset"
sql "SELECT harness.remote('rc_b', \$r\$SELECT harness.run(harness.form('rc', 'json'))\$r\$) AS b \\gset"
sql "SELECT harness.remote('rc_c', \$r\$SELECT harness.run(harness.form('rc', 'rows'))\$r\$) AS c \\gset"
sql "SELECT concat_ws(E'\t', 'C', 'rc:after-revoke', 'reader', 'reader', 'rc', :'a', :'b', :'c', '??');"
for s in a b c; do sql "SELECT harness.remote_exec('rc_$s', 'COMMIT');"; done
for s in a b c; do
  sql "SELECT harness.remote('rc_$s', \$r\$SELECT harness.cell('rc:next-xact', 'rc')\$r\$);"
done
sql "GRANT SELECT ON pub.rc TO reader;"

# 9. Table-reading functions: the tables table_to_xml / query_to_xml read are sources too, so a
# committed write is followed (as owner_r and as reader, after postgres filled the entry).
for label in table_xml query_xml; do
  flush; cell postgres writes "$label"; cell owner_r writes "$label"; cell reader writes "$label"
  sql "UPDATE pub.t SET note = note || '+' WHERE id = 1;"
  sql "UPDATE vault.t SET secret = secret || '+' WHERE id = 1;"
  cell postgres writes:after-update "$label"; cell owner_r writes:after-update "$label"
  cell reader writes:after-update "$label"
done

# 10. cache_entries(): each role stores its own key; unprivileged roles list only their own.
flush
cell postgres vis literal
sql "SELECT azora_opt.cached_json('vis:postgres', 'SELECT id, secret FROM vault.t');"
for r in owner_r reader nobody; do
  case $r in owner_r) vq='SELECT count(*) AS n FROM vault.t' ;; reader) vq='SELECT count(*) AS n FROM pub.t' ;;
    *) vq='SELECT 42 AS n' ;; esac
  sql "SELECT harness.remote('$r', \$r\$SELECT azora_opt.cached_json('vis:$r', '$vq')::text\$r\$);"
done
for r in reader nobody colreader statsr; do
  sql "SELECT 'E' || E'\t' || '$r' || E'\t' || harness.remote('$r', \$r\$SELECT coalesce(string_agg(key || '=' || coalesce(source_relations::text, ''), ' ' ORDER BY key), '') FROM azora_opt.cache_entries()\$r\$);"
done
sql "SELECT 'E' || E'\t' || 'postgres' || E'\t' || coalesce(string_agg(key || '=' || coalesce(source_relations::text, ''), ' ' ORDER BY key), '') FROM azora_opt.cache_entries();"

# 11. metrics() as unprivileged roles: no key and no query literal (monitor may call it).
for r in reader nobody monitor; do
  sql "SELECT 'M' || E'\t' || '$r' || E'\t' || replace(coalesce(harness.remote('$r', \$r\$SELECT harness.metrics()\$r\$), ''), E'\n', ' ');"
done

out="$AZORA_TMP/roles.out"
psql -X -v ON_ERROR_STOP=1 -q -At -f "$plan" >"$out" 2>"$AZORA_TMP/roles.err" ||
  { tail -20 "$AZORA_TMP/roles.err" >&2; fail "the driver script failed (see above)"; }

# ---------------------------------------------------------------------------------------------
# Judge. A cell's cached outcome differing from its direct outcome is a mismatch:
#   LEAK  the direct query is denied (an ERROR) but the cache returned rows, or both returned
#         rows and they differ (another role's / setting's rows, or stale rows);
#   ERR   the cache raised an error where the direct query did not (or another SQLSTATE).
summ() {  # compact outcome: E:42501 or <n>r
  case "$1" in
    ERROR*) echo "E:${1#ERROR }" ;;
    '[]') echo "0r" ;;
    *) echo "$(($(grep -o '}, {' <<<"$1" | wc -l) + 1))r" ;;
  esac
}
cells=0 leaks=0 errs=0
report="$AZORA_TMP/report"
: >"$report"
while IFS=$'\t' read -r tag ctx cu su_ label d j r hits; do
  [ "$tag" = C ] || continue
  for form in json rows; do
    if [ "$form" = json ]; then got=$j; h=${hits:0:1}; else got=$r; h=${hits:1:1}; fi
    cells=$((cells + 1))
    verdict=ok
    if [ "$got" != "$d" ]; then
      case "$got" in
        ERROR*) verdict=ERR; errs=$((errs + 1)) ;;
        *) verdict=LEAK; leaks=$((leaks + 1)) ;;
      esac
      if [ "${AZORA_ROLES_VERBOSE:-0}" = 1 ]; then
        printf '  %s %s as %s/%s %s %s:\n    direct: %s\n    cached: %s\n' \
          "$verdict" "$ctx" "$cu" "$su_" "$label" "$form" "$d" "$got" >&2
      fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cu" "$ctx" "$label" "$form" \
      "$(summ "$d")" "$verdict" "$h" >>"$report"
  done
done <"$out"

# Per role, one line per context: label=DIRECT/JR, DIRECT the direct outcome (E:<sqlstate> or
# <n>r rows), J and R the cached_json and cached verdicts over every filler: . equal (miss or
# uncached), h equal and served by a hit, L leak, X wrong error.
echo "cache_roles: per role and context, label=DIRECT/JR (DIRECT: E:sqlstate or n rows; J cached_json, R cached: . equal, h equal from a hit, L leak, X wrong error)"
for role in postgres $roles; do
  awk -F'\t' -v role="$role" '
    function rank(c) { return c == "L" ? 3 : c == "X" ? 2 : c == "h" ? 1 : 0 }
    $1 == role {
      if (!($2 in seen)) { seen[$2] = 1; ctxs[++n] = $2; m[$2] = 0 }
      k = $2 SUBSEP $3
      if (!(k in dir)) { lab[$2, ++m[$2]] = $3; dir[k] = $5 }
      else if (index("," dir[k] ",", "," $5 ",") == 0) dir[k] = dir[k] "," $5
      c = $6 == "LEAK" ? "L" : $6 == "ERR" ? "X" : $7 == "H" ? "h" : "."
      f = k SUBSEP $4
      if (!(f in v) || rank(c) > rank(v[f])) v[f] = c
    }
    END {
      if (n == 0) exit
      printf "== %s\n", role
      for (i = 1; i <= n; i++) {
        line = sprintf("  %-19s", ctxs[i])
        for (j = 1; j <= m[ctxs[i]]; j++) {
          k = ctxs[i] SUBSEP lab[ctxs[i], j]
          line = line " " lab[ctxs[i], j] "=" dir[k] "/" v[k SUBSEP "json"] v[k SUBSEP "rows"]
        }
        print line
      }
    }' "$report"
done

# cache_entries: an unprivileged role lists only the keys it stored itself (vis:<role>, and
# nothing else); statsr (pg_read_all_stats) and postgres list every key.
while IFS=$'\t' read -r tag who list; do
  [ "$tag" = E ] || continue
  cells=$((cells + 1))
  keys=$(tr ' ' '\n' <<<"$list" | sed 's/=.*//' | { grep -v '^$' || true; } | sort | tr '\n' ' ')
  case "$who" in
    reader | nobody | colreader)
      own="vis:$who"
      bad=$(tr ' ' '\n' <<<"$keys" | grep -v '^$' | grep -vx "$own" | tr '\n' ' ' || true)
      if [ -n "$bad" ]; then
        echo "LEAK cache_entries() as $who lists entries stored by other roles: $bad($list)"
        leaks=$((leaks + 1))
      elif [ "$who" != colreader ] && ! grep -qx "$own" <<<"$(tr ' ' '\n' <<<"$keys")"; then
        echo "ERR cache_entries() as $who does not list its own entry $own: ($list)"
        errs=$((errs + 1))
      else
        echo "cache_entries() as $who: ${keys:-(none)}"
      fi ;;
    statsr | postgres)
      if grep -q 'vis:postgres' <<<"$keys" && grep -q 'vis:reader' <<<"$keys"; then
        echo "cache_entries() as $who: sees every role's entries (${keys})"
      else
        echo "ERR cache_entries() as $who should list every role's entries: ($list)"
        errs=$((errs + 1))
      fi ;;
  esac
done <"$out"

# metrics(): no key text and no query literal of any role.
needles=$(q -c "SELECT string_agg(key || ':j ' || key || ':r', ' ') FROM harness.queries WHERE key IS NOT NULL")
needles="$needles vis:postgres vis:owner_r vis:reader vis:nobody $literal"
while IFS=$'\t' read -r tag who text; do
  [ "$tag" = M ] || continue
  found=""
  for needle in $needles; do
    if grep -qF -- "$needle" <<<"$text"; then found="$found $needle"; fi
  done
  cells=$((cells + 1))
  if [ -n "$found" ]; then
    echo "LEAK metrics() as $who contains:$found"; leaks=$((leaks + 1))
  else
    case "$text" in
      ERROR*) echo "metrics() as $who: $text (refused, nothing shown)" ;;
      *) echo "metrics() as $who: ${#text} bytes, no cache key and no query literal" ;;
    esac
  fi
done <"$out"

secs=$(($(date +%s) - start))
echo "cache_roles: $cells cells checked, $leaks leaks, $errs cached errors the direct query does not raise (${secs}s)"
[ $((leaks + errs)) = 0 ] || fail "$leaks leaks, $errs wrong errors through the cache (AZORA_ROLES_VERBOSE=1 shows each outcome)"
