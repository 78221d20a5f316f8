//! The victim-side projection shared by ring detection and extortion incidents: shops and
//! their owners, negative reviews, private transfers sent by owners or on their behalf by
//! their households (an account owning no shop that shares a rare device, address, phone or
//! card with the owner: a relative, the shop's second seller account), messages received by
//! owners, and retractions (withdrawals, upward revisions) of negative reviews.
//!
//! Loaded once per detection run and shared by both detectors. The five queries stream
//! concurrently ([`Graph::for_each_row`]), and their rows go into compact vectors keyed by
//! interned account numbers, so memory grows with the number of negative reviews and
//! owner-side events, not with the whole graph. Candidates refer to an owner's transfers
//! and messages by position rather than copying them. Queries: `rings_shops`,
//! `rings_negative_reviews`, `rings_owner_transfers`, `rings_owner_contacts`,
//! `rings_review_retractions`.

use super::DetectError;
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Interned account ids: detectors work on `u32` numbers and name accounts only in output.
#[derive(Debug, Default)]
pub struct Interner {
    ids: Vec<String>,
    map: HashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.map.get(id) {
            return n;
        }
        let n = self.ids.len() as u32;
        self.ids.push(id.to_string());
        self.map.insert(id.to_string(), n);
        n
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.map.get(id).copied()
    }

    pub fn name(&self, n: u32) -> &str {
        &self.ids[n as usize]
    }
}

#[derive(Debug, Clone)]
pub struct ShopInfo {
    pub id: String,
    pub owner: u32,
    pub category: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NegativeReview {
    pub id: String,
    pub author: u32,
    /// Index into [`VictimSide::shops`].
    pub shop: u32,
    pub rating: i64,
    pub at: i64,
}

/// A private transfer (no order) from a shop owner, or from its household on its behalf.
#[derive(Debug, Clone)]
pub struct OwnerTransfer {
    pub payment_id: String,
    pub to: u32,
    pub amount: i64,
    pub currency: String,
    pub at: i64,
    /// Set when a member of the owner's household sent it (None: the owner did).
    pub household: Option<Box<Household>>,
}

/// The household member who paid for an owner, and the identifier they share.
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub payer: u32,
    /// `device`, `address`, `phone` or `card` ([`HOUSEHOLD_KINDS`]).
    pub kind: String,
    pub key: String,
    /// How many accounts use the identifier.
    pub accounts: i64,
}

impl OwnerTransfer {
    /// The account the money left: the owner, or its household member.
    pub fn payer(&self, owner: u32) -> u32 {
        self.household.as_ref().map_or(owner, |h| h.payer)
    }
}

/// A message to a shop owner.
#[derive(Debug, Clone)]
pub struct OwnerContact {
    pub message_id: String,
    pub from: u32,
    pub at: i64,
}

/// A withdrawal or upward revision of a negative review by its author.
#[derive(Debug, Clone)]
pub struct Retraction {
    pub event_id: String,
    pub action: String,
    pub at: i64,
    pub new_rating: Option<i64>,
}

#[derive(Debug, Default)]
pub struct VictimSide {
    pub accounts: Interner,
    pub shops: Vec<ShopInfo>,
    pub shop_index: HashMap<String, u32>,
    pub negative: Vec<NegativeReview>,
    /// Owner → transfers sent, oldest first.
    pub transfers: HashMap<u32, Vec<OwnerTransfer>>,
    /// Owner → messages received, oldest first.
    pub contacts: HashMap<u32, Vec<OwnerContact>>,
    /// Review id → retractions by its author, oldest first.
    pub retractions: HashMap<String, Vec<Retraction>>,
    /// The shops an incremental run recomputes (None: every shop); see [`Scope`].
    pub scope: Option<std::sync::Arc<Scope>>,
    /// (author, owner) of every negative review: fellow critics of an owner's shops.
    pub critics: HashSet<(u32, u32)>,
    /// Every shop owner (of the whole listing, in a scoped run too).
    pub owners: HashSet<u32>,
}

/// An incremental run's scope (`detect --since`, [`crate::detect::incremental`]): only these
/// shops' negative reviews, owner events and paid reviews are projected. Every shop is still
/// listed with its owner and category (a ring's funding walk asks whether a payer sells).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub shops: Vec<String>,
    /// That listing, read by the first projection of a run and reused by the others whose
    /// scopes share it (a second read of every shop cost about a second at 1M accounts).
    pub listing: ShopListing,
}

/// Every shop with its owner and category, read once and shared by clones.
#[derive(Debug, Clone, Default)]
pub struct ShopListing(std::sync::Arc<std::sync::OnceLock<Vec<ShopRow>>>);

impl Scope {
    /// The query to use and its parameters: the scoped variant with `$shops`, or the whole one.
    pub fn pick<'a>(
        scope: Option<&Scope>,
        whole: &'a crate::graph::Cypher<'static>,
        scoped: &'a crate::graph::Cypher<'static>,
        p: Params,
    ) -> (&'a crate::graph::Cypher<'static>, Params) {
        match scope {
            None => (whole, p),
            Some(s) => (scoped, p.with("shops", s.shops.clone())),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShopRow {
    shop_id: String,
    owner_id: String,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewRow {
    review_id: String,
    author_id: String,
    shop_id: String,
    rating: i64,
    posted_at: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferRow {
    payment_id: String,
    /// The owner the transfer is attributed to.
    from_id: String,
    payer_id: Option<String>,
    via_kind: Option<String>,
    via_key: Option<String>,
    via_accounts: Option<i64>,
    to_id: String,
    amount: i64,
    currency: Option<String>,
    at: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactRow {
    message_id: String,
    from_id: String,
    to_id: String,
    at: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetractionRow {
    event_id: String,
    review_id: String,
    action: String,
    at: i64,
    new_rating: Option<i64>,
}

// An owner's household: an account owning no shop that shares a rare identifier of one of
// these kinds with the owner may pay on the owner's behalf (IPs are too coarse).
use super::ties::HOUSEHOLD_KINDS;

/// `params` with what the owner-household patterns of the queries need: `$householdKinds`
/// and `$maxShare` (the rare-identifier bound).
pub fn household_params(params: Params) -> Params {
    params
        .with(
            "householdKinds",
            HOUSEHOLD_KINDS
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>(),
        )
        .with(
            "maxShare",
            crate::detect::thresholds::current().rare_identifier_max_accounts,
        )
}

/// Ratings at or below this are negative.
pub const NEGATIVE_MAX_RATING: i64 = 2;
/// A revision to at least this rating retracts a negative review.
pub const RETRACTED_MIN_RATING: i64 = 3;

impl VictimSide {
    /// Streams the projection from the graph.
    pub async fn load(graph: &Graph) -> Result<Self, DetectError> {
        Self::load_in(graph, None).await
    }

    /// Streams the projection of the shops in `scope` (None: all) from the graph. The five
    /// queries run concurrently (Neo4j works on them in parallel); their rows are then
    /// applied in one fixed order (shops, reviews, transfers, contacts, retractions) so
    /// accounts are numbered as if streamed one query after another.
    #[tracing::instrument(skip(graph, scope))]
    pub async fn load_in(graph: &Graph, scope: Option<&Scope>) -> Result<Self, DetectError> {
        let started = std::time::Instant::now();
        let (mut shops, mut reviews, mut transfers, mut contacts, mut retractions) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let negative = Params::new().with("maxRating", NEGATIVE_MAX_RATING);
        let retracted = Params::new()
            .with("maxRating", NEGATIVE_MAX_RATING)
            .with("minNewRating", RETRACTED_MIN_RATING);
        let (reviews_q, negative) = Scope::pick(
            scope,
            &q::RINGS_NEGATIVE_REVIEWS,
            &q::RINGS_NEGATIVE_REVIEWS_IN,
            negative,
        );
        let (transfers_q, transfers_p) = Scope::pick(
            scope,
            &q::RINGS_OWNER_TRANSFERS,
            &q::RINGS_OWNER_TRANSFERS_IN,
            household_params(Params::new()),
        );
        let (contacts_q, contacts_p) = Scope::pick(
            scope,
            &q::RINGS_OWNER_CONTACTS,
            &q::RINGS_OWNER_CONTACTS_IN,
            Params::new(),
        );
        let (retractions_q, retracted) = Scope::pick(
            scope,
            &q::RINGS_REVIEW_RETRACTIONS,
            &q::RINGS_REVIEW_RETRACTIONS_IN,
            retracted,
        );
        let listed = scope.and_then(|s| s.listing.0.get());
        let (a, b, c, d, e) = tokio::join!(
            async {
                if listed.is_some() {
                    return Ok(0);
                }
                timed(
                    "shops",
                    graph.for_each_row(&q::RINGS_SHOPS, Params::new(), |r: ShopRow| shops.push(r)),
                )
                .await
            },
            timed(
                "negative reviews",
                graph.for_each_row(reviews_q, negative, |r: ReviewRow| { reviews.push(r) })
            ),
            timed(
                "owner transfers",
                graph.for_each_row(transfers_q, transfers_p, |r: TransferRow| {
                    transfers.push(r)
                })
            ),
            timed(
                "owner contacts",
                graph.for_each_row(contacts_q, contacts_p, |r: ContactRow| { contacts.push(r) })
            ),
            timed(
                "review retractions",
                graph.for_each_row(retractions_q, retracted, |r: RetractionRow| {
                    retractions.push(r)
                })
            ),
        );
        a?;
        b?;
        c?;
        d?;
        e?;
        let mut v = VictimSide {
            scope: scope.map(|s| std::sync::Arc::new(s.clone())),
            ..Default::default()
        };
        let read;
        let shops: &[ShopRow] = match (listed, scope) {
            (Some(l), _) => l,
            (None, Some(s)) => s.listing.0.get_or_init(|| shops),
            (None, None) => {
                read = shops;
                &read
            }
        };
        for r in shops {
            let owner = v.accounts.intern(&r.owner_id);
            v.owners.insert(owner);
            v.shop_index.insert(r.shop_id.clone(), v.shops.len() as u32);
            v.shops.push(ShopInfo {
                id: r.shop_id.clone(),
                owner,
                category: r.category.clone(),
            });
        }
        for r in reviews {
            if let Some(&shop) = v.shop_index.get(&r.shop_id) {
                v.negative.push(NegativeReview {
                    id: r.review_id,
                    author: v.accounts.intern(&r.author_id),
                    shop,
                    rating: r.rating,
                    at: r.posted_at,
                });
            }
        }
        for r in transfers {
            let from = v.accounts.intern(&r.from_id);
            let to = v.accounts.intern(&r.to_id);
            let household = match (r.payer_id, r.via_kind, r.via_key) {
                (Some(payer), Some(kind), Some(key)) => Some(Box::new(Household {
                    payer: v.accounts.intern(&payer),
                    kind,
                    key,
                    accounts: r.via_accounts.unwrap_or(2),
                })),
                _ => None,
            };
            v.transfers.entry(from).or_default().push(OwnerTransfer {
                payment_id: r.payment_id,
                to,
                amount: r.amount,
                currency: r.currency.unwrap_or_else(|| "CNY".into()),
                at: r.at,
                household,
            });
        }
        for r in contacts {
            let from = v.accounts.intern(&r.from_id);
            let to = v.accounts.intern(&r.to_id);
            v.contacts.entry(to).or_default().push(OwnerContact {
                message_id: r.message_id,
                from,
                at: r.at,
            });
        }
        for r in retractions {
            v.retractions
                .entry(r.review_id)
                .or_default()
                .push(Retraction {
                    event_id: r.event_id,
                    action: r.action,
                    at: r.at,
                    new_rating: r.new_rating,
                });
        }
        // time order, ids breaking ties: the projection must not depend on the order a query
        // plan happens to stream rows in
        for list in v.transfers.values_mut() {
            list.sort_by(|a, b| {
                a.at.cmp(&b.at)
                    .then_with(|| a.payment_id.cmp(&b.payment_id))
            });
        }
        for list in v.contacts.values_mut() {
            list.sort_by(|a, b| {
                a.at.cmp(&b.at)
                    .then_with(|| a.message_id.cmp(&b.message_id))
            });
        }
        for list in v.retractions.values_mut() {
            list.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.event_id.cmp(&b.event_id)));
        }
        v.negative
            .sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        v.critics = v
            .negative
            .iter()
            .map(|r| (r.author, v.owner_of(r)))
            .collect();
        tracing::info!(
            shops = v.shops.len(),
            negative_reviews = v.negative.len(),
            owners_paying = v.transfers.len(),
            owners_contacted = v.contacts.len(),
            millis = started.elapsed().as_millis() as u64,
            peak_rss_mib = crate::detect::peak_rss_mib(),
            "victim-side projection loaded"
        );
        Ok(v)
    }

    /// Whether `account` owns a shop.
    pub fn is_owner(&self, account: u32) -> bool {
        self.owners.contains(&account)
    }

    pub fn owner_of(&self, review: &NegativeReview) -> u32 {
        self.shops[review.shop as usize].owner
    }

    /// The messages owner received, oldest first (see [`Self::contacts`]).
    pub fn contacts_of(&self, owner: u32) -> &[OwnerContact] {
        self.contacts.get(&owner).map_or(&[], Vec::as_slice)
    }

    /// Positions in [`Self::contacts_of`] of the messages with lo < at <= hi.
    pub fn contacts_range(&self, owner: u32, lo: i64, hi: i64) -> Range<usize> {
        window_range(self.contacts_of(owner), lo, hi, |c| c.at)
    }

    /// The private transfers owner sent, oldest first.
    pub fn transfers_of(&self, owner: u32) -> &[OwnerTransfer] {
        self.transfers.get(&owner).map_or(&[], Vec::as_slice)
    }

    /// Positions in [`Self::transfers_of`] of the transfers with lo < at <= hi.
    pub fn transfers_range(&self, owner: u32, lo: i64, hi: i64) -> Range<usize> {
        window_range(self.transfers_of(owner), lo, hi, |t| t.at)
    }

    /// Whether `account` wrote a negative review of one of `owner`'s shops.
    pub fn is_critic(&self, account: u32, owner: u32) -> bool {
        self.critics.contains(&(account, owner))
    }
}

/// Awaits one projection query and logs how long it took and how many rows it streamed.
async fn timed(
    what: &'static str,
    query: impl std::future::Future<Output = Result<u64, crate::graph::GraphError>>,
) -> Result<u64, DetectError> {
    let started = std::time::Instant::now();
    // boxed: five of these are joined, and a driver query's future is large enough for five
    // on the stack to overflow a test thread's stack in a debug build
    let rows = Box::pin(query).await?;
    tracing::debug!(
        what,
        rows,
        millis = started.elapsed().as_millis() as u64,
        "victim-side query"
    );
    Ok(rows)
}

/// Positions of the items of a time-sorted list with lo < at <= hi.
fn window_range<T>(list: &[T], lo: i64, hi: i64, at: impl Fn(&T) -> i64) -> Range<usize> {
    let start = list.partition_point(|x| at(x) <= lo);
    let end = list.partition_point(|x| at(x) <= hi);
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_half_open_on_the_left() {
        let v = vec![1i64, 2, 3, 5, 8];
        assert_eq!(&v[window_range(&v, 2, 5, |x| *x)], &[3, 5]);
        assert!(window_range(&v, 8, 10, |x| *x).is_empty());
        // an owner with no messages or transfers has an empty window
        let side = VictimSide::default();
        assert!(side.contacts_range(7, 0, 10).is_empty());
        assert!(side.transfers_range(7, 0, 10).is_empty());
    }
}
