// Lookup indexes for the properties detectors and the API filter or sort on.
CREATE INDEX account_role IF NOT EXISTS FOR (n:Account) ON (n.role);
CREATE INDEX shop_category IF NOT EXISTS FOR (n:Shop) ON (n.category);
CREATE INDEX identifier_kind IF NOT EXISTS FOR (n:Identifier) ON (n.kind);
CREATE INDEX order_placed_at IF NOT EXISTS FOR (n:Order) ON (n.placedAt);
CREATE INDEX payment_paid_at IF NOT EXISTS FOR (n:Payment) ON (n.paidAt);
CREATE INDEX payment_private IF NOT EXISTS FOR (n:Payment) ON (n.private);
CREATE INDEX review_rating IF NOT EXISTS FOR (n:Review) ON (n.rating);
CREATE INDEX review_posted_at IF NOT EXISTS FOR (n:Review) ON (n.postedAt);
CREATE INDEX review_event_action IF NOT EXISTS FOR (n:ReviewEvent) ON (n.action);
CREATE INDEX review_event_at IF NOT EXISTS FOR (n:ReviewEvent) ON (n.at);
CREATE INDEX complaint_status IF NOT EXISTS FOR (n:Complaint) ON (n.status);
CREATE INDEX message_sent_at IF NOT EXISTS FOR (n:Message) ON (n.sentAt);
CREATE INDEX ring_score IF NOT EXISTS FOR (n:Ring) ON (n.score);
CREATE INDEX ring_kind IF NOT EXISTS FOR (n:Ring) ON (n.kind);
CREATE INDEX incident_confidence IF NOT EXISTS FOR (n:Incident) ON (n.confidence);
CREATE INDEX transfer_at IF NOT EXISTS FOR ()-[r:TRANSFER]-() ON (r.at);
