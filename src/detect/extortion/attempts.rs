//! Extortion attempts: the merchants who refused. An incident needs the owner's payment; a
//! crew that panned a shop and demanded money from an owner who did not pay leaves only the
//! review and the contact, and the news reports say what often follows ("pay, or more bad
//! reviews come"). An attempt is read from the stored incidents of the last run, at query time:
//! a pair of known extortioners — the reviewer and the contact of one incident (the same
//! account when the reviewer talked itself), or a reviewer and a contact of incidents who are
//! members of one stored ring — pans another shop (≤ 2★), the contact messages that shop's
//! owner within the contact window after the review, and the owner pays neither of them
//! privately within the payment window after the contact. Shops that paid them are left out.
//!
//! Only known extortioners: an ordinary buyer complaining to a seller after a bad review looks
//! the same, so the pair must have extorted an owner before (an incident with a recorded
//! contact). The evidence names the review, the messages, the owner, the pair's incidents and
//! the pair's later negative reviews of the same shop (follow-ups). Query: `extortion_attempts`.
//!
//! Not seen: a refusal by a shop the crew reached through an account that was never a contact
//! of its incidents, and an owner who paid through its household.

use super::{hours, time, IncidentParams};
use crate::detect::{DetectError, Evidence, EvidenceEdge};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, Params, Row};
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
    /// The stored ring holding both, when they are not the pair of one incident.
    pub ring: Option<String>,
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
            match &self.ring {
                None if self.reviewer_id == self.contact_id => format!(
                    "{} extorted before, talking to the owner itself: incident {}.",
                    self.reviewer_id,
                    ids(self.incidents.iter().map(String::as_str).collect())
                ),
                None => format!(
                    "{} and {} extorted before: incident {}.",
                    self.reviewer_id,
                    self.contact_id,
                    ids(self.incidents.iter().map(String::as_str).collect())
                ),
                Some(ring) => format!(
                    "{} and {} are members of ring {ring} and extorted before: incident {}.",
                    self.reviewer_id,
                    self.contact_id,
                    ids(self.incidents.iter().map(String::as_str).collect())
                ),
            },
            format!(
                "Refused: {} made no private payment to {} within {} days after the contact.",
                self.owner_id,
                if self.reviewer_id == self.contact_id {
                    self.reviewer_id.clone()
                } else {
                    format!("{} or {}", self.reviewer_id, self.contact_id)
                },
                IncidentParams::default().pay_after_contact_ms / 86_400_000
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
        if let Some(ring) = &self.ring {
            e.node(ring, "Ring", Some("holds both".into()));
        }
        for r in self.reasons() {
            e.reason(r);
        }
        e
    }
}

/// An incident of the last run that makes its reviewer and contact known extortioners.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Known {
    pub run_id: String,
    pub id: String,
    pub shop_id: String,
    pub reviewer_id: String,
    pub contact_id: String,
    #[serde(default)]
    pub reviewer_rings: Vec<String>,
    #[serde(default)]
    pub contact_rings: Vec<String>,
}

/// A pair whose demands are searched for refusals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pair {
    pub reviewer_id: String,
    pub contact_id: String,
    /// Incidents with this reviewer or this contact.
    pub incidents: Vec<String>,
    /// Shops those incidents were about: they paid.
    pub paid_shops: Vec<String>,
    /// The ring holding both, when no incident pairs them.
    pub ring: Option<String>,
}

/// The pairs of one incident, and a reviewer and a contact of incidents in one stored ring;
/// only those with `account` (reviewer or contact) when given.
pub(crate) fn pairs_of(known: &[Known], account: Option<&str>) -> Vec<Pair> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut pairs: BTreeMap<(&str, &str), Option<&str>> = BTreeMap::new();
    for k in known {
        pairs.insert((&k.reviewer_id, &k.contact_id), None);
    }
    let mut by_ring: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for k in known {
        for g in &k.reviewer_rings {
            by_ring.entry(g).or_default().0.insert(&k.reviewer_id);
        }
        for g in &k.contact_rings {
            by_ring.entry(g).or_default().1.insert(&k.contact_id);
        }
    }
    for (ring, (reviewers, contacts)) in &by_ring {
        for r in reviewers {
            for c in contacts {
                pairs.entry((r, c)).or_insert(Some(ring));
            }
        }
    }
    pairs
        .into_iter()
        .filter(|((r, c), _)| account.is_none_or(|a| a == *r || a == *c))
        .map(|((r, c), ring)| {
            let theirs: Vec<&Known> = known
                .iter()
                .filter(|k| k.reviewer_id == r || k.contact_id == c)
                .collect();
            let mut incidents: Vec<String> = theirs.iter().map(|k| k.id.clone()).collect();
            let mut paid_shops: Vec<String> = theirs.iter().map(|k| k.shop_id.clone()).collect();
            incidents.sort();
            incidents.dedup();
            paid_shops.sort();
            paid_shops.dedup();
            Pair {
                reviewer_id: r.to_string(),
                contact_id: c.to_string(),
                incidents,
                paid_shops,
                ring: ring.map(str::to_string),
            }
        })
        .collect()
}

/// A page of attempts, newest review first.
pub async fn list(
    graph: &Graph,
    filter: &AttemptFilter,
    slice: Slice,
) -> Result<Vec<Attempt>, DetectError> {
    let known: Vec<Known> = graph
        .rows(
            &q::EXTORTION_ATTEMPT_PAIRS,
            Params::new().with("minConfidence", filter.min_confidence),
            LIMIT,
        )
        .await?;
    let Some(run_id) = known.first().map(|k| k.run_id.clone()) else {
        return Ok(Vec::new());
    };
    let pairs: Vec<Row> = pairs_of(&known, filter.account_id.as_deref())
        .into_iter()
        .map(|p| {
            Row::new()
                .set("reviewerId", p.reviewer_id)
                .set("contactId", p.contact_id)
                .set("incidents", p.incidents)
                .set("paidShops", p.paid_shops)
                .set("ring", p.ring)
        })
        .collect();
    let windows = IncidentParams::default();
    let p = Params::new()
        .with_rows("pairs", pairs)
        .with("runId", run_id)
        .with("shopId", filter.shop_id.clone())
        .with("contactWindowMs", windows.contact_window_ms)
        .with("payWindowMs", windows.pay_after_contact_ms)
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    Ok(graph.rows(&q::EXTORTION_ATTEMPTS, p, LIMIT).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str, r: &str, c: &str, rings: &[&str]) -> Known {
        Known {
            run_id: "run".into(),
            id: id.into(),
            shop_id: format!("shop-{id}"),
            reviewer_id: r.into(),
            contact_id: c.into(),
            reviewer_rings: rings.iter().map(|s| s.to_string()).collect(),
            contact_rings: rings.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn attempt(reviewer: &str, contact: &str) -> Attempt {
        Attempt {
            review_id: "r1".into(),
            shop_id: "s1".into(),
            owner_id: "own".into(),
            reviewer_id: reviewer.into(),
            contact_id: contact.into(),
            rating: 1,
            reviewed_at: 0,
            contacted_at: 3_600_000,
            messages: vec![Timed {
                id: "m1".into(),
                at: 3_600_000,
            }],
            incidents: vec!["i1".into()],
            ring: None,
            follow_ups: Vec::new(),
        }
    }

    #[test]
    fn reasons_name_who_talked_and_what_the_owner_did_not_pay() {
        let own = attempt("op", "op").reasons();
        assert!(
            own[2].contains("op extorted before, talking to the owner itself"),
            "{own:?}"
        );
        assert!(
            own[3].contains("no private payment to op within 7 days"),
            "{own:?}"
        );
        let pair = attempt("op", "org").reasons();
        assert!(pair[2].contains("op and org extorted before"), "{pair:?}");
        assert!(pair[3].contains("to op or org"), "{pair:?}");
        let e = attempt("op", "org").evidence();
        assert!(e
            .edges
            .iter()
            .any(|x| x.kind == "MESSAGED" && x.record_id.as_deref() == Some("m1")));
    }

    #[test]
    fn pairs_are_an_incidents_own_and_a_rings_reviewers_with_its_contacts() {
        let k = vec![
            known("i1", "op", "org", &["g1"]),
            known("i2", "rec", "op", &["g1"]),
            known("i3", "lone", "lone", &[]),
        ];
        let pairs = pairs_of(&k, None);
        let names: Vec<(&str, &str, Option<&str>)> = pairs
            .iter()
            .map(|p| {
                (
                    p.reviewer_id.as_str(),
                    p.contact_id.as_str(),
                    p.ring.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("lone", "lone", None),
                ("op", "op", Some("g1")),
                ("op", "org", None),
                ("rec", "op", None),
                ("rec", "org", Some("g1")),
            ]
        );
        let rec_org = &pairs[4];
        assert_eq!(rec_org.incidents, vec!["i1", "i2"]);
        assert_eq!(rec_org.paid_shops, vec!["shop-i1", "shop-i2"]);
        // the account filter keeps the pairs it is in
        assert_eq!(pairs_of(&k, Some("lone")).len(), 1);
        assert!(pairs_of(&k, Some("nobody")).is_empty());
    }
}
