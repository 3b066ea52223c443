-- advisor_memo: azora_opt.advisor_memo_size bounds the memos advise_indexes() keeps of its
-- costings (one entry per statement and set of indexes planned, which would otherwise grow with
-- the call's time, issue 15). At a memo far smaller than the search needs, the memos turn over
-- (the DEBUG1 line counts it) and forget costs, which are planned again if asked: the advice
-- is the same as with the default memo.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS azora_opt;
RESET client_min_messages;
CREATE TABLE memo_t (id int PRIMARY KEY, a int, b int, c int, d int, e int, f int);
INSERT INTO memo_t
SELECT g, g % 5000, g % 2000, g % 1000, g % 500, g % 200, g % 100 FROM generate_series(1, 50000) g;
ANALYZE memo_t;
SELECT azora_opt.reset() >= 0 AS reset;
\o /dev/null
-- Every pair of columns, each statement twice (azora_opt.advisor_min_calls): many candidates,
-- widenings and composites, so the search makes hundreds of costings.
SELECT format('SELECT id FROM memo_t WHERE %I = 7 AND %I = 3', x, y)
FROM unnest('{a,b,c,d,e,f}'::text[]) x, unnest('{a,b,c,d,e,f}'::text[]) y, generate_series(1, 2)
WHERE x < y \gexec
\o
SET client_min_messages = warning;
CREATE TEMP TABLE advice_default AS SELECT ddl FROM azora_opt.advise_indexes();
SELECT count(*) > 0 AS advised FROM advice_default;
SET azora_opt.advisor_memo_size = '64kB';
SELECT (SELECT array_agg(ddl ORDER BY ddl) FROM azora_opt.advise_indexes())
     = (SELECT array_agg(ddl ORDER BY ddl) FROM advice_default) AS same_advice;
RESET azora_opt.advisor_memo_size;
RESET client_min_messages;
\setenv ADVISE_DB :DBNAME
-- The DEBUG1 line's turnovers: the oracle's memo and the selection's, at 64kB and at the default.
\! PGOPTIONS='-c client_min_messages=debug1 -c azora_opt.advisor_memo_size=64kB' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | sed -nE 's/.* ([0-9]+) turnovers; the selection.s: ([0-9]+) turnovers.*/\1 \2/p' | awk '{ print "64kB: oracle memo turned over:", ($1 > 0 ? "yes" : "no"), "selection memo turned over:", ($2 > 0 ? "yes" : "no") }'
\! PGOPTIONS='-c client_min_messages=debug1' psql -X -q -d "$ADVISE_DB" -c 'SELECT FROM azora_opt.advise_indexes()' 2>&1 | sed -nE 's/.* ([0-9]+) turnovers; the selection.s: ([0-9]+) turnovers.*/\1 \2/p' | awk '{ print "default: oracle memo turned over:", ($1 > 0 ? "yes" : "no"), "selection memo turned over:", ($2 > 0 ? "yes" : "no") }'
-- Out of range: a clean error.
SET azora_opt.advisor_memo_size = '1kB';
DROP TABLE memo_t;
