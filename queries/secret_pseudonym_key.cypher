// The server's key for identifier pseudonyms: created once (from $candidate), then shared by
// every server process on this database, so a masked identifier reads the same everywhere.
// Params: $candidate.
MERGE (s:ServerSecret {name: 'pseudonym'})
  ON CREATE SET s.value = $candidate
RETURN s.value AS value
