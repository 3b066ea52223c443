-- tpch_data.sql — TPC-H data generated in SQL, for test/bench/tpch_advisor.sh when dbgen cannot
-- be fetched or built. psql -v sf=0.1 -f tpch_data.sql, after tpch_schema.sql.
--
-- Row counts, keys and the value distributions the 22 queries filter, join and group on follow
-- the TPC-H specification 2.14, section 4.2.3 (what dbgen implements): the sparse order keys
-- (8 of every 32), customers with key divisible by 3 never ordering, the four suppliers of a
-- part, 1-7 lines per order, the ship/commit/receipt dates relative to the order date, return
-- flag and line status from the 1995-06-17 "current date", order status and total price from the
-- lines, part names of five colour words, types, containers, brands, phones with the nation's
-- country code, "Customer ... Complaints" in 5 of 10 000 supplier comments. Free text (comments,
-- addresses) is words from dbgen's vocabulary rather than its sentence grammar, so its lengths
-- and word frequencies, not its sentences, match; the random sequence is PostgreSQL's (setseed),
-- not dbgen's, so the rows differ from dbgen's while their distributions agree.
\set ON_ERROR_STOP 1
SELECT setseed(0.2026);

CREATE TEMP TABLE words AS
SELECT array['packages', 'requests', 'accounts', 'deposits', 'foxes', 'ideas', 'theodolites', 'pinto beans',
  'instructions', 'dependencies', 'excuses', 'platelets', 'asymptotes', 'courts', 'dolphins', 'multipliers',
  'sauternes', 'warthogs', 'frets', 'dinos', 'attainments', 'somas', 'Tiresias', 'patterns', 'forges', 'braids',
  'frays', 'warhorses', 'dugouts', 'notornis', 'epitaphs', 'pearls', 'tithes', 'waters', 'orbits', 'gifts',
  'sheaves', 'depths', 'sentiments', 'decoys', 'realms', 'pains', 'grouches', 'escapades', 'hockey players',
  'sleep', 'wake', 'are', 'cajole', 'haggle', 'nag', 'use', 'boost', 'affix', 'detect', 'integrate',
  'maintain', 'nod', 'was', 'lose', 'sublate', 'solve', 'thrash', 'promise', 'engage', 'hinder', 'print',
  'x-ray', 'breach', 'eat', 'grow', 'impress', 'mold', 'poach', 'serve', 'run', 'dazzle', 'snooze', 'doze',
  'unwind', 'kindle', 'play', 'hang', 'believe', 'doubt', 'special', 'pending', 'unusual', 'express',
  'furious', 'sly', 'careful', 'blithe', 'quick', 'fluffy', 'slow', 'quiet', 'ruthless', 'thin', 'close',
  'dogged', 'daring', 'brave', 'stealthy', 'permanent', 'enticing', 'idle', 'busy', 'regular', 'final',
  'ironic', 'even', 'bold', 'silent', 'sometimes', 'always', 'never', 'furiously', 'slyly', 'carefully',
  'blithely', 'quickly', 'fluffily', 'slowly', 'quietly', 'ruthlessly', 'about', 'above', 'across', 'after',
  'against', 'along', 'among', 'around', 'at', 'atop', 'before', 'behind', 'beneath', 'beside', 'between',
  'beyond', 'by', 'during', 'except', 'for', 'from', 'inside', 'into', 'near', 'of', 'on', 'outside', 'over',
  'past', 'since', 'through', 'to', 'toward', 'under', 'until', 'up', 'upon', 'with', 'within', 'do', 'may',
  'might', 'shall', 'will', 'would', 'can', 'could', 'should', 'must'] AS w,
  array['almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush',
  'brown', 'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower', 'cornsilk',
  'cream', 'cyan', 'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest', 'frosted',
  'gainsboro', 'ghost', 'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory', 'khaki', 'lace',
  'lavender', 'lawn', 'lemon', 'light', 'lime', 'linen', 'magenta', 'maroon', 'medium', 'metallic', 'midnight',
  'mint', 'misty', 'moccasin', 'navajo', 'navy', 'olive', 'orange', 'orchid', 'pale', 'papaya', 'peach',
  'peru', 'pink', 'plum', 'powder', 'puff', 'purple', 'red', 'rose', 'rosy', 'royal', 'saddle', 'salmon',
  'sandy', 'seashell', 'sienna', 'sky', 'slate', 'smoke', 'snow', 'spring', 'steel', 'tan', 'thistle',
  'tomato', 'turquoise', 'violet', 'wheat', 'white', 'yellow'] AS colors;

-- Free text: 4096 random word sequences of about 250 characters drawn once; a comment of lo..hi
-- characters is the start of one of them (drawing words per row would take minutes). One row
-- each, fetched by key: an array of them would be detoasted whole on every call.
CREATE TEMP TABLE pool AS
SELECT k, string_agg(w[1 + floor(random() * array_length(w, 1))::int], ' ') AS t
FROM words, generate_series(0, 4095) AS k, generate_series(1, 40) AS g
GROUP BY k;
ALTER TABLE pool ADD PRIMARY KEY (k);
CREATE TEMP TABLE chars AS
SELECT k, string_agg(substr('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789, .',
                            1 + floor(random() * 65)::int, 1), '') AS t
FROM generate_series(0, 4095) AS k, generate_series(1, 40) AS g
GROUP BY k;
ALTER TABLE chars ADD PRIMARY KEY (k);
CREATE TEMP TABLE colors AS SELECT c FROM words, unnest(colors) AS c;
ANALYZE pool, chars, colors;
CREATE FUNCTION pg_temp.rnd(lo numeric, hi numeric) RETURNS numeric LANGUAGE sql VOLATILE AS
  $$ SELECT lo + floor(random() * (hi - lo + 1)) $$;
CREATE FUNCTION pg_temp.tpch_text(lo int, hi int) RETURNS text LANGUAGE sql VOLATILE AS
  $$ SELECT rtrim(left(t, pg_temp.rnd(lo, hi)::int)) FROM pool WHERE k = (SELECT floor(random() * 4096)::int) $$;
-- dbgen's v-string (addresses): 10-40 random characters.
CREATE FUNCTION pg_temp.vstring(lo int, hi int) RETURNS text LANGUAGE sql VOLATILE AS
  $$ SELECT left(t, pg_temp.rnd(lo, hi)::int) FROM chars WHERE k = (SELECT floor(random() * 4096)::int) $$;
-- An ordering customer: a key not divisible by 3 (a third of the customers never order).
CREATE FUNCTION pg_temp.order_custkey(n int) RETURNS int LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN c % 3 = 0 THEN c - 1 ELSE c END FROM (SELECT pg_temp.rnd(1, n)::int AS c) AS x
$$;
CREATE FUNCTION pg_temp.phone(nationkey int) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT (nationkey + 10) || '-' || pg_temp.rnd(100, 999) || '-' || pg_temp.rnd(100, 999) || '-' || pg_temp.rnd(1000, 9999)
$$;

INSERT INTO region VALUES (0, 'AFRICA', pg_temp.tpch_text(31, 115)), (1, 'AMERICA', pg_temp.tpch_text(31, 115)),
  (2, 'ASIA', pg_temp.tpch_text(31, 115)), (3, 'EUROPE', pg_temp.tpch_text(31, 115)),
  (4, 'MIDDLE EAST', pg_temp.tpch_text(31, 115));
INSERT INTO nation
SELECT k - 1, name, region, pg_temp.tpch_text(31, 114)
FROM unnest(array['ALGERIA', 'ARGENTINA', 'BRAZIL', 'CANADA', 'EGYPT', 'ETHIOPIA', 'FRANCE', 'GERMANY', 'INDIA',
  'INDONESIA', 'IRAN', 'IRAQ', 'JAPAN', 'JORDAN', 'KENYA', 'MOROCCO', 'MOZAMBIQUE', 'PERU', 'CHINA', 'ROMANIA',
  'SAUDI ARABIA', 'VIETNAM', 'RUSSIA', 'UNITED KINGDOM', 'UNITED STATES'],
  array[0, 1, 1, 1, 4, 0, 3, 3, 2, 2, 4, 4, 2, 4, 0, 0, 0, 1, 2, 3, 4, 2, 3, 3, 1]) WITH ORDINALITY AS t(name, region, k);

INSERT INTO supplier
SELECT k, 'Supplier#' || lpad(k::text, 9, '0'), pg_temp.vstring(10, 40), nk, pg_temp.phone(nk),
       pg_temp.rnd(-99999, 999999) / 100,
       CASE WHEN k % 2000 = 7 THEN pg_temp.tpch_text(5, 20) || ' Customer ' || pg_temp.tpch_text(5, 20) || ' Complaints ' || pg_temp.tpch_text(5, 20)
            WHEN k % 2000 = 1007 THEN pg_temp.tpch_text(5, 20) || ' Customer ' || pg_temp.tpch_text(5, 20) || ' Recommends ' || pg_temp.tpch_text(5, 20)
            ELSE pg_temp.tpch_text(25, 100) END
FROM (SELECT k, pg_temp.rnd(0, 24)::int AS nk FROM generate_series(1, (:sf * 10000)::int) AS k) AS s;

INSERT INTO part
SELECT k, (SELECT string_agg(c, ' ') FROM (SELECT c FROM colors WHERE k > 0 ORDER BY random() LIMIT 5) AS five),
       'Manufacturer#' || m, 'Brand#' || m || pg_temp.rnd(1, 5),
       (array['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'])[pg_temp.rnd(1, 6)] || ' ' ||
       (array['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'])[pg_temp.rnd(1, 5)] || ' ' ||
       (array['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'])[pg_temp.rnd(1, 5)],
       pg_temp.rnd(1, 50),
       (array['SM', 'LG', 'MED', 'JUMBO', 'WRAP'])[pg_temp.rnd(1, 5)] || ' ' ||
       (array['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'])[pg_temp.rnd(1, 8)],
       (90000 + ((k / 10) % 20001) + 100 * (k % 1000)) / 100.0, pg_temp.tpch_text(5, 22)
FROM (SELECT k, pg_temp.rnd(1, 5) AS m FROM generate_series(1, (:sf * 200000)::int) AS k) AS p;

-- The four suppliers of part p: (p + i * (S/4 + (p-1)/S)) mod S + 1, i = 0..3.
INSERT INTO partsupp
SELECT p, (p + i * (s / 4 + (p - 1) / s)) % s + 1, pg_temp.rnd(1, 9999), pg_temp.rnd(100, 100000) / 100,
       pg_temp.tpch_text(49, 198)
FROM generate_series(1, (:sf * 200000)::int) AS p, generate_series(0, 3) AS i, (SELECT (:sf * 10000)::int AS s) AS c;

INSERT INTO customer
SELECT k, 'Customer#' || lpad(k::text, 9, '0'), pg_temp.vstring(10, 40), nk, pg_temp.phone(nk),
       pg_temp.rnd(-99999, 999999) / 100,
       (array['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'])[pg_temp.rnd(1, 5)],
       pg_temp.tpch_text(29, 116)
FROM (SELECT k, pg_temp.rnd(0, 24)::int AS nk FROM generate_series(1, (:sf * 150000)::int) AS k) AS c;

-- Orders without status and total first; lines next; then both from the lines.
CREATE TEMP TABLE o AS
SELECT ((i - 1) / 8) * 32 + (i - 1) % 8 + 1 AS orderkey,
       pg_temp.order_custkey((:sf * 150000)::int) AS custkey,
       date '1992-01-01' + pg_temp.rnd(0, (date '1998-12-31' - date '1992-01-01') - 151)::int AS orderdate,
       pg_temp.rnd(1, 7)::int AS nlines
FROM generate_series(1, (:sf * 1500000)::int) AS i;

INSERT INTO lineitem
SELECT orderkey, partkey, (partkey + pg_temp.rnd(0, 3)::int * (s / 4 + (partkey - 1) / s)) % s + 1, ln,
       qty, qty * (90000 + ((partkey / 10) % 20001) + 100 * (partkey % 1000)) / 100.0,
       pg_temp.rnd(0, 10) / 100, pg_temp.rnd(0, 8) / 100,
       CASE WHEN receipt <= date '1995-06-17' THEN (array['R', 'A'])[pg_temp.rnd(1, 2)] ELSE 'N' END,
       CASE WHEN ship > date '1995-06-17' THEN 'O' ELSE 'F' END,
       ship, commitd, receipt,
       (array['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[pg_temp.rnd(1, 4)],
       (array['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'])[pg_temp.rnd(1, 7)],
       pg_temp.tpch_text(10, 43)
FROM (SELECT orderkey, ln, partkey, qty, ship, commitd, ship + pg_temp.rnd(1, 30)::int AS receipt, s
      FROM (SELECT o.orderkey, ln, pg_temp.rnd(1, (:sf * 200000)::int)::int AS partkey, pg_temp.rnd(1, 50) AS qty,
                   o.orderdate + pg_temp.rnd(1, 121)::int AS ship, o.orderdate + pg_temp.rnd(30, 90)::int AS commitd,
                   (:sf * 10000)::int AS s
            FROM o, generate_series(1, o.nlines) AS ln) AS l1) AS l2;

INSERT INTO orders
SELECT o.orderkey, o.custkey,
       CASE WHEN bool_and(l_linestatus = 'F') THEN 'F' WHEN bool_and(l_linestatus = 'O') THEN 'O' ELSE 'P' END,
       round(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), 2), o.orderdate,
       (array['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'])[pg_temp.rnd(1, 5)],
       'Clerk#' || lpad(pg_temp.rnd(1, greatest(1, (:sf * 1000)::int))::text, 9, '0'), 0,
       pg_temp.tpch_text(19, 78)
FROM o JOIN lineitem ON l_orderkey = o.orderkey
GROUP BY o.orderkey, o.custkey, o.orderdate
ORDER BY o.orderkey;
DROP TABLE o;
