// Indexes earlier versions created that no query plan uses; each one slowed every load.
DROP INDEX account_role IF EXISTS;
DROP INDEX shop_category IF EXISTS;
DROP INDEX identifier_kind IF EXISTS;
DROP INDEX order_placed_at IF EXISTS;
DROP INDEX payment_paid_at IF EXISTS;
DROP INDEX payment_private IF EXISTS;
DROP INDEX review_posted_at IF EXISTS;
DROP INDEX review_event_at IF EXISTS;
DROP INDEX complaint_status IF EXISTS;
DROP INDEX message_sent_at IF EXISTS;
DROP INDEX transfer_at IF EXISTS;
// Single-run finding ids (before detection runs kept the previous run while the next one ran).
DROP CONSTRAINT ring_id IF EXISTS;
DROP CONSTRAINT incident_id IF EXISTS;
DROP CONSTRAINT insider_suspect_id IF EXISTS;
