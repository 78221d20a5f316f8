// Names and identifier keys of the accounts free text is about, so the guard masks them in
// it. Params: $ids: account ids, and case ids standing for their items' accounts (members and
// attached accounts); other ids are skipped. Returns: name, keys.
UNWIND $ids AS x
CALL (x) {
  MATCH (a:Account {id: x})
  RETURN a
  UNION
  MATCH (:Case {id: x})-[:HAS_ITEM]->(i:CaseItem)
  UNWIND coalesce(i.members, []) + [i.ref] AS m
  MATCH (a:Account {id: m})
  RETURN a
}
WITH DISTINCT a
RETURN a.name AS name, [(a)-[:USES]->(k:Identifier) | k.key] AS keys
