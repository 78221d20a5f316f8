// Lookup indexes: only those a query plan uses (checked with EXPLAIN over queries/*.cypher).
// Every index is paid for on every write of its label, so an index no plan uses is dropped
// (003_drop_unused_indexes.cypher) rather than kept "just in case".
// Negative reviews by rating (ring detection).
CREATE INDEX review_rating IF NOT EXISTS FOR (n:Review) ON (n.rating);
// Withdrawals and removals by action (ring detection, insider tracing).
CREATE INDEX review_event_action IF NOT EXISTS FOR (n:ReviewEvent) ON (n.action);
// Detection results (few nodes; listed and filtered by these).
CREATE INDEX ring_score IF NOT EXISTS FOR (n:Ring) ON (n.score);
CREATE INDEX ring_kind IF NOT EXISTS FOR (n:Ring) ON (n.kind);
CREATE INDEX incident_confidence IF NOT EXISTS FOR (n:Incident) ON (n.confidence);
