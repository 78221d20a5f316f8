// Record times that `detect --since` seeks (queries/incremental_touched.cypher): a day's
// records among a year's are found by index, not by scanning every review, message, event,
// transfer and link. (Names differ from the time indexes 003 retired, which it drops.)
CREATE INDEX since_review_posted_at IF NOT EXISTS FOR (n:Review) ON (n.postedAt);
CREATE INDEX since_message_sent_at IF NOT EXISTS FOR (n:Message) ON (n.sentAt);
CREATE INDEX since_review_event_at IF NOT EXISTS FOR (n:ReviewEvent) ON (n.at);
CREATE INDEX since_transfer_at IF NOT EXISTS FOR ()-[t:TRANSFER]-() ON (t.at);
CREATE INDEX since_referred_at IF NOT EXISTS FOR ()-[r:REFERRED]-() ON (r.at);
CREATE INDEX since_uses_first_seen IF NOT EXISTS FOR ()-[u:USES]-() ON (u.firstSeen);
CREATE INDEX since_uses_last_seen IF NOT EXISTS FOR ()-[u:USES]-() ON (u.lastSeen);
