"""Baseline for `tools/bench/load`: the same rows written the way a user's first attempt
would, with Neo4j's official Python driver, plain batched UNWIND, one thread, one
transaction per batch. Uses the investigator's own Cypher (queries/ingest_*.cypher) and the
same row conversion (times -> epoch ms, money -> minor units) so only the loader differs.

usage: python3 baseline_load.py DATASET_DIR [--uri bolt://127.0.0.1:7689] [--batch 5000]
"""
import argparse, json, os, sys, time
from datetime import datetime
from decimal import Decimal
from neo4j import GraphDatabase

ORDER = ["accounts", "shops", "links", "referrals", "orders", "payments", "reviews",
         "complaints", "review_events", "messages"]
TIME_FIELDS = {"registeredAt", "openedAt", "firstSeen", "lastSeen", "at", "placedAt", "paidAt",
               "postedAt", "filedAt", "resolvedAt", "sentAt"}
OPTIONAL = {
    "accounts": ["name", "registeredAt", "region"], "shops": ["category", "openedAt"],
    "links": ["firstSeen", "lastSeen"], "payments": ["channel", "orderId", "memo"],
    "reviews": ["text"], "complaints": ["handledById", "resolvedAt"],
    "review_events": ["newRating", "complaintId", "reason"], "messages": ["channel", "text"],
}

def ms(s):
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)

def row(kind, r):
    for f in OPTIONAL.get(kind, []):
        r.setdefault(f, None)
    for k, v in list(r.items()):
        if k in TIME_FIELDS and isinstance(v, str):
            r[k] = ms(v)
    if "amount" in r:
        r["amount"] = int(Decimal(r["amount"]) * 100)
        r.setdefault("currency", "CNY")
    if kind == "links":
        r["key"] = f'{r["kind"]}:{r["value"]}'
    return r

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--uri", default="bolt://127.0.0.1:7689")
    ap.add_argument("--batch", type=int, default=5000)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    queries = os.path.join(here, "..", "..", "queries")
    driver = GraphDatabase.driver(a.uri, auth=("neo4j", "neo4j-dev"))
    total, started = 0, time.time()
    with driver.session() as session:
        for kind in ORDER:
            path = os.path.join(a.dataset, kind + ".ndjson")
            if not os.path.exists(path):
                continue
            q = open(os.path.join(queries, f"ingest_{kind}.cypher")).read()
            batch, n, t0 = [], 0, time.time()
            def flush():
                session.execute_write(lambda tx: tx.run(q, rows=batch).consume())
            with open(path) as f:
                for line in f:
                    if line.strip():
                        batch.append(row(kind, json.loads(line)))
                        if len(batch) >= a.batch:
                            flush(); n += len(batch); batch = []
            if batch:
                flush(); n += len(batch)
            total += n
            dt = time.time() - t0
            print(f"{kind:>14}: {n:>10} records {dt:8.1f} s {n / max(dt, 1e-9):10.0f} rec/s", file=sys.stderr)
    driver.close()
    dt = time.time() - started
    print(json.dumps({"records": total, "seconds": round(dt, 2), "records_per_second": round(total / dt)}))

if __name__ == "__main__":
    main()
