#!/usr/bin/env python3
"""pq_prepared.py — runs one statement as a named prepared statement over the extended protocol
with libpq itself (PQprepare with explicit parameter type OIDs, then PQexecPrepared once per
parameter set), through ctypes: no driver in between that could inline the values, and real
NULL bind values (a null pointer), which pgbench cannot send (it sends the text "NULL").
Connection: libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE).

Usage: pq_prepared.py SQL TYPE_OID,... VALUES... where each VALUES is one call's parameters,
separated by '|', and the word NULL is a NULL. Exits 1 (with libpq's message) on any error."""
import ctypes
import ctypes.util
import sys

PGRES_COMMAND_OK = 1
PGRES_TUPLES_OK = 2
CONNECTION_OK = 0


def load_libpq():
    pq = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
    vp, cp, ci = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    pq.PQconnectdb.restype, pq.PQconnectdb.argtypes = vp, [cp]
    pq.PQstatus.restype, pq.PQstatus.argtypes = ci, [vp]
    pq.PQerrorMessage.restype, pq.PQerrorMessage.argtypes = cp, [vp]
    pq.PQprepare.restype = vp
    pq.PQprepare.argtypes = [vp, cp, cp, ci, ctypes.POINTER(ctypes.c_uint)]
    pq.PQexecPrepared.restype = vp
    pq.PQexecPrepared.argtypes = [vp, cp, ci, ctypes.POINTER(cp), ctypes.POINTER(ci),
                                  ctypes.POINTER(ci), ci]
    pq.PQresultStatus.restype, pq.PQresultStatus.argtypes = ci, [vp]
    pq.PQresultErrorMessage.restype, pq.PQresultErrorMessage.argtypes = cp, [vp]
    pq.PQclear.argtypes = [vp]
    pq.PQfinish.argtypes = [vp]
    return pq


def check(pq, res, ok, what):
    status = pq.PQresultStatus(res)
    message = pq.PQresultErrorMessage(res).decode()
    pq.PQclear(res)
    if status != ok:
        sys.exit(f"pq_prepared: {what} failed: {message.strip()}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sql, oids, calls = sys.argv[1], [int(t) for t in sys.argv[2].split(",")], sys.argv[3:]
    pq = load_libpq()
    conn = pq.PQconnectdb(b"")
    if pq.PQstatus(conn) != CONNECTION_OK:
        sys.exit(f"pq_prepared: connection failed: {pq.PQerrorMessage(conn).decode().strip()}")
    n = len(oids)
    types = (ctypes.c_uint * n)(*oids)
    check(pq, pq.PQprepare(conn, b"pq_prepared", sql.encode(), n, types), PGRES_COMMAND_OK,
          "PQprepare")
    for call in calls:
        params = [None if v == "NULL" else v.encode() for v in call.split("|")]
        if len(params) != n:
            sys.exit(f"pq_prepared: {call!r} has {len(params)} values, not {n}")
        values = (ctypes.c_char_p * n)(*params)
        res = pq.PQexecPrepared(conn, b"pq_prepared", n, values, None, None, 0)
        check(pq, res, PGRES_TUPLES_OK, f"PQexecPrepared({call})")
    pq.PQfinish(conn)


if __name__ == "__main__":
    main()
