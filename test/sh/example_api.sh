#!/usr/bin/env bash
# example_api.sh — the example HTTP API (client/examples/api, docs/example-api.md) against its
# own cluster and Redis, in both modes: every endpoint's status and JSON shape, every bad
# request (4xx JSON, never 500), gzip only in after mode and only when asked, the same data in
# both modes for the same page, after mode served from Redis (a direct UPDATE stays invisible)
# and invalidated by POST, a dead Redis degrading to uncached 200s, a stopped PostgreSQL giving
# 503 and recovery after its restart, route templates (not raw paths) as metric labels, and a
# short wrk run of test/bench/api_mix.lua with no non-2xx answer. Stops what it started.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  exec "$root/scripts/cluster.sh" -- bash "$0" inner
fi

api="${AZORA_EXAMPLE_API:-$root/build/client/azora-example-api}"
[ -x "$api" ] || { echo "FAIL: $api not built (scripts/build.sh client)"; exit 1; }
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

q -v scale=1 -f "$root/scripts/elearning.sql"

api_pid=""
stop_api() {
  if [ -n "$api_pid" ]; then
    kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
    api_pid=""
  fi
}
trap stop_api EXIT
start_api() {  # start_api MODE [FLAGS...]: sets base
  local port
  for _ in 1 2 3; do
    port=$(free_port)
    "$api" --mode "$@" --listen "127.0.0.1:$port" --threads 8 >"$AZORA_TMP/api-$1.log" 2>&1 &
    api_pid=$!
    for _ in $(seq 1 100); do
      curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && { base="http://127.0.0.1:$port"; return 0; }
      kill -0 "$api_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_api
  done
  echo "FAIL: the API did not start in $1 mode"; cat "$AZORA_TMP/api-$1.log"; exit 1
}

body="$AZORA_TMP/body"
hdrs="$AZORA_TMP/headers"
# call METHOD PATH [curl args]: prints the status; the body is in $body, headers in $hdrs.
call() {
  local m=$1 p=$2; shift 2
  curl -s -X "$m" -D "$hdrs" -o "$body" -w '%{http_code}' "$base$p" "$@"
}
# expect DESCRIPTION STATUS PYTHON_CONDITION METHOD PATH [curl args]: d is the parsed body.
expect() {
  local what=$1 want=$2 cond=$3; shift 3
  local got
  got=$(call "$@")
  if [ "$got" != "$want" ]; then
    bad "$what: status $got, want $want: $(head -c 300 "$body")"
  elif ! python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
    "$body" "$cond" 2>"$AZORA_TMP/py.err"; then
    bad "$what: condition '$cond' false on $(head -c 300 "$body") $(cat "$AZORA_TMP/py.err")"
  else
    ok "$what"
  fi
}
err() {  # err DESCRIPTION STATUS CODE METHOD PATH [curl args]: a JSON error with that code
  local what=$1 want=$2 code=$3; shift 3
  expect "$what" "$want" "set(d) == {'error', 'code'} and d['code'] == '$code' and d['error'] != ''" "$@"
}
metric() {  # metric SERIES_PREFIX: the sum of the values of the series that start with it
  curl -s "$base/metrics" | awk -v p="$1" 'index($0, p) == 1 { s += $NF } END { print s + 0 }'
}

# The checks every mode passes alike.
common_checks() {
  local mode=$1
  expect "$mode: course list page 1" 200 \
    "d['page'] == 1 and d['pageSize'] == 20 and d['hasMore'] is True and [c['id'] for c in d['data']] == list(range(1, 21)) and all(isinstance(c['instructor_name'], str) for c in d['data'])" \
    GET /api/courses
  expect "$mode: course list page 2" 200 "[c['id'] for c in d['data']] == list(range(21, 41))" GET '/api/courses?page=2'
  expect "$mode: last page has no more" 200 "len(d['data']) == 20 and d['hasMore'] is False and d['data'][-1]['id'] == 2000" \
    GET '/api/courses?page=100'
  err "$mode: page past the end" 404 page_out_of_range GET '/api/courses?page=101'
  err "$mode: page past the end, far" 404 page_out_of_range GET '/api/courses?page=1000000'
  err "$mode: non-numeric page" 400 invalid_page GET '/api/courses?page=abc'
  err "$mode: page 0" 400 invalid_page GET '/api/courses?page=0'
  err "$mode: negative page" 400 invalid_page GET '/api/courses?page=-1'
  err "$mode: fractional page" 400 invalid_page GET '/api/courses?page=1.5'
  err "$mode: huge page" 400 invalid_page GET '/api/courses?page=99999999999999999999'
  expect "$mode: course detail" 200 "d['id'] == 7 and d['title'] == 'Course 7' and d['instructor_name'] == 'User 50' and d['category'] == 'design'" \
    GET /api/courses/7
  err "$mode: unknown course" 404 not_found GET /api/courses/999999
  err "$mode: non-numeric course id" 400 invalid_id GET /api/courses/abc
  err "$mode: course id 0" 400 invalid_id GET /api/courses/0
  expect "$mode: wallet balance" 200 "d['user_id'] == 42 and d['balance'] == 14.0 and d['currency'] == 'NGN'" \
    GET /api/wallet/balance -H 'X-User-Id: 42'
  err "$mode: wallet without X-User-Id" 400 missing_user GET /api/wallet/balance
  err "$mode: wallet with a non-numeric X-User-Id" 400 invalid_user GET /api/wallet/balance -H 'X-User-Id: 4x2'
  err "$mode: wallet of an unknown user" 404 user_not_found GET /api/wallet/balance -H 'X-User-Id: 99999999'
  expect "$mode: jobs of a category" 200 \
    "[j['id'] for j in d['data']] == list(range(4, 4 + 7 * 20, 7)) and d['hasMore'] is True" \
    GET '/api/jobs?category=data&page=1'
  expect "$mode: jobs of an unknown category: empty first page" 200 "d['data'] == [] and d['hasMore'] is False" \
    GET '/api/jobs?category=astrology'
  err "$mode: jobs without a category" 400 missing_category GET '/api/jobs?page=1'
  err "$mode: jobs page past the end" 404 page_out_of_range GET '/api/jobs?category=data&page=500'
  err "$mode: jobs with a bad page" 400 invalid_page GET '/api/jobs?category=data&page=x'
  err "$mode: jobs with a category that is not UTF-8" 400 invalid_category GET '/api/jobs?category=%FF%FE'
  err "$mode: jobs with a NUL in the category" 400 invalid_category GET '/api/jobs?category=da%00ta'
  err "$mode: jobs with a category over 64 bytes" 400 invalid_category GET "/api/jobs?category=$(printf 'x%.0s' $(seq 1 65))"
  err "$mode: update with a non-JSON body" 400 invalid_body POST /api/courses/3 -d 'title=x'
  err "$mode: update with an empty object" 400 invalid_body POST /api/courses/3 -d '{}'
  err "$mode: update with an unknown field" 400 invalid_body POST /api/courses/3 -d '{"owner": 1}'
  err "$mode: update with a bad price" 400 invalid_body POST /api/courses/3 -d '{"price_cents": "free"}'
  err "$mode: update with a NUL in the title" 400 invalid_body POST /api/courses/3 -d '{"title": "a\u0000b"}'
  err "$mode: update with a lone surrogate" 400 invalid_body POST /api/courses/3 -d '{"title": "\ud800"}'
  err "$mode: update of an unknown course" 404 not_found POST /api/courses/999999 -d '{"title": "x"}'
  err "$mode: update with a bad id" 400 invalid_id POST /api/courses/x -d '{"title": "x"}'
  err "$mode: unknown path" 404 not_found GET /api/nothing
  # Unknown or repeated parameters are named in a 400, not ignored (issue 16: pageSize).
  expect "$mode: unknown parameter pageSize" 400 "d['code'] == 'invalid_parameter' and \"'pageSize'\" in d['error'] and 'page, fields' in d['error']" \
    GET '/api/courses?pageSize=50'
  err "$mode: parameter on a detail route" 400 invalid_parameter GET '/api/courses/7?verbose=1'
  err "$mode: repeated page" 400 invalid_parameter GET '/api/courses?page=1&page=2'
  err "$mode: unknown jobs parameter" 400 invalid_parameter GET '/api/jobs?category=data&sort=id'
  # A known path with another method: 405 and Allow (RFC 9110), not 404.
  local allow
  err "$mode: DELETE a course" 405 method_not_allowed DELETE /api/courses/7
  allow=$(tr -d '\r' <"$hdrs" | awk -F': ' 'tolower($1) == "allow" { print $2 }')
  [ "$allow" = "GET, HEAD, POST" ] && ok "$mode: Allow: $allow" || bad "$mode: Allow on /api/courses/7 is '$allow'"
  err "$mode: PUT the wallet" 405 method_not_allowed PUT /api/wallet/balance -H 'X-User-Id: 42' -d '{"balance": 1}'
  allow=$(tr -d '\r' <"$hdrs" | awk -F': ' 'tolower($1) == "allow" { print $2 }')
  [ "$allow" = "GET, HEAD" ] && ok "$mode: Allow: $allow" || bad "$mode: Allow on /api/wallet/balance is '$allow'"
  err "$mode: DELETE an unknown path" 404 not_found DELETE /api/nothing
  # Timestamps in ISO 8601 exactly as PostgreSQL's own JSON writes them, and nulls sent as null.
  local created updated
  created=$(q -c "SELECT to_json(created_at) #>> '{}' FROM courses WHERE id = 8")
  updated=$(q -c "SELECT to_json(updated_at) #>> '{}' FROM wallets WHERE user_id = 45")
  expect "$mode: created_at in ISO 8601 as to_json writes it ($created)" 200 "d['created_at'] == '$created' and 'T' in d['created_at']" GET /api/courses/8
  expect "$mode: updated_at in ISO 8601 ($updated)" 200 "d['updated_at'] == '$updated'" GET /api/wallet/balance -H 'X-User-Id: 45'
  q -c "UPDATE courses SET description = NULL WHERE id = 9"
  expect "$mode: a null column is sent as null" 200 "'description' in d and d['description'] is None" GET /api/courses/9
  q -c "UPDATE courses SET description = 'Description of course 9' WHERE id = 9"
  # Metrics: route templates, never raw paths.
  local m
  m=$(curl -s "$base/metrics")
  grep -q "^http_request_duration_seconds_count{method=\"GET\",route=\"/api/courses/{id}\",status=\"404\"} [1-9]" <<<"$m" &&
    grep -q "^http_request_duration_seconds_count{method=\"GET\",route=\"/api/courses\",status=\"400\"} [1-9]" <<<"$m" &&
    ! grep -q 'route="/api/courses/7"' <<<"$m" && ok "$mode: http metrics by route template and status" ||
    bad "$mode: http metrics by route template: $(grep '^http_request_duration_seconds_count' <<<"$m" | head)"
  grep -q '^azora_pool_connections{pool="api",state="idle"}' <<<"$m" && grep -q '^azora_db_query_duration_seconds_count{operation="select",table="courses"}' <<<"$m" &&
    ok "$mode: pool and query metrics exposed" || bad "$mode: pool/query metrics missing"
}

# wrk_check MODE: 3 s of the mix; every answer 2xx.
wrk_check() {
  local out
  out=$(wrk -t2 -c8 -d3s -s "$root/test/bench/api_mix.lua" "$base" 2>&1)
  local line
  line=$(grep '^api_mix:' <<<"$out")
  if grep -qE 'requests=[1-9][0-9]* .* non2xx=0 socket_errors=0 ' <<<"$line"; then
    ok "$1: wrk mix: $line"
  else
    bad "$1: wrk mix: $out"
  fi
  # Its POSTs rewrote random courses: put the seed values back for the comparisons that follow.
  q -c "UPDATE courses SET title = 'Course ' || id, price_cents = (id % 50) * 100"
}

# ---- before mode
start_api before
common_checks before
call GET /api/courses -H 'Accept-Encoding: gzip' >/dev/null
grep -qi '^content-encoding' "$hdrs" && bad "before: gzip sent" || ok "before: never gzips"
call GET '/api/courses?page=3' >/dev/null; cp "$body" "$AZORA_TMP/before-courses-3.json"
call GET '/api/jobs?category=design&page=4' >/dev/null; cp "$body" "$AZORA_TMP/before-jobs-4.json"
expect "before: every column (SELECT *)" 200 "'description' in d['data'][0] and 'instructor_id' in d['data'][0] and d['total'] == 2000" \
  GET '/api/courses?page=3'
q -c "UPDATE courses SET title = 'Direct 9' WHERE id = 9"
expect "before: nothing cached (a direct UPDATE shows at once)" 200 "d['title'] == 'Direct 9'" GET /api/courses/9
q -c "UPDATE courses SET title = 'Course 9' WHERE id = 9"
expect "before: update" 200 "d == {'id': 5, 'title': 'Before 5', 'price_cents': 500}" POST /api/courses/5 -d '{"title": "Before 5"}'
expect "before: update seen" 200 "d['title'] == 'Before 5'" GET /api/courses/5
q -c "UPDATE courses SET title = 'Course 5' WHERE id = 5"
wrk_check before
stop_api

# ---- after mode
redis-cli -p "$AZORA_REDIS_PORT" flushall >/dev/null
start_api after
common_checks after
expect "after: projected columns only" 200 \
  "set(d['data'][0]) == {'id', 'title', 'category', 'price_cents', 'rating', 'instructor_name'}" GET '/api/courses?page=3'
expect "after: same page as before mode (ids, and every value sent equal)" 200 \
  "(lambda b: [c['id'] for c in d['data']] == [c['id'] for c in b['data']] and all(b['data'][i][k] == v for i, c in enumerate(d['data']) for k, v in c.items()) and d['hasMore'] == b['hasMore'])(json.load(open('$AZORA_TMP/before-courses-3.json')))" \
  GET '/api/courses?page=3'
expect "after: same jobs page as before mode" 200 \
  "(lambda b: [j['id'] for j in d['data']] == [j['id'] for j in b['data']] and all(b['data'][i][k] == v for i, j in enumerate(d['data']) for k, v in j.items()))(json.load(open('$AZORA_TMP/before-jobs-4.json')))" \
  GET '/api/jobs?category=design&page=4'
# The whole course as the server encodes it (to_json: what azora_opt.cached_json sends), and a
# Redis hit byte-identical to the miss that stored it.
want=$(q -c "SELECT to_json(r) FROM (SELECT c.id, c.title, c.category, c.price_cents, c.rating, c.published, c.description, c.created_at, u.name AS instructor_name FROM courses c JOIN users u ON u.id = c.instructor_id WHERE c.id = 17) r")
echo "$want" >"$AZORA_TMP/want-17.json"
expect "after: course 17 equals the server's to_json of the row" 200 "d == json.load(open('$AZORA_TMP/want-17.json'))" GET /api/courses/17
cp "$body" "$AZORA_TMP/miss-17.json"
call GET /api/courses/17 >/dev/null
cmp -s "$body" "$AZORA_TMP/miss-17.json" && ok "after: a cache hit is byte-identical to the miss" ||
  bad "after: hit and miss differ: $(cat "$body") vs $(cat "$AZORA_TMP/miss-17.json")"
expect "after: ?fields= narrows the list" 200 "all(set(c) == {'id', 'title'} for c in d['data'])" GET '/api/courses?page=2&fields=title,id'
err "after: ?fields= outside the allow-list" 400 invalid_fields GET '/api/courses?fields=id,description'
err "after: ?fields= with an injection attempt" 400 invalid_fields GET '/api/courses?fields=id%22%3B%20DROP%20TABLE%20courses%3B--'
# gzip: only when asked, and the same document.
plain=$(curl -s "$base/api/courses?page=4")
status=$(call GET '/api/courses?page=4' -H 'Accept-Encoding: gzip')
if [ "$status" = 200 ] && grep -qi '^content-encoding: gzip' "$hdrs" && grep -qi '^vary: accept-encoding' "$hdrs" &&
  python3 -c 'import gzip, json, sys; sys.exit(0 if json.loads(gzip.decompress(open(sys.argv[1], "rb").read())) == json.loads(sys.argv[2]) else 1)' "$body" "$plain"; then
  ok "after: gzip when accepted, same document"
else
  bad "after: gzip (status $status): $(cat "$hdrs")"
fi
call GET '/api/courses?page=4' >/dev/null
grep -qi '^content-encoding' "$hdrs" && bad "after: gzip without Accept-Encoding" || ok "after: identity without Accept-Encoding"
call GET '/api/courses?page=4' -H 'Accept-Encoding: gzip;q=0' >/dev/null
grep -qi '^content-encoding' "$hdrs" && bad "after: gzip although refused" || ok "after: identity when gzip;q=0"
err "after: nothing acceptable" 406 not_acceptable GET /api/courses -H 'Accept-Encoding: identity;q=0, *;q=0'
# Cached: a direct UPDATE (no POST, so no invalidation) is not seen; POST invalidates.
expect "after: detail cached" 200 "d['title'] == 'Course 11'" GET /api/courses/11
expect "after: list page cached" 200 "d['data'][10]['title'] == 'Course 11'" GET /api/courses
expect "after: list page 3 cached" 200 "d['data'][9]['title'] == 'Course 50'" GET '/api/courses?page=3'
q -c "UPDATE courses SET title = 'Direct 11' WHERE id = 11"
q -c "UPDATE courses SET title = 'Direct 50' WHERE id = 50"
hits=$(metric 'azora_cache_hits_total{cache="course"}')
expect "after: served from Redis (direct UPDATE not seen)" 200 "d['title'] == 'Course 11'" GET /api/courses/11
hits_after=$(metric 'azora_cache_hits_total{cache="course"}')
[ "$hits_after" = "$((hits + 1))" ] && ok "after: that was a cache hit ($hits -> $hits_after)" ||
  bad "after: course cache hits $hits -> $hits_after"
expect "after: list served from Redis" 200 "d['data'][10]['title'] == 'Course 11'" GET /api/courses
expect "after: update" 200 "d == {'id': 11, 'title': 'After 11', 'price_cents': 1234}" POST /api/courses/11 -d '{"title": "After 11", "price_cents": 1234}'
expect "after: POST invalidated the detail" 200 "d['title'] == 'After 11' and d['price_cents'] == 1234" GET /api/courses/11
expect "after: POST invalidated the list pages" 200 "d['data'][10]['title'] == 'After 11'" GET /api/courses
expect "after: other list pages kept (page 3 still from Redis)" 200 "d['data'][9]['title'] == 'Course 50'" GET '/api/courses?page=3'
expect "after: update of the last course of page 2" 200 "d['id'] == 40" POST /api/courses/40 -d '{"title": "After 40"}'
expect "after: ... invalidated page 2" 200 "d['data'][-1]['title'] == 'After 40'" GET '/api/courses?page=2'
expect "after: ... and not page 3" 200 "d['data'][9]['title'] == 'Course 50'" GET '/api/courses?page=3'
expect "after: other cached data kept (wallet)" 200 "d['balance'] == 14.0" GET /api/wallet/balance -H 'X-User-Id: 42'
q -c "UPDATE courses SET title = 'Course ' || id, price_cents = (id % 50) * 100 WHERE id IN (11, 40, 50)"
wrk_check after
# Redis dies: every read still answers 200, uncached (a direct UPDATE shows at once).
errors_before=$(metric 'azora_cache_errors_total')
redis-cli -p "$AZORA_REDIS_PORT" shutdown nosave >/dev/null 2>&1
sleep 0.2
redis-cli -p "$AZORA_REDIS_PORT" ping >/dev/null 2>&1 && bad "Redis still up"
q -c "UPDATE courses SET title = 'NoRedis 12' WHERE id = 12"
expect "no Redis: course list" 200 "d['data'][11]['title'] == 'NoRedis 12'" GET /api/courses
expect "no Redis: course detail, uncached" 200 "d['title'] == 'NoRedis 12'" GET /api/courses/12
expect "no Redis: wallet" 200 "d['user_id'] == 43" GET /api/wallet/balance -H 'X-User-Id: 43'
expect "no Redis: jobs" 200 "len(d['data']) == 20" GET '/api/jobs?category=sales&page=2'
expect "no Redis: update" 200 "d['title'] == 'Course 12'" POST /api/courses/12 -d '{"title": "Course 12"}'
errors_after=$(metric 'azora_cache_errors_total')
[ "${errors_after%.*}" -gt "${errors_before%.*}" ] && ok "no Redis: failures counted ($errors_before -> $errors_after)" ||
  bad "no Redis: azora_cache_errors_total $errors_before -> $errors_after"
wrk_check "after, no Redis"
# PostgreSQL stops: 503 JSON; back after its restart.
$AZORA_PG_CTL stop -m fast >/dev/null
err "PostgreSQL down: course list" 503 db_unavailable GET /api/courses
err "PostgreSQL down: wallet" 503 db_unavailable GET /api/wallet/balance -H 'X-User-Id: 44'
err "PostgreSQL down: bad request is still 400" 400 invalid_page GET '/api/courses?page=x'
call GET /api/courses/15 >/dev/null
if grep -q -e "$PGHOST" -e 'socket' -e '5432' -e "$PGPORT" "$body"; then
  bad "the 503 body leaks connection details: $(cat "$body")"
else
  ok "the 503 body says nothing internal: $(cat "$body")"
fi
grep -q 'database unavailable' "$AZORA_TMP/api-after.log" && ok "the 503's cause is in the server log" ||
  bad "the 503's cause is not logged"
$AZORA_PG_CTL start >/dev/null
expect "PostgreSQL back: course list" 200 "len(d['data']) == 20" GET /api/courses
grep -q '^http_request_duration_seconds_count{method="GET",route="/api/courses",status="503"} [1-9]' <(curl -s "$base/metrics") &&
  ok "503s counted under the route template" || bad "no 503 series"
kill -0 "$api_pid" 2>/dev/null && ok "the API is still running" || bad "the API died"
stop_api
grep -qi 'terminate\|segfault\|abort' "$AZORA_TMP/api-after.log" && bad "crash in the log: $(cat "$AZORA_TMP/api-after.log")"

# ---- after mode without a cache (--cache none): shaped and gzipped, straight from PostgreSQL
start_api after --cache none
expect "after, --cache none: course" 200 "d['title'] == 'Course 13'" GET /api/courses/13
call GET /api/courses/17 >/dev/null
cmp -s "$body" "$AZORA_TMP/miss-17.json" && ok "after: --cache none sends the same bytes as the Redis path" ||
  bad "after: --cache none and Redis differ: $(cat "$body") vs $(cat "$AZORA_TMP/miss-17.json")"
q -c "UPDATE courses SET title = 'Direct 13' WHERE id = 13"
expect "after, --cache none: a direct UPDATE shows at once" 200 "d['title'] == 'Direct 13'" GET /api/courses/13
q -c "UPDATE courses SET title = 'Course 13' WHERE id = 13"
call GET /api/courses -H 'Accept-Encoding: gzip' >/dev/null
grep -qi '^content-encoding: gzip' "$hdrs" && ok "after, --cache none: gzip" || bad "after, --cache none: no gzip"
[ "$(metric 'azora_cache_hits_total')" = 0 ] && ok "after, --cache none: no cache lookups" || bad "cache used"
stop_api

# ---- command line
"$api" >/dev/null 2>&1; [ $? -eq 1 ] && ok "no --mode: exit 1" || bad "no --mode"
"$api" --mode sideways >/dev/null 2>&1; [ $? -eq 1 ] && ok "bad --mode: exit 1" || bad "bad --mode"
"$api" --mode after --dsn "host=/nonexistent port=1" --listen 127.0.0.1:1 >/dev/null 2>&1; [ $? -eq 2 ] &&
  ok "unreachable database at start: exit 2" || bad "unreachable database at start"
"$api" --help | grep -q -- '--mode before|after' && ok "--help" || bad "--help"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
