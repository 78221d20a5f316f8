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
    cells[(r["side"], r["work"], r["conc"])].append(r)


def median(side, work, conc):
    runs = sorted(cells[(side, work, conc)], key=lambda r: r["rps"])
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
