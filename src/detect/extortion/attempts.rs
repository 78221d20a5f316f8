//! Extortion attempts: the merchants who refused. An incident needs the owner's payment; a
//! crew that panned a shop and demanded money from an owner who did not pay leaves only the
//! review and the contact, and the news reports say what often follows ("pay, or more bad
//! reviews come"). An attempt is read from the stored incidents of the last run, at query time:
//! a (reviewer, contact) pair of an incident — the same account when the reviewer talked
//! itself — pans another shop (≤ 2★), the contact messages that shop's owner within the
//! contact window after the review, and the owner pays neither of them privately within the
//! payment window after the contact. Shops that paid the pair are left out.
//!
//! Only known extortioners: an ordinary buyer complaining to a seller after a bad review looks
//! the same, so the pair must have extorted an owner before (an incident with a recorded
//! contact). The evidence names the review, the messages, the owner, the pair's incidents and
//! the pair's later negative reviews of the same shop (follow-ups). Query: `extortion_attempts`.
//!
//! Not seen: a refusal by a shop the pair reached only through a third account (a contact not
//! in one of its incidents), and an owner who paid through its household.

use super::{hours, time, IncidentParams};
use crate::detect::{DetectError, Evidence, EvidenceEdge};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Default)]
pub struct AttemptFilter {
    /// Confidence of the incidents that make a pair known extortioners.
    pub min_confidence: f64,
    pub shop_id: Option<String>,
    /// The reviewer or the contact.
    pub account_id: Option<String>,
}

/// One refused demand, with its evidence.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub review_id: String,
    pub shop_id: String,
    pub owner_id: String,
    pub reviewer_id: String,
    pub contact_id: String,
    pub rating: i64,
    pub reviewed_at: i64,
    pub contacted_at: i64,
    /// The contact's messages to the owner within the window, oldest first.
    pub messages: Vec<Timed>,
    /// The pair's incidents of the last run (why it counts as a known extortioner).
    pub incidents: Vec<String>,
    /// The pair's later negative reviews of the same shop, oldest first.
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Timed {
    pub id: String,
    pub at: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    pub id: String,
    pub author_id: String,
    pub at: i64,
    pub rating: i64,
}

impl Attempt {
    /// Stable across requests and runs: one attempt per review and contact.
    pub fn id(&self) -> String {
        format!("attempt-{}-{}", self.review_id, self.contact_id)
    }

    pub fn reasons(&self) -> Vec<String> {
        let ids = |v: Vec<&str>| v.join(", ");
        let mut out = vec![
            format!(
                "{} posted a {}-star review {} on shop {} (owner {}) at {}.",
                self.reviewer_id,
                self.rating,
                self.review_id,
                self.shop_id,
                self.owner_id,
                time(self.reviewed_at)
            ),
            format!(
                "{} messaged {} at {}, {} after the review (message {}).",
                self.contact_id,
                self.owner_id,
                time(self.contacted_at),
                hours(self.contacted_at - self.reviewed_at),
                ids(self.messages.iter().map(|m| m.id.as_str()).collect())
            ),
            format!(
                "{} and {} extorted before: incident {}.",
                self.reviewer_id,
                self.contact_id,
                ids(self.incidents.iter().map(String::as_str).collect())
            ),
            format!(
                "Refused: {} paid neither of them privately within the payment window after the contact.",
                self.owner_id
            ),
        ];
        if !self.follow_ups.is_empty() {
            out.push(format!(
                "More negative reviews of {} by the pair after the contact: {}.",
                self.shop_id,
                ids(self.follow_ups.iter().map(|f| f.id.as_str()).collect())
            ));
        }
        out
    }

    pub fn evidence(&self) -> Evidence {
        let mut e = Evidence::default();
        e.node(&self.reviewer_id, "Account", Some("reviewer".into()));
        e.node(&self.contact_id, "Account", Some("contact".into()));
        e.node(&self.owner_id, "Account", Some("refusing owner".into()));
        e.node(&self.shop_id, "Shop", Some("target".into()));
        e.edge(EvidenceEdge::new(&self.owner_id, &self.shop_id, "OWNS"));
        let reviews = std::iter::once((
            &self.reviewer_id,
            &self.review_id,
            self.reviewed_at,
            self.rating,
            "review",
        ))
        .chain(
            self.follow_ups
                .iter()
                .map(|f| (&f.author_id, &f.id, f.at, f.rating, "follow-up")),
        );
        for (author, review, at, rating, what) in reviews {
            e.node(review, "Review", Some(format!("{what}, rating {rating}")));
            e.edge(EvidenceEdge::new(author.as_str(), review.as_str(), "WROTE").at(at));
            e.edge(EvidenceEdge::new(review.as_str(), &self.shop_id, "ABOUT"));
        }
        for m in &self.messages {
            e.node(&m.id, "Message", None);
            e.edge(
                EvidenceEdge::new(&self.contact_id, &self.owner_id, "MESSAGED")
                    .record(m.id.clone())
                    .at(m.at),
            );
        }
        for i in &self.incidents {
            e.node(i, "Incident", Some("the pair's earlier incident".into()));
        }
        for r in self.reasons() {
            e.reason(r);
        }
        e
    }
}

/// A page of attempts, newest review first.
pub async fn list(
    graph: &Graph,
    filter: &AttemptFilter,
    slice: Slice,
) -> Result<Vec<Attempt>, DetectError> {
    let windows = IncidentParams::default();
    let p = Params::new()
        .with("minConfidence", filter.min_confidence)
        .with("shopId", filter.shop_id.clone())
        .with("accountId", filter.account_id.clone())
        .with("contactWindowMs", windows.contact_window_ms)
        .with("payWindowMs", windows.pay_after_contact_ms)
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    Ok(graph.rows(&q::EXTORTION_ATTEMPTS, p, LIMIT).await?)
}
