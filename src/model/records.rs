//! The record kinds of the dataset contract (`docs/DATASET-FORMAT.md`), validated.
//!
//! Each `from_json` checks one record and names the first offending field; the loader adds
//! file and line. References to other records are listed by [`Record::references`] so the
//! loader can check them against the dataset and the database.

use super::{Money, Timestamp, MAX_ID_LEN};
use serde_json::{Map, Value};

/// Why one record is invalid: the field (or `-` for the whole record) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Record kinds in the contract's fixed load order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Account,
    Shop,
    Link,
    Referral,
    Order,
    Payment,
    Review,
    Complaint,
    ReviewEvent,
    Message,
}

impl RecordKind {
    pub const LOAD_ORDER: [RecordKind; 10] = [
        RecordKind::Account,
        RecordKind::Shop,
        RecordKind::Link,
        RecordKind::Referral,
        RecordKind::Order,
        RecordKind::Payment,
        RecordKind::Review,
        RecordKind::Complaint,
        RecordKind::ReviewEvent,
        RecordKind::Message,
    ];

    /// The file stem: `accounts` for `accounts.ndjson`.
    pub fn file_stem(self) -> &'static str {
        match self {
            RecordKind::Account => "accounts",
            RecordKind::Shop => "shops",
            RecordKind::Link => "links",
            RecordKind::Referral => "referrals",
            RecordKind::Order => "orders",
            RecordKind::Payment => "payments",
            RecordKind::Review => "reviews",
            RecordKind::Complaint => "complaints",
            RecordKind::ReviewEvent => "review_events",
            RecordKind::Message => "messages",
        }
    }

    pub fn from_file_stem(stem: &str) -> Option<Self> {
        Self::LOAD_ORDER.into_iter().find(|k| k.file_stem() == stem)
    }

    /// Kinds whose records carry an `id` that others can refer to.
    pub fn has_id(self) -> bool {
        !matches!(self, RecordKind::Link | RecordKind::Referral)
    }

    /// The Neo4j label of the node a record of this kind becomes.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Account => "Account",
            RecordKind::Shop => "Shop",
            RecordKind::Link => "Identifier",
            RecordKind::Referral => "Account",
            RecordKind::Order => "Order",
            RecordKind::Payment => "Payment",
            RecordKind::Review => "Review",
            RecordKind::Complaint => "Complaint",
            RecordKind::ReviewEvent => "ReviewEvent",
            RecordKind::Message => "Message",
        }
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(Role { Buyer = "buyer", Seller = "seller", Staff = "staff" });
string_enum!(IdentifierKind { Device = "device", Ip = "ip", Phone = "phone", Address = "address", Card = "card" });
string_enum!(OrderStatus { Placed = "placed", Paid = "paid", Shipped = "shipped", Delivered = "delivered", Refunded = "refunded", Cancelled = "cancelled" });
string_enum!(PaymentChannel { Alipay = "alipay", Wechat = "wechat", Bank = "bank", Cash = "cash", Other = "other" });
string_enum!(ComplaintStatus { Pending = "pending", Upheld = "upheld", Rejected = "rejected" });
string_enum!(ReviewAction { Revised = "revised", Withdrawn = "withdrawn", Removed = "removed", Restored = "restored" });
string_enum!(MessageChannel { Im = "im", Phone = "phone", Sms = "sms", Other = "other" });

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub role: Role,
    pub name: Option<String>,
    pub registered_at: Option<Timestamp>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shop {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub category: Option<String>,
    pub opened_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub account_id: String,
    pub kind: IdentifierKind,
    pub value: String,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Referral {
    pub inviter_id: String,
    pub invitee_id: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: String,
    pub buyer_id: String,
    pub shop_id: String,
    pub amount: Money,
    pub placed_at: Timestamp,
    pub status: OrderStatus,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: String,
    pub from_id: String,
    pub to_id: String,
    pub amount: Money,
    pub paid_at: Timestamp,
    pub channel: Option<PaymentChannel>,
    pub order_id: Option<String>,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub id: String,
    pub order_id: String,
    pub author_id: String,
    pub shop_id: String,
    pub rating: i64,
    pub text: Option<String>,
    pub posted_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Complaint {
    pub id: String,
    pub review_id: String,
    pub filed_by_id: String,
    pub filed_at: Timestamp,
    pub status: ComplaintStatus,
    pub handled_by_id: Option<String>,
    pub resolved_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewEvent {
    pub id: String,
    pub review_id: String,
    pub action: ReviewAction,
    pub actor_id: String,
    pub at: Timestamp,
    pub new_rating: Option<i64>,
    pub complaint_id: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub from_id: String,
    pub to_id: String,
    pub sent_at: Timestamp,
    pub channel: Option<MessageChannel>,
    pub text: Option<String>,
}

/// One validated record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Account(Account),
    Shop(Shop),
    Link(Link),
    Referral(Referral),
    Order(Order),
    Payment(Payment),
    Review(Review),
    Complaint(Complaint),
    ReviewEvent(ReviewEvent),
    Message(Message),
}

/// A reference from one record to another: which field, which kind, which id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub field: &'static str,
    pub kind: RecordKind,
    pub id: &'a str,
}

impl Record {
    /// Validates one JSON object as a record of `kind`. Unknown fields are returned for
    /// the caller to warn about (once per field name); they are never an error.
    pub fn from_json(kind: RecordKind, value: Value) -> Result<(Record, Vec<String>), FieldError> {
        let Value::Object(map) = value else {
            return Err(FieldError::new("-", "each line must be a JSON object"));
        };
        let mut f = Fields::new(map);
        let record = match kind {
            RecordKind::Account => Record::Account(Account {
                id: f.id("id")?,
                role: f.req_enum("role", Role::parse, Role::ALL)?,
                name: f.opt_line("name", MAX_NAME)?,
                registered_at: f.opt_time("registeredAt")?,
                region: f.opt_line("region", MAX_NAME)?,
            }),
            RecordKind::Shop => Record::Shop(Shop {
                id: f.id("id")?,
                owner_id: f.id("ownerId")?,
                name: f.req_line("name", MAX_NAME)?,
                category: f.opt_line("category", MAX_NAME)?,
                opened_at: f.opt_time("openedAt")?,
            }),
            RecordKind::Link => {
                let link = Link {
                    account_id: f.id("accountId")?,
                    kind: f.req_enum("kind", IdentifierKind::parse, IdentifierKind::ALL)?,
                    value: f.req_line("value", MAX_VALUE)?,
                    first_seen: f.opt_time("firstSeen")?,
                    last_seen: f.opt_time("lastSeen")?,
                };
                if let (Some(a), Some(b)) = (link.first_seen, link.last_seen) {
                    if b < a {
                        return Err(FieldError::new("lastSeen", "is before firstSeen"));
                    }
                }
                Record::Link(link)
            }
            RecordKind::Referral => {
                let r = Referral {
                    inviter_id: f.id("inviterId")?,
                    invitee_id: f.id("inviteeId")?,
                    at: f.req_time("at")?,
                };
                if r.inviter_id == r.invitee_id {
                    return Err(FieldError::new(
                        "inviteeId",
                        "an account cannot invite itself",
                    ));
                }
                Record::Referral(r)
            }
            RecordKind::Order => Record::Order(Order {
                id: f.id("id")?,
                buyer_id: f.id("buyerId")?,
                shop_id: f.id("shopId")?,
                amount: f.money()?,
                placed_at: f.req_time("placedAt")?,
                status: f.req_enum("status", OrderStatus::parse, OrderStatus::ALL)?,
            }),
            RecordKind::Payment => Record::Payment(Payment {
                id: f.id("id")?,
                from_id: f.id("fromId")?,
                to_id: f.id("toId")?,
                amount: f.money()?,
                paid_at: f.req_time("paidAt")?,
                channel: f.opt_enum("channel", PaymentChannel::parse, PaymentChannel::ALL)?,
                order_id: f.opt_id("orderId")?,
                memo: f.opt_free("memo", MAX_NOTE)?,
            }),
            RecordKind::Review => Record::Review(Review {
                id: f.id("id")?,
                order_id: f.id("orderId")?,
                author_id: f.id("authorId")?,
                shop_id: f.id("shopId")?,
                rating: f.rating("rating")?,
                text: f.opt_free("text", MAX_TEXT)?,
                posted_at: f.req_time("postedAt")?,
            }),
            RecordKind::Complaint => Record::Complaint(Complaint {
                id: f.id("id")?,
                review_id: f.id("reviewId")?,
                filed_by_id: f.id("filedById")?,
                filed_at: f.req_time("filedAt")?,
                status: f.req_enum("status", ComplaintStatus::parse, ComplaintStatus::ALL)?,
                handled_by_id: f.opt_id("handledById")?,
                resolved_at: f.opt_time("resolvedAt")?,
            }),
            RecordKind::ReviewEvent => {
                let e = ReviewEvent {
                    id: f.id("id")?,
                    review_id: f.id("reviewId")?,
                    action: f.req_enum("action", ReviewAction::parse, ReviewAction::ALL)?,
                    actor_id: f.id("actorId")?,
                    at: f.req_time("at")?,
                    new_rating: f.opt_rating("newRating")?,
                    complaint_id: f.opt_id("complaintId")?,
                    reason: f.opt_free("reason", MAX_NOTE)?,
                };
                if e.action == ReviewAction::Revised && e.new_rating.is_none() {
                    return Err(FieldError::new(
                        "newRating",
                        "is required when action is \"revised\"",
                    ));
                }
                Record::ReviewEvent(e)
            }
            RecordKind::Message => Record::Message(Message {
                id: f.id("id")?,
                from_id: f.id("fromId")?,
                to_id: f.id("toId")?,
                sent_at: f.req_time("sentAt")?,
                channel: f.opt_enum("channel", MessageChannel::parse, MessageChannel::ALL)?,
                text: f.opt_free("text", MAX_TEXT)?,
            }),
        };
        Ok((record, f.unknown()))
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Account(_) => RecordKind::Account,
            Record::Shop(_) => RecordKind::Shop,
            Record::Link(_) => RecordKind::Link,
            Record::Referral(_) => RecordKind::Referral,
            Record::Order(_) => RecordKind::Order,
            Record::Payment(_) => RecordKind::Payment,
            Record::Review(_) => RecordKind::Review,
            Record::Complaint(_) => RecordKind::Complaint,
            Record::ReviewEvent(_) => RecordKind::ReviewEvent,
            Record::Message(_) => RecordKind::Message,
        }
    }

    /// The record's own id, for kinds that have one.
    pub fn id(&self) -> Option<&str> {
        Some(match self {
            Record::Account(r) => &r.id,
            Record::Shop(r) => &r.id,
            Record::Order(r) => &r.id,
            Record::Payment(r) => &r.id,
            Record::Review(r) => &r.id,
            Record::Complaint(r) => &r.id,
            Record::ReviewEvent(r) => &r.id,
            Record::Message(r) => &r.id,
            Record::Link(_) | Record::Referral(_) => return None,
        })
    }

    /// Every id this record points at, with the field that holds it.
    pub fn references(&self) -> Vec<Reference<'_>> {
        use RecordKind as K;
        fn r<'a>(field: &'static str, kind: RecordKind, id: &'a str) -> Reference<'a> {
            Reference { field, kind, id }
        }
        match self {
            Record::Account(_) => vec![],
            Record::Shop(s) => vec![r("ownerId", K::Account, &s.owner_id)],
            Record::Link(l) => vec![r("accountId", K::Account, &l.account_id)],
            Record::Referral(x) => vec![
                r("inviterId", K::Account, &x.inviter_id),
                r("inviteeId", K::Account, &x.invitee_id),
            ],
            Record::Order(o) => vec![
                r("buyerId", K::Account, &o.buyer_id),
                r("shopId", K::Shop, &o.shop_id),
            ],
            Record::Payment(p) => {
                let mut v = vec![
                    r("fromId", K::Account, &p.from_id),
                    r("toId", K::Account, &p.to_id),
                ];
                if let Some(o) = &p.order_id {
                    v.push(r("orderId", K::Order, o));
                }
                v
            }
            Record::Review(x) => vec![
                r("orderId", K::Order, &x.order_id),
                r("authorId", K::Account, &x.author_id),
                r("shopId", K::Shop, &x.shop_id),
            ],
            Record::Complaint(c) => {
                let mut v = vec![
                    r("reviewId", K::Review, &c.review_id),
                    r("filedById", K::Account, &c.filed_by_id),
                ];
                if let Some(h) = &c.handled_by_id {
                    v.push(r("handledById", K::Account, h));
                }
                v
            }
            Record::ReviewEvent(e) => {
                let mut v = vec![
                    r("reviewId", K::Review, &e.review_id),
                    r("actorId", K::Account, &e.actor_id),
                ];
                if let Some(c) = &e.complaint_id {
                    v.push(r("complaintId", K::Complaint, c));
                }
                v
            }
            Record::Message(m) => vec![
                r("fromId", K::Account, &m.from_id),
                r("toId", K::Account, &m.to_id),
            ],
        }
    }
}

/// Longest names, regions and categories, in characters.
pub const MAX_NAME: usize = 200;
/// Longest identifier value (device fingerprints, addresses).
pub const MAX_VALUE: usize = 512;
/// Longest memo or moderation reason.
pub const MAX_NOTE: usize = 2_000;
/// Longest review or message text.
pub const MAX_TEXT: usize = 20_000;

/// Refuses text an investigator could be misled by or a store choke on: longer than `max`
/// characters, control characters (NUL and the rest; line breaks and tabs only in free
/// text), and the Unicode bidirectional embedding, override and isolate controls, which can
/// make an id or a name display as something else ("Trojan Source").
fn check_text(name: &'static str, s: &str, max: usize, multiline: bool) -> Result<(), FieldError> {
    let chars = s.chars().count();
    if chars > max {
        return Err(FieldError::new(
            name,
            format!("is {chars} characters long; at most {max} are accepted"),
        ));
    }
    for (i, c) in s.chars().enumerate() {
        let allowed_space = multiline && matches!(c, '\n' | '\r' | '\t');
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && !allowed_space) || bidi {
            return Err(FieldError::new(
                name,
                format!(
                    "contains the control character U+{:04X} at character {}; remove it",
                    c as u32,
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// Field accessor that remembers which keys were read, so the rest are "unknown".
/// A record's JSON object, taken apart field by field: each field read is moved out (no copy
/// of its text), so the fields left at the end are the unknown ones.
struct Fields {
    map: Map<String, Value>,
}

impl Fields {
    fn new(map: Map<String, Value>) -> Self {
        Fields { map }
    }

    fn unknown(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    /// The value of `name`, treating JSON null as absent. Each field is read once.
    fn get(&mut self, name: &'static str) -> Option<Value> {
        self.map.remove(name).filter(|v| !v.is_null())
    }

    fn opt_str(&mut self, name: &'static str) -> Result<Option<String>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(FieldError::new(
                name,
                format!("must be a string, got {}", json_type(&other)),
            )),
        }
    }

    /// A one-line text of at most `max` characters (names, regions, identifier values).
    fn opt_line(&mut self, name: &'static str, max: usize) -> Result<Option<String>, FieldError> {
        let s = self.opt_str(name)?;
        if let Some(s) = &s {
            check_text(name, s, max, false)?;
        }
        Ok(s)
    }

    fn req_line(&mut self, name: &'static str, max: usize) -> Result<String, FieldError> {
        match self.opt_line(name, max)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(FieldError::new(name, "must not be empty")),
            None => Err(FieldError::new(name, "is required")),
        }
    }

    /// Free text written by people (reviews, messages, memos): line breaks and tabs allowed.
    fn opt_free(&mut self, name: &'static str, max: usize) -> Result<Option<String>, FieldError> {
        let s = self.opt_str(name)?;
        if let Some(s) = &s {
            check_text(name, s, max, true)?;
        }
        Ok(s)
    }

    fn opt_id(&mut self, name: &'static str) -> Result<Option<String>, FieldError> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) if s.is_empty() => Err(FieldError::new(name, "must be a non-empty id")),
            Some(s) if s.len() > MAX_ID_LEN => Err(FieldError::new(
                name,
                format!(
                    "is {} characters long; ids are at most {MAX_ID_LEN}",
                    s.len()
                ),
            )),
            Some(s) => {
                check_text(name, &s, MAX_ID_LEN, false)?;
                Ok(Some(s))
            }
        }
    }

    fn id(&mut self, name: &'static str) -> Result<String, FieldError> {
        self.opt_id(name)?
            .ok_or_else(|| FieldError::new(name, "is required"))
    }

    fn opt_time(&mut self, name: &'static str) -> Result<Option<Timestamp>, FieldError> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => Timestamp::parse(&s)
                .map(Some)
                .map_err(|e| FieldError::new(name, e.to_string())),
        }
    }

    fn req_time(&mut self, name: &'static str) -> Result<Timestamp, FieldError> {
        self.opt_time(name)?
            .ok_or_else(|| FieldError::new(name, "is required"))
    }

    fn opt_enum<T>(
        &mut self,
        name: &'static str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Result<Option<T>, FieldError> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).ok_or_else(|| {
                FieldError::new(
                    name,
                    format!(
                        "unknown value {s:?}; expected one of {}",
                        allowed.join(", ")
                    ),
                )
            }),
        }
    }

    fn req_enum<T>(
        &mut self,
        name: &'static str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Result<T, FieldError> {
        self.opt_enum(name, parse, allowed)?
            .ok_or_else(|| FieldError::new(name, "is required"))
    }

    fn opt_rating(&mut self, name: &'static str) -> Result<Option<i64>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(r @ 1..=5) => Ok(Some(r)),
                _ => Err(FieldError::new(
                    name,
                    format!("must be an integer from 1 to 5, got {n}"),
                )),
            },
            Some(other) => Err(FieldError::new(
                name,
                format!("must be an integer from 1 to 5, got {}", json_type(&other)),
            )),
        }
    }

    fn rating(&mut self, name: &'static str) -> Result<i64, FieldError> {
        self.opt_rating(name)?
            .ok_or_else(|| FieldError::new(name, "is required"))
    }

    /// `amount` (decimal string) with the optional `currency`.
    fn money(&mut self) -> Result<Money, FieldError> {
        let amount = match self.get("amount") {
            None => return Err(FieldError::new("amount", "is required")),
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(FieldError::new(
                    "amount",
                    format!(
                        "must be a decimal string such as \"600.00\", got {}",
                        json_type(&other)
                    ),
                ))
            }
        };
        let currency = self.opt_str("currency")?;
        Money::parse(&amount, currency.as_deref()).map_err(|e| {
            let field = if matches!(e, super::MoneyError::Currency(_)) {
                "currency"
            } else {
                "amount"
            };
            FieldError::new(field, e.to_string())
        })
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(kind: RecordKind, v: Value) -> FieldError {
        Record::from_json(kind, v).unwrap_err()
    }

    #[test]
    fn accepts_the_contract_examples() {
        let (r, unknown) = Record::from_json(
            RecordKind::Payment,
            json!({"id":"p-9","fromId":"a-tea-owner","toId":"a-du","amount":"600.00","currency":"CNY",
                   "paidAt":"2017-04-08T10:02:00+08:00","channel":"alipay","memo":"remove review","extra":1,
                   "orderId":null}),
        )
        .unwrap();
        let Record::Payment(p) = r else { panic!() };
        assert_eq!(p.amount.minor, 60_000);
        assert_eq!(p.order_id, None);
        assert_eq!(
            unknown,
            vec!["extra".to_string()],
            "a known field set to null is known"
        );
    }

    #[test]
    fn names_the_offending_field() {
        let review = json!({"id":"r","orderId":"o","authorId":"a","shopId":"s","rating":9,"postedAt":"2017-04-06T21:40:00+08:00"});
        assert_eq!(err(RecordKind::Review, review).field, "rating");
        let order = json!({"id":"o","buyerId":"a","shopId":"s","amount":"-5","placedAt":"2017-04-06T21:40:00+08:00","status":"paid"});
        let e = err(RecordKind::Order, order);
        assert_eq!(
            (e.field.as_str(), e.reason.contains("negative")),
            ("amount", true)
        );
        let account = json!({"id":"a","role":"admin"});
        assert!(err(RecordKind::Account, account)
            .reason
            .contains("buyer, seller, staff"));
        assert_eq!(
            err(RecordKind::Account, json!({"role":"buyer"})).field,
            "id"
        );
        assert_eq!(err(RecordKind::Account, json!([1])).field, "-");
        let long = "x".repeat(129);
        assert_eq!(
            err(RecordKind::Account, json!({"id": long, "role":"buyer"})).field,
            "id"
        );
        let event = json!({"id":"e","reviewId":"r","action":"revised","actorId":"a","at":"2017-04-06T21:40:00+08:00"});
        assert_eq!(err(RecordKind::ReviewEvent, event).field, "newRating");
        let msg = json!({"id":"m","fromId":"a","toId":"b","sentAt":"2017-04-06 21:40"});
        assert_eq!(err(RecordKind::Message, msg).field, "sentAt");
    }

    #[test]
    fn lists_references_with_their_fields() {
        let (r, _) = Record::from_json(
            RecordKind::ReviewEvent,
            json!({"id":"e","reviewId":"r","action":"removed","actorId":"st","at":"2017-04-06T21:40:00+08:00","complaintId":"c"}),
        )
        .unwrap();
        let fields: Vec<_> = r.references().iter().map(|x| (x.field, x.kind)).collect();
        assert_eq!(
            fields,
            vec![
                ("reviewId", RecordKind::Review),
                ("actorId", RecordKind::Account),
                ("complaintId", RecordKind::Complaint)
            ]
        );
    }
}
