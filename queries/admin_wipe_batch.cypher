// Deletes up to $limit nodes (and their relationships). Run until it returns 0. Params: $limit.
MATCH (n) WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
