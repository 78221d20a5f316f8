// How many nodes the database holds (count store, constant time): `load --bulk` imports only
// into an empty store. Params: none. Returns one row: nodes.
MATCH (n) RETURN count(n) AS nodes
