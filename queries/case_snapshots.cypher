// The findings of a case as they were when attached (JSON snapshots), for its bundle.
// Params: $id. Returns: id, kind, ref, snapshot (null for accounts and shops), oldest first.
MATCH (:Case {id: $id})-[:HAS_ITEM]->(i:CaseItem)
RETURN i.id AS id, i.kind AS kind, i.ref AS ref, i.snapshot AS snapshot
ORDER BY i.addedAt, i.id
