//! Validated records → parameter rows for the `queries/ingest_*.cypher` statements.

use crate::graph::{queries, Cypher, Row};
use crate::model::{Record, RecordKind, Timestamp};

fn t(ts: Option<Timestamp>) -> Option<i64> {
    ts.map(Timestamp::millis)
}

/// A record's parameter row. The order of the fields is the column order of the
/// `create_*.cypher` statements, which read rows as lists (a unit test holds them together).
pub fn to_row(record: &Record) -> Row {
    match record {
        Record::Account(a) => Row::new()
            .set("id", &a.id)
            .set("role", a.role.as_str())
            .set("name", &a.name)
            .set("registeredAt", t(a.registered_at))
            .set("region", &a.region),
        Record::Shop(s) => Row::new()
            .set("id", &s.id)
            .set("ownerId", &s.owner_id)
            .set("name", &s.name)
            .set("category", &s.category)
            .set("openedAt", t(s.opened_at)),
        Record::Link(l) => Row::new()
            .set("accountId", &l.account_id)
            .set("key", format!("{}:{}", l.kind.as_str(), l.value))
            .set("kind", l.kind.as_str())
            .set("value", &l.value)
            .set("firstSeen", t(l.first_seen))
            .set("lastSeen", t(l.last_seen)),
        Record::Referral(r) => Row::new()
            .set("inviterId", &r.inviter_id)
            .set("inviteeId", &r.invitee_id)
            .set("at", r.at.millis()),
        Record::Order(o) => Row::new()
            .set("id", &o.id)
            .set("buyerId", &o.buyer_id)
            .set("shopId", &o.shop_id)
            .set("amount", o.amount.minor)
            .set("currency", &o.amount.currency)
            .set("placedAt", o.placed_at.millis())
            .set("status", o.status.as_str()),
        Record::Payment(p) => Row::new()
            .set("id", &p.id)
            .set("fromId", &p.from_id)
            .set("toId", &p.to_id)
            .set("amount", p.amount.minor)
            .set("currency", &p.amount.currency)
            .set("paidAt", p.paid_at.millis())
            .set("channel", p.channel.map(|c| c.as_str()))
            .set("orderId", &p.order_id)
            .set("memo", &p.memo),
        Record::Review(r) => Row::new()
            .set("id", &r.id)
            .set("orderId", &r.order_id)
            .set("authorId", &r.author_id)
            .set("shopId", &r.shop_id)
            .set("rating", r.rating)
            .set("text", &r.text)
            .set("postedAt", r.posted_at.millis()),
        Record::Complaint(c) => Row::new()
            .set("id", &c.id)
            .set("reviewId", &c.review_id)
            .set("filedById", &c.filed_by_id)
            .set("filedAt", c.filed_at.millis())
            .set("status", c.status.as_str())
            .set("handledById", &c.handled_by_id)
            .set("resolvedAt", t(c.resolved_at)),
        Record::ReviewEvent(e) => Row::new()
            .set("id", &e.id)
            .set("reviewId", &e.review_id)
            .set("action", e.action.as_str())
            .set("actorId", &e.actor_id)
            .set("at", e.at.millis())
            .set("newRating", e.new_rating)
            .set("complaintId", &e.complaint_id)
            .set("reason", &e.reason),
        Record::Message(m) => Row::new()
            .set("id", &m.id)
            .set("fromId", &m.from_id)
            .set("toId", &m.to_id)
            .set("sentAt", m.sent_at.millis())
            .set("channel", m.channel.map(|c| c.as_str()))
            .set("text", &m.text),
    }
}

pub fn ingest_query(kind: RecordKind) -> Cypher<'static> {
    match kind {
        RecordKind::Account => queries::INGEST_ACCOUNTS,
        RecordKind::Shop => queries::INGEST_SHOPS,
        RecordKind::Link => queries::INGEST_LINKS,
        RecordKind::Referral => queries::INGEST_REFERRALS,
        RecordKind::Order => queries::INGEST_ORDERS,
        RecordKind::Payment => queries::INGEST_PAYMENTS,
        RecordKind::Review => queries::INGEST_REVIEWS,
        RecordKind::Complaint => queries::INGEST_COMPLAINTS,
        RecordKind::ReviewEvent => queries::INGEST_REVIEW_EVENTS,
        RecordKind::Message => queries::INGEST_MESSAGES,
    }
}

/// The statement for records known to be new: CREATE instead of MERGE, so Neo4j neither
/// looks for the relationships of a node that did not exist nor holds MERGE's node locks,
/// which let concurrent batches deadlock on shared shops and identifiers. Referrals have
/// no id to know them new by, and always upsert.
pub fn create_query(kind: RecordKind) -> Option<Cypher<'static>> {
    Some(match kind {
        RecordKind::Account => queries::CREATE_ACCOUNTS,
        RecordKind::Shop => queries::CREATE_SHOPS,
        RecordKind::Link => queries::CREATE_LINKS,
        RecordKind::Order => queries::CREATE_ORDERS,
        RecordKind::Payment => queries::CREATE_PAYMENTS,
        RecordKind::Review => queries::CREATE_REVIEWS,
        RecordKind::Complaint => queries::CREATE_COMPLAINTS,
        RecordKind::ReviewEvent => queries::CREATE_REVIEW_EVENTS,
        RecordKind::Message => queries::CREATE_MESSAGES,
        RecordKind::Referral => return None,
    })
}

/// The existence check for ids of a kind that has them.
pub fn existing_query(kind: RecordKind) -> Option<Cypher<'static>> {
    Some(match kind {
        RecordKind::Account => queries::EXISTING_ACCOUNTS,
        RecordKind::Shop => queries::EXISTING_SHOPS,
        RecordKind::Order => queries::EXISTING_ORDERS,
        RecordKind::Payment => queries::EXISTING_PAYMENTS,
        RecordKind::Review => queries::EXISTING_REVIEWS,
        RecordKind::Complaint => queries::EXISTING_COMPLAINTS,
        RecordKind::ReviewEvent => queries::EXISTING_REVIEW_EVENTS,
        RecordKind::Message => queries::EXISTING_MESSAGES,
        RecordKind::Link | RecordKind::Referral => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The `WITH r[0] AS a, r[1] AS b, …` header of a create statement: its column names.
    fn columns(text: &str) -> Vec<String> {
        let body: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join(" ");
        let header = body
            .split("UNWIND $rows AS r WITH ")
            .nth(1)
            .expect("a create statement starts with its column header");
        (0..)
            .map_while(|i| {
                let at = header.find(&format!("r[{i}] AS "))?;
                let rest = &header[at + format!("r[{i}] AS ").len()..];
                Some(
                    rest.split([',', ' '])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn create_statements_read_the_columns_rows_are_built_with() {
        let t = "2017-04-03T10:15:00+08:00";
        let samples = [
            (RecordKind::Account, json!({"id":"a","role":"buyer"})),
            (RecordKind::Shop, json!({"id":"s","ownerId":"a","name":"S"})),
            (
                RecordKind::Link,
                json!({"accountId":"a","kind":"ip","value":"1.2.3.4"}),
            ),
            (
                RecordKind::Order,
                json!({"id":"o","buyerId":"a","shopId":"s","amount":"1.00","placedAt":t,"status":"paid"}),
            ),
            (
                RecordKind::Payment,
                json!({"id":"p","fromId":"a","toId":"b","amount":"1.00","paidAt":t}),
            ),
            (
                RecordKind::Review,
                json!({"id":"r","orderId":"o","authorId":"a","shopId":"s","rating":1,"postedAt":t}),
            ),
            (
                RecordKind::Complaint,
                json!({"id":"c","reviewId":"r","filedById":"a","filedAt":t,"status":"pending"}),
            ),
            (
                RecordKind::ReviewEvent,
                json!({"id":"e","reviewId":"r","action":"withdrawn","actorId":"a","at":t}),
            ),
            (
                RecordKind::Message,
                json!({"id":"m","fromId":"a","toId":"b","sentAt":t}),
            ),
        ];
        for (kind, value) in samples {
            let (record, _) = Record::from_json(kind, value).expect("sample is valid");
            let fields: Vec<&str> = to_row(&record).keys().collect();
            let query = create_query(kind).expect("a create statement");
            assert_eq!(columns(query.text), fields, "{}", query.name);
        }
        assert!(create_query(RecordKind::Referral).is_none());
    }
}
