"""Markdown tables from tools/bench/api/run's raw results (one JSON line per cell and run):
the median run of each cell, by requests per second."""
import json
import statistics
import sys
from collections import defaultdict

path, dataset = sys.argv[1], sys.argv[2]
cells = defaultdict(list)
for line in open(path):
    r = json.loads(line)
    cells[(r["side"], r["work"], r["conc"], r.get("servers", 1))].append(r)
server_counts = sorted({k[3] for k in cells if k[0] == "ours"}) or [1]


def median(side, work, conc, servers=None):
    if servers is None:
        servers = server_counts[0] if side == "ours" else 1
    runs = sorted(cells[(side, work, conc, servers)], key=lambda r: r["rps"])
    if not runs:
        return None
    m = runs[len(runs) // 2]
    m = dict(m, errors=sum(r["errors"] for r in runs), runs=len(runs))
    return m


def fmt(r):
    return f"{r['rps']:.0f} · {r['p50']:.2f}/{r['p99']:.2f}"


works = sorted({k[1] for k in cells})
concs = sorted({k[2] for k in cells if k[0] != "direct"})
print(f"Dataset `{dataset}`; median of {max(len(v) for v in cells.values())} runs per cell.\n")
print("| work | conc. | investigator req/s · p50/p99 ms | peer req/s · p50/p99 ms | throughput ratio | p99 ours ≤ peer | Neo4j CPU ms/req (ours / peer) | server CPU ms/req (ours / peer) | client CPU ms/req | errors (ours / peer) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for w in works:
    for c in concs:
        o, p = median("ours", w, c), median("peer", w, c)
        if not o or not p:
            continue
        print(f"| {w} | {c} | {fmt(o)} | {fmt(p)} | {o['rps'] / p['rps']:.2f}× | "
              f"{'yes' if o['p99'] <= p['p99'] else 'no'} | "
              f"{o['cpu_neo4j']:.2f} / {p['cpu_neo4j']:.2f} | {o['cpu_server']:.2f} / {p['cpu_server']:.2f} | "
              f"{(o['cpu_client'] + p['cpu_client']) / 2:.2f} | {o['errors']} / {p['errors']} |")
print()
print("| work | direct Cypher over Bolt, conc. 1: req/s · p50/p99 ms | Neo4j CPU ms/req | investigator p50 at conc. 1 | ours / direct p50 |")
print("|---|---|---|---|---|")
for w in works:
    d, o = median("direct", w, 1), median("ours", w, 1)
    if not d:
        continue
    ratio = f"{o['p50'] / d['p50']:.2f}×" if o else "–"
    print(f"| {w} | {fmt(d)} | {d['cpu_neo4j']:.2f} | {o['p50']:.2f} ms | {ratio} |" if o else f"| {w} | {fmt(d)} | {d['cpu_neo4j']:.2f} | – | – |")

if len(server_counts) > 1:
    print()
    print("Scaling: the investigator with several `serve` processes on the same Neo4j (requests spread in turn).\n")
    print("| work | conc. | " + " | ".join(f"{n} process{'es' if n > 1 else ''}: req/s · p50/p99 ms" for n in server_counts)
          + f" | {server_counts[-1]} / {server_counts[0]} throughput | Neo4j CPU ms/req ({server_counts[0]} / {server_counts[-1]}) |")
    print("|---|---|" + "---|" * len(server_counts) + "---|---|")
    for w in works:
        for c in concs:
            rs = [median("ours", w, c, n) for n in server_counts]
            if not all(rs):
                continue
            print(f"| {w} | {c} | " + " | ".join(fmt(r) for r in rs)
                  + f" | {rs[-1]['rps'] / rs[0]['rps']:.2f}× | {rs[0]['cpu_neo4j']:.2f} / {rs[-1]['cpu_neo4j']:.2f} |")
