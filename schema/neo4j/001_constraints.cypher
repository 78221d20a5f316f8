// Unique ids for every node kind of the dataset contract (each also backs an index).
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT shop_id IF NOT EXISTS FOR (n:Shop) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (n:Identifier) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT order_id IF NOT EXISTS FOR (n:Order) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT payment_id IF NOT EXISTS FOR (n:Payment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT review_id IF NOT EXISTS FOR (n:Review) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT complaint_id IF NOT EXISTS FOR (n:Complaint) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT review_event_id IF NOT EXISTS FOR (n:ReviewEvent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT message_id IF NOT EXISTS FOR (n:Message) REQUIRE n.id IS UNIQUE;
// Detection results: a finding's id is unique within the run that produced it (the same ring
// found again keeps its id; two runs coexist until the older is purged).
CREATE CONSTRAINT ring_run_id IF NOT EXISTS FOR (n:Ring) REQUIRE (n.runId, n.id) IS UNIQUE;
CREATE CONSTRAINT incident_run_id IF NOT EXISTS FOR (n:Incident) REQUIRE (n.runId, n.id) IS UNIQUE;
CREATE CONSTRAINT insider_suspect_run_id IF NOT EXISTS FOR (n:InsiderSuspect) REQUIRE (n.runId, n.id) IS UNIQUE;
CREATE CONSTRAINT detection_run_id IF NOT EXISTS FOR (n:DetectionRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT findings_pointer_detector IF NOT EXISTS FOR (n:FindingsPointer) REQUIRE n.detector IS UNIQUE;
CREATE CONSTRAINT detection_lock_id IF NOT EXISTS FOR (n:DetectionLock) REQUIRE n.id IS UNIQUE;
// Access control and the audit trail.
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT api_token_lock_id IF NOT EXISTS FOR (n:ApiTokenLock) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT server_secret_name IF NOT EXISTS FOR (n:ServerSecret) REQUIRE n.name IS UNIQUE;
