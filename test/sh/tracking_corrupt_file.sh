#!/usr/bin/env bash
# tracking_corrupt_file.sh — a damaged or foreign pg_stat/azora_opt.stat is logged and ignored
# as a whole: the server starts, never crashes, and azora_opt.queries is readable and holds none
# of the file's entries. A good file still loads exactly. Starts its own cluster.
#
# Cases: the file truncated (in the header, in the last entry), a byte flipped in a text_len field
# and in the text (with the stale checksum, and with the checksum recomputed so that the entry
# checks themselves are exercised), a plan length beyond its area, an unknown encoding, a counter
# inconsistent with the histogram, a negative counter, another format version, another
# PostgreSQL major version, a parameter sample's record size beyond its area, an invalid byte in
# the complete long texts that follow the entries.
#
# The patcher below knows of the file only what persist.cpp documents as stable: the header
# starts with uint32 magic, format_version, pg_major, crc32c (the CRC-32C of the whole file with
# the crc field zeroed). Entry fields are found by value next to a known statement text (its
# text_len and encoding precede the text area, the plan's source_len and plan_len precede those;
# calls and rows are two adjacent int64s), so a
# layout change makes this test fail loudly rather than patch the wrong bytes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != inner ]; then
  # Plans captured and saved, so the plan area is checked too.
  exec "$root/scripts/cluster.sh" --no-redis --conf "azora_opt.plan_min_ms = 0" \
    --conf "azora_opt.save_plans = on" -- bash "$0" inner
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -v ON_ERROR_STOP=1 -At "$@"; }
stat_file="$AZORA_PGDATA/pg_stat/azora_opt.stat"
work="$AZORA_TMP/corrupt"
mkdir -p "$work"

q -c "CREATE EXTENSION azora_opt" >/dev/null
q -c "CREATE TABLE cf_t AS SELECT g AS id, g % 5 AS v FROM generate_series(1, 1000) g" >/dev/null
q -c "SELECT azora_opt.reset()" >/dev/null
for i in $(seq 1 7); do q -c "SELECT count(*) FROM cf_t WHERE v = $((i % 5))" >/dev/null; done
for i in $(seq 1 3); do q -c "SELECT sum(id) FROM cf_t WHERE id < $((i * 100))" >/dev/null; done
# Longer than max_text_bytes: its complete text follows the entries in the file.
q -c "SELECT $(seq -s ', ' -f 'id AS cf_long_alias_%g' 1 80) FROM cf_t WHERE id = 3" >/dev/null

snapshot="SELECT queryid, query, calls, rows, total_exec_time, p50_exec_time, p95_exec_time,
  p99_exec_time, slow_calls, shared_blks_hit, first_seen, last_seen, has_plan
  FROM azora_opt.queries WHERE query LIKE '%cf\_t%' ORDER BY queryid"
before=$(q -c "$snapshot")
before_reset=$(q -c "SELECT stats_reset FROM azora_opt.info()")
echo "$before" | grep -q '|7|7|' || fail "workload not counted: $before"
echo "$before" | grep -q '|t$' || fail "no plan captured: $before"

# A real saved file: stop cleanly (save is on by default), keep a copy.
$AZORA_PG_CTL stop >/dev/null
[ -s "$stat_file" ] || fail "a clean stop wrote no $stat_file"
cp "$stat_file" "$work/good.stat"
echo "saved file: $(stat -c %s "$work/good.stat") bytes"

# patch.py OUT MUTATION...: writes good.stat with the mutations applied to OUT. Mutations:
#   truncate:N (keep N bytes; negative: drop -N), u32:OFFSET:VALUE (header field),
#   textlen-xor:BYTE:MASK, encoding:VALUE, text-xor:INDEX:MASK, calls:VALUE, rows:VALUE,
#   planlen:VALUE, sample-size:VALUE (the first sample record's size), tail-xor:N:MASK (byte N
#   from the end), crc (recompute the checksum; apply last).
patch() {
  python3 - "$work/good.stat" "$@" <<'EOF'
import struct, sys
src, out, muts = sys.argv[1], sys.argv[2], sys.argv[3:]
data = bytearray(open(src, 'rb').read())
text = b"SELECT count(*) FROM cf_t WHERE v = $1"
t = data.find(text + b"\0")
if t < 0 or data.find(text + b"\0", t + 1) >= 0:
    sys.exit("patch: the statement text is not in the file exactly once")
# text_len: the nearest int32 before the text equal to its length; encoding: the int32 before.
tl = next((o for o in range(t - 4, t - 68, -4)
           if struct.unpack_from('<i', data, o)[0] == len(text)), None)
if tl is None or struct.unpack_from('<i', data, tl - 4)[0] != 6:  # 6 = PG_UTF8
    sys.exit("patch: text_len/encoding not found before the text (layout changed?)")
def calls_offset():
    # calls and rows are adjacent int64s, both 7 for this statement (7 calls of count(*)).
    pat = struct.pack('<qq', 7, 7)
    o = data.rfind(pat, 0, tl)
    if o < 0 or tl - o > 4096:
        sys.exit("patch: calls/rows not found (layout changed?)")
    return o
def crc32c(buf):
    crc = 0xFFFFFFFF
    for b in buf:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF
for m in muts:
    kind, *args = m.split(':')
    if kind == 'truncate':
        n = int(args[0]); data = data[:n] if n >= 0 else data[:len(data) + n]
    elif kind == 'u32':
        struct.pack_into('<I', data, int(args[0]), int(args[1]))
    elif kind == 'textlen-xor':
        data[tl + int(args[0])] ^= int(args[1], 0)
    elif kind == 'encoding':
        struct.pack_into('<i', data, tl - 4, int(args[0]))
    elif kind == 'text-xor':
        data[t + int(args[0])] ^= int(args[1], 0)
    elif kind == 'calls':
        struct.pack_into('<q', data, calls_offset(), int(args[0]))
    elif kind == 'planlen':
        # PlanInfo ends with source_len, plan_len just before encoding: both must look sane.
        src, pl = struct.unpack_from('<ii', data, tl - 12)
        if not (0 < src < 1024 and 0 < pl < 2048):
            sys.exit("patch: plan lengths not found before encoding (layout changed?)")
        struct.pack_into('<i', data, tl - 8, int(args[0]))
    elif kind == 'sample-size':
        # A simple-protocol record: a 32-byte header (uint32 size first, search_path_len at 12)
        # right before the session's search_path and its NUL.
        path = b'"$user", public\0'
        p = data.find(path)
        if p < 32 or struct.unpack_from('<i', data, p - 32 + 12)[0] != len(path) - 1:
            sys.exit("patch: no sample record found (layout changed?)")
        struct.pack_into('<I', data, p - 32, int(args[0]))
    elif kind == 'tail-xor':
        data[len(data) - int(args[0])] ^= int(args[1], 0)
    elif kind == 'rows':
        struct.pack_into('<q', data, calls_offset() + 8, int(args[0]))
    elif kind == 'crc':
        struct.pack_into('<I', data, 12, 0)
        struct.pack_into('<I', data, 12, crc32c(bytes(data)))
    else:
        sys.exit("patch: unknown mutation " + m)
open(out, 'wb').write(data)
EOF
}

failures=0
# case NAME REASON_REGEX MUTATION...: puts the patched file in place, starts the server, checks.
case_() {
  local name=$1 reason=$2
  shift 2
  patch "$work/$name.stat" "$@" || fail "$name: could not build the file"
  cp "$work/$name.stat" "$stat_file"
  local from
  from=$(($(stat -c %s "$AZORA_PG_LOG") + 1))
  $AZORA_PG_CTL start >/dev/null || fail "$name: the server did not start"
  local left reset problems=()
  # None of the file's entries: neither the workload's nor any other from before this start
  # (entries checked before the bad one were inserted, and must have been removed again).
  left=$(q -c "SELECT count(*) FILTER (WHERE query LIKE '%cf\_t%') || '|' ||
    count(*) FILTER (WHERE first_seen < pg_postmaster_start_time()) FROM azora_opt.queries" 2>&1) ||
    true
  reset=$(q -c "SELECT stats_reset FROM azora_opt.info()" 2>&1) || true
  sleep 0.2  # let the postmaster log a crashed backend, if any
  local log
  log=$(tail -c +"$from" "$AZORA_PG_LOG")
  [ "$left" = "0|0" ] ||
    problems+=("azora_opt.queries gave \"$left\", expected 0|0 (workload|older entries)")
  [ "$reset" != "$before_reset" ] || problems+=("stats_reset was taken from the ignored file")
  ! grep -q "terminated by signal" <<<"$log" || problems+=("a backend crashed")
  ! grep -q "database system was interrupted\|reinitializing" <<<"$log" || problems+=("crash recovery")
  grep -qE "azora_opt: ignoring \"pg_stat/azora_opt.stat\": .*($reason)" <<<"$log" ||
    problems+=("no log line saying the file was ignored for /$reason/")
  ! grep -q "azora_opt: loaded" <<<"$log" || problems+=("a load was logged")
  q -c "SELECT 1" >/dev/null 2>&1 || problems+=("the server is not answering")
  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok: $name: $(grep -o 'azora_opt: ignoring.*' <<<"$log" | head -1)"
  else
    failures=$((failures + 1))
    echo "NOT OK: $name:" >&2
    printf '  %s\n' "${problems[@]}" >&2
    grep -E 'azora_opt|terminated|interrupted|PANIC|FATAL' <<<"$log" | sed 's/^/  log: /' >&2 || true
  fi
  $AZORA_PG_CTL stop >/dev/null 2>&1 || $AZORA_PG_CTL -m immediate stop >/dev/null 2>&1 || true
}

size=$(stat -c %s "$work/good.stat")
case_ truncated-header 'truncated|size' truncate:20
case_ truncated-entry 'size' truncate:-100
case_ textlen-flipped 'text length|checksum' textlen-xor:3:0x20
case_ textlen-flipped-crc 'text length' textlen-xor:3:0x20 crc
case_ textlen-negative-crc 'text length' textlen-xor:0:0xff textlen-xor:1:0xff \
  textlen-xor:2:0xff textlen-xor:3:0xff crc
case_ text-byte-flipped 'checksum' text-xor:2:0x01
case_ text-invalid-utf8-crc 'not valid' text-xor:2:0x80 crc
case_ encoding-crc 'encoding' encoding:999 crc
case_ calls-vs-histogram-crc 'histogram' calls:8 crc
case_ plan-length-crc 'plan text lengths' planlen:4000 crc
case_ negative-rows-crc 'negative|out of range' rows:-1 crc
case_ other-format-version 'format version' u32:4:999 crc
case_ other-format-version-stale-crc 'format version|checksum' u32:4:1
case_ other-pg-major 'PostgreSQL' u32:8:1400 crc
case_ sample-size-crc 'sample records' sample-size:100000 crc
case_ long-text-invalid-crc 'long text' tail-xor:3:0x80 crc
[ "$failures" = 0 ] || fail "$failures corrupt-file case(s) not handled"

# The good file, put back, still loads exactly.
cp "$work/good.stat" "$stat_file"
$AZORA_PG_CTL start >/dev/null
after=$(q -c "$snapshot")
[ "$before" = "$after" ] || fail "the good file did not load exactly:
$before
---
$after"
[ "$(q -c "SELECT stats_reset FROM azora_opt.info()")" = "$before_reset" ] || fail "stats_reset not restored"
grep -q "azora_opt: loaded [1-9][0-9]* saved statement entries" "$AZORA_PG_LOG" || fail "no load message"
echo "good file: $(echo "$after" | wc -l) entries identical"
echo "PASS tracking_corrupt_file"
