#!/usr/bin/env python3
"""Canonical dump of the findings of one detection run (rings, incidents, insider suspects:
every stored property but the run id, members with roles, target shops), for comparing an
incremental run with a full one: findings.py URI RUN_ID > FILE; diff the files."""
import json, sys
from neo4j import GraphDatabase

uri, run = sys.argv[1], sys.argv[2]
with GraphDatabase.driver(uri, auth=("neo4j", "neo4j-dev")) as d, d.session() as s:
    out = {}
    for label, extra in [
        ("Ring", "[(g)-[h:HAS_MEMBER]->(a) | [a.id, h.role, h.contribution]] AS members, "
                 "[(g)-[:TARGETED]->(x) | x.id] AS shops"),
        ("Incident", "[(g)-[:CONCERNS]->(v) | v.id] AS members, [] AS shops"),
        ("InsiderSuspect", "[(g)-[:SUSPECTS]->(a) | a.id] AS members, [] AS shops"),
    ]:
        rows = s.run(f"MATCH (g:{label} {{runId: $run}}) RETURN properties(g) AS p, {extra}", run=run)
        items = []
        for r in rows:
            p = dict(r["p"]); p.pop("runId", None); p.pop("runAt", None)
            p["members"] = sorted(map(json.dumps, r["members"])); p["shops"] = sorted(r["shops"])
            items.append(p)
        out[label] = sorted(items, key=lambda p: p["id"])
print(json.dumps(out, sort_keys=True, indent=0, ensure_ascii=False))
