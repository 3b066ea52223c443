#!/usr/bin/env bash
# The server-side result cache: a miss, a hit, a committed write that invalidates it, the stats
set -euo pipefail
source scripts/demo/lib.sh
page="SELECT id, title, rating FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 20 OFFSET \$1::int * 20"
call="SELECT azora_opt.cached_json('courses:list:page=1', '$page', azora_opt.ttl('course_list'), ARRAY['0'])"
"$AZORA_CLI" cache flush >/dev/null
# Server-side time of one call, from the statement's own clock.
call_ms() {
  psql -XAt -c '\timing on' -c "$call" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p'
}
say "azora_opt.cached_json('courses:list:page=1', <course list page>, ttl('course_list'), ARRAY['0'])"
say "1st call (miss: runs the query, stores the JSON):  $(call_ms) ms"
say "2nd call (hit: the stored JSON):                    $(call_ms) ms"
first=$(psql -XAtc "SELECT id FROM courses WHERE published ORDER BY rating DESC NULLS LAST, id LIMIT 1")
say "first course: $(psql -XAtc "$call" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')"
q -c "UPDATE courses SET title = title || ' (updated)' WHERE id = $first"
say "UPDATE courses SET title = ... WHERE id = $first;   -- commits: the entry is now stale"
say "3rd call (miss after the write):                    $(call_ms) ms"
say "first course: $(psql -XAtc "$call" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')"
say "azora-opt cache stats"
"$AZORA_CLI" cache stats | sed 's/^/      /'
say "azora-opt cache entries"
"$AZORA_CLI" cache entries | sed 's/^/      /'
