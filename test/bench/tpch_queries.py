#!/usr/bin/env python3
"""tpch_queries.py — the 22 TPC-H queries in PostgreSQL's dialect, several parameter sets each,
for test/bench/tpch_advisor.sh.

Two sources, one output (a JSON list of {"template": n, "set": k, "sql": text}):
  * qgen (TPC-H dbgen 2.14, built by the bench script): `qgen -r SEED -s SF N` per template and
    seed, then rewritten to PostgreSQL (qgen's "ORACLE" output has `interval '90' day (3)` and a
    `where rownum <= N;` line for the row limit);
  * the fallback when dbgen cannot be fetched or built: the same 22 templates (TPC-H
    specification 2.14, section 2.4) with qgen's substitution rules (varsub.c) reimplemented
    here with Python's random generator; the values follow the same distributions, not the same
    sequence as qgen for a seed.
Query 15 is rewritten from CREATE VIEW / SELECT / DROP VIEW to one statement with the view as a
CTE, so that the tracker holds a statement the advisor can plan again later (the view is gone).

Usage: tpch_queries.py qgen DBGEN_DIR SF SETS  |  tpch_queries.py builtin SF SETS
"""
import json
import os
import random
import re
import subprocess
import sys

SEEDS_BASE = 20261204  # fixed: the same parameter sets on every run


def pg_dialect(text):
    """qgen's ORACLE-flavoured output → one PostgreSQL statement."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("--")]
    text = "\n".join(lines)
    # interval '90' day (3): the precision is Oracle's; PostgreSQL takes interval '90' day.
    text = re.sub(r"(interval\s+'[^']*'\s+(?:day|month|year))\s*\(\d+\)", r"\1", text)
    limit = None
    m = re.search(r"where\s+rownum\s*<=\s*(-?\d+)\s*;", text)
    if m:
        limit = int(m.group(1))
        text = text[: m.start()] + text[m.end():]
    # Query 15: create view revenueN ...; select ...; drop view revenueN;
    m = re.search(r"create\s+view\s+(\w+)\s*\(([^)]*)\)\s+as(.*?);(.*?);\s*drop\s+view\s+\w+\s*;",
                  text, re.S | re.I)
    if m:
        name, cols, body, select = m.group(1), m.group(2), m.group(3), m.group(4)
        text = f"with {name} ({cols}) as ({body.rstrip()}\n)\n{select.strip()}"
    text = text.strip().rstrip(";").rstrip()
    if limit is not None and limit > 0:
        text += f"\nlimit {limit}"
    return text


def from_qgen(dbgen, sf, sets):
    out = []
    env = dict(os.environ, DSS_QUERY=os.path.join(dbgen, "queries"), DSS_CONFIG=dbgen)
    for k in range(sets):
        for n in range(1, 23):
            res = subprocess.run([os.path.join(dbgen, "qgen"), "-r", str(SEEDS_BASE + 1000 * k + n),
                                  "-s", str(sf), str(n)], cwd=dbgen, env=env, check=True,
                                 capture_output=True, text=True)
            out.append({"template": n, "set": k + 1, "sql": pg_dialect(res.stdout)})
    return out


# --- the fallback: templates and qgen's substitution rules -------------------------------------

COLORS = ("almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood "
          "burnished chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim "
          "dodger drab firebrick floral forest frosted gainsboro ghost goldenrod green grey "
          "honeydew hot indian ivory khaki lace lavender lawn lemon light lime linen magenta maroon "
          "medium metallic midnight mint misty moccasin navajo navy olive orange orchid pale papaya "
          "peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy seashell "
          "sienna sky slate smoke snow spring steel tan thistle tomato turquoise violet wheat white "
          "yellow").split()
TYPE1 = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"]
TYPE2 = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"]
TYPE3 = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"]
CONT1 = ["SM", "LG", "MED", "JUMBO", "WRAP"]
CONT2 = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"]
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
SHIPMODES = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
# (name, region index): dbgen's nations table.
NATIONS = [("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4),
           ("ETHIOPIA", 0), ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2),
           ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2), ("JORDAN", 4), ("KENYA", 0), ("MOROCCO", 0),
           ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2), ("ROMANIA", 3), ("SAUDI ARABIA", 4),
           ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3), ("UNITED STATES", 1)]


def _month(offset):  # qgen: 19(93 + offset/12)-(offset%12 + 1)-01
    return f"19{93 + offset // 12}-{offset % 12 + 1:02d}-01"


def varsub(n, r, sf):
    """qgen's varsub(): the values of template n's :1, :2, ... (index 0 is :1)."""
    ptype = lambda: f"{r.choice(TYPE1)} {r.choice(TYPE2)} {r.choice(TYPE3)}"
    brand = lambda: f"Brand#{r.randint(1, 5)}{r.randint(1, 5)}"
    nation = lambda: r.choice(NATIONS)[0]
    if n == 1:
        return [str(r.randint(60, 120))]
    if n == 2:
        return [str(r.randint(1, 50)), r.choice(TYPE3), r.choice(REGIONS)]
    if n == 3:
        return [r.choice(SEGMENTS), f"1995-03-{r.randint(1, 31):02d}"]
    if n == 4:
        return [_month(r.randint(1, 58))]
    if n == 5:
        return [r.choice(REGIONS), f"19{r.randint(93, 97)}-01-01"]
    if n == 6:
        return [f"19{r.randint(93, 97)}-01-01", f"0.0{r.randint(2, 9)}", str(r.randint(24, 25))]
    if n == 7:
        a, b = r.sample(range(len(NATIONS)), 2)
        return [NATIONS[a][0], NATIONS[b][0]]
    if n == 8:
        name, region = r.choice(NATIONS)
        return [name, REGIONS[region], ptype()]
    if n in (9,):
        return [r.choice(COLORS)]
    if n == 10:
        return [_month(r.randint(1, 24))]
    if n == 11:
        return [nation(), f"{0.0001 / sf:.10f}"]
    if n == 12:
        a, b = r.sample(SHIPMODES, 2)
        return [a, b, f"19{r.randint(93, 97)}-01-01"]
    if n == 13:
        return [r.choice(["special", "pending", "unusual", "express"]),
                r.choice(["packages", "requests", "accounts", "deposits"])]
    if n == 14:
        return [_month(r.randint(0, 59))]
    if n == 15:
        return [_month(r.randint(0, 57))]
    if n == 16:
        return [brand(), f"{r.choice(TYPE1)} {r.choice(TYPE2)}"] + [str(s) for s in r.sample(range(1, 51), 8)]
    if n == 17:
        return [brand(), f"{r.choice(CONT1)} {r.choice(CONT2)}"]
    if n == 18:
        return [str(r.randint(312, 315))]
    if n == 19:
        return [brand(), brand(), brand(), str(r.randint(1, 10)), str(r.randint(10, 20)), str(r.randint(20, 30))]
    if n == 20:
        return [r.choice(COLORS), f"19{r.randint(93, 97)}-01-01", nation()]
    if n == 21:
        return [nation()]
    if n == 22:
        return [str(10 + c) for c in r.sample(range(10, 35), 7)]
    raise ValueError(n)


TEMPLATES = {
    1: """select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
 sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
 avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order
from lineitem
where l_shipdate <= date '1998-12-01' - interval ':1' day
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus""",
    2: """select s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment
from part, supplier, partsupp, nation, region
where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = :1 and p_type like '%:2'
 and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = ':3'
 and ps_supplycost = (select min(ps_supplycost) from partsupp, supplier, nation, region
  where p_partkey = ps_partkey and s_suppkey = ps_suppkey and s_nationkey = n_nationkey
   and n_regionkey = r_regionkey and r_name = ':3')
order by s_acctbal desc, n_name, s_name, p_partkey
limit 100""",
    3: """select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
from customer, orders, lineitem
where c_mktsegment = ':1' and c_custkey = o_custkey and l_orderkey = o_orderkey
 and o_orderdate < date ':2' and l_shipdate > date ':2'
group by l_orderkey, o_orderdate, o_shippriority
order by revenue desc, o_orderdate
limit 10""",
    4: """select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= date ':1' and o_orderdate < date ':1' + interval '3' month
 and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
group by o_orderpriority
order by o_orderpriority""",
    5: """select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from customer, orders, lineitem, supplier, nation, region
where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey
 and c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey
 and r_name = ':1' and o_orderdate >= date ':2' and o_orderdate < date ':2' + interval '1' year
group by n_name
order by revenue desc""",
    6: """select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= date ':1' and l_shipdate < date ':1' + interval '1' year
 and l_discount between :2 - 0.01 and :2 + 0.01 and l_quantity < :3""",
    7: """select supp_nation, cust_nation, l_year, sum(volume) as revenue
from (select n1.n_name as supp_nation, n2.n_name as cust_nation, extract(year from l_shipdate) as l_year,
  l_extendedprice * (1 - l_discount) as volume
 from supplier, lineitem, orders, customer, nation n1, nation n2
 where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey
  and s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey
  and ((n1.n_name = ':1' and n2.n_name = ':2') or (n1.n_name = ':2' and n2.n_name = ':1'))
  and l_shipdate between date '1995-01-01' and date '1996-12-31') as shipping
group by supp_nation, cust_nation, l_year
order by supp_nation, cust_nation, l_year""",
    8: """select o_year, sum(case when nation = ':1' then volume else 0 end) / sum(volume) as mkt_share
from (select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation
 from part, supplier, lineitem, orders, customer, nation n1, nation n2, region
 where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey
  and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = ':2'
  and s_nationkey = n2.n_nationkey and o_orderdate between date '1995-01-01' and date '1996-12-31'
  and p_type = ':3') as all_nations
group by o_year
order by o_year""",
    9: """select nation, o_year, sum(amount) as sum_profit
from (select n_name as nation, extract(year from o_orderdate) as o_year,
  l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount
 from part, supplier, lineitem, partsupp, orders, nation
 where s_suppkey = l_suppkey and ps_suppkey = l_suppkey and ps_partkey = l_partkey and p_partkey = l_partkey
  and o_orderkey = l_orderkey and s_nationkey = n_nationkey and p_name like '%:1%') as profit
group by nation, o_year
order by nation, o_year desc""",
    10: """select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name, c_address, c_phone, c_comment
from customer, orders, lineitem, nation
where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date ':1'
 and o_orderdate < date ':1' + interval '3' month and l_returnflag = 'R' and c_nationkey = n_nationkey
group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
order by revenue desc
limit 20""",
    11: """select ps_partkey, sum(ps_supplycost * ps_availqty) as value
from partsupp, supplier, nation
where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = ':1'
group by ps_partkey
having sum(ps_supplycost * ps_availqty) > (select sum(ps_supplycost * ps_availqty) * :2
 from partsupp, supplier, nation where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = ':1')
order by value desc""",
    12: """select l_shipmode,
 sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end) as high_line_count,
 sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) as low_line_count
from orders, lineitem
where o_orderkey = l_orderkey and l_shipmode in (':1', ':2') and l_commitdate < l_receiptdate
 and l_shipdate < l_commitdate and l_receiptdate >= date ':3' and l_receiptdate < date ':3' + interval '1' year
group by l_shipmode
order by l_shipmode""",
    13: """select c_count, count(*) as custdist
from (select c_custkey, count(o_orderkey)
 from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%:1%:2%'
 group by c_custkey) as c_orders (c_custkey, c_count)
group by c_count
order by custdist desc, c_count desc""",
    14: """select 100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount) else 0 end)
 / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from lineitem, part
where l_partkey = p_partkey and l_shipdate >= date ':1' and l_shipdate < date ':1' + interval '1' month""",
    15: """with revenue0 (supplier_no, total_revenue) as (select l_suppkey, sum(l_extendedprice * (1 - l_discount))
 from lineitem where l_shipdate >= date ':1' and l_shipdate < date ':1' + interval '3' month group by l_suppkey)
select s_suppkey, s_name, s_address, s_phone, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey""",
    16: """select p_brand, p_type, p_size, count(distinct ps_suppkey) as supplier_cnt
from partsupp, part
where p_partkey = ps_partkey and p_brand <> ':1' and p_type not like ':2%'
 and p_size in (:3, :4, :5, :6, :7, :8, :9, :10)
 and ps_suppkey not in (select s_suppkey from supplier where s_comment like '%Customer%Complaints%')
group by p_brand, p_type, p_size
order by supplier_cnt desc, p_brand, p_type, p_size""",
    17: """select sum(l_extendedprice) / 7.0 as avg_yearly
from lineitem, part
where p_partkey = l_partkey and p_brand = ':1' and p_container = ':2'
 and l_quantity < (select 0.2 * avg(l_quantity) from lineitem where l_partkey = p_partkey)""",
    18: """select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity)
from customer, orders, lineitem
where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > :1)
 and c_custkey = o_custkey and o_orderkey = l_orderkey
group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
order by o_totalprice desc, o_orderdate
limit 100""",
    19: """select sum(l_extendedprice* (1 - l_discount)) as revenue
from lineitem, part
where (p_partkey = l_partkey and p_brand = ':1' and p_container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
  and l_quantity >= :4 and l_quantity <= :4 + 10 and p_size between 1 and 5
  and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')
 or (p_partkey = l_partkey and p_brand = ':2' and p_container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
  and l_quantity >= :5 and l_quantity <= :5 + 10 and p_size between 1 and 10
  and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')
 or (p_partkey = l_partkey and p_brand = ':3' and p_container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
  and l_quantity >= :6 and l_quantity <= :6 + 10 and p_size between 1 and 15
  and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')""",
    20: """select s_name, s_address
from supplier, nation
where s_suppkey in (select ps_suppkey from partsupp
  where ps_partkey in (select p_partkey from part where p_name like ':1%')
   and ps_availqty > (select 0.5 * sum(l_quantity) from lineitem
    where l_partkey = ps_partkey and l_suppkey = ps_suppkey
     and l_shipdate >= date ':2' and l_shipdate < date ':2' + interval '1' year))
 and s_nationkey = n_nationkey and n_name = ':3'
order by s_name""",
    21: """select s_name, count(*) as numwait
from supplier, lineitem l1, orders, nation
where s_suppkey = l1.l_suppkey and o_orderkey = l1.l_orderkey and o_orderstatus = 'F'
 and l1.l_receiptdate > l1.l_commitdate
 and exists (select * from lineitem l2 where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey)
 and not exists (select * from lineitem l3 where l3.l_orderkey = l1.l_orderkey
  and l3.l_suppkey <> l1.l_suppkey and l3.l_receiptdate > l3.l_commitdate)
 and s_nationkey = n_nationkey and n_name = ':1'
group by s_name
order by numwait desc, s_name
limit 100""",
    22: """select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal
from (select substring(c_phone from 1 for 2) as cntrycode, c_acctbal
 from customer
 where substring(c_phone from 1 for 2) in (':1', ':2', ':3', ':4', ':5', ':6', ':7')
  and c_acctbal > (select avg(c_acctbal) from customer where c_acctbal > 0.00
   and substring(c_phone from 1 for 2) in (':1', ':2', ':3', ':4', ':5', ':6', ':7'))
  and not exists (select * from orders where o_custkey = c_custkey)) as custsale
group by cntrycode
order by cntrycode""",
}


def substitute(template, params):
    # Highest number first, so that :1 does not eat the start of :10.
    for i in range(len(params), 0, -1):
        template = template.replace(f":{i}", params[i - 1])
    return template


def builtin(sf, sets):
    out = []
    for k in range(sets):
        for n in range(1, 23):
            r = random.Random(SEEDS_BASE + 1000 * k + n)
            out.append({"template": n, "set": k + 1, "sql": substitute(TEMPLATES[n], varsub(n, r, sf))})
    return out


def main(argv):
    if len(argv) == 5 and argv[1] == "qgen":
        queries = from_qgen(argv[2], float(argv[3]), int(argv[4]))
    elif len(argv) == 4 and argv[1] == "builtin":
        queries = builtin(float(argv[2]), int(argv[3]))
    else:
        sys.exit(__doc__)
    json.dump(queries, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv)
