//! The victim-side projection shared by ring detection and extortion incidents: shops and
//! their owners, negative reviews, private transfers sent by owners, messages received by
//! owners, and retractions (withdrawals, upward revisions) of negative reviews.
//!
//! Streamed with [`Graph::for_each_row`] into compact vectors keyed by interned account
//! numbers, so memory grows with the number of negative reviews and owner-side events, not
//! with the whole graph. Queries: `rings_shops`, `rings_negative_reviews`,
//! `rings_owner_transfers`, `rings_owner_contacts`, `rings_review_retractions`.

use super::DetectError;
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::collections::HashMap;

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

/// A private transfer (no order) from a shop owner.
#[derive(Debug, Clone)]
pub struct OwnerTransfer {
    pub payment_id: String,
    pub to: u32,
    pub amount: i64,
    pub currency: String,
    pub at: i64,
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
}

/// An incremental run's scope (`detect --since`, [`crate::detect::incremental`]): only these
/// shops' negative reviews, owner events and paid reviews are projected. Every shop is still
/// listed with its owner and category.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub shops: Vec<String>,
}

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

#[derive(Deserialize)]
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
    from_id: String,
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

/// Ratings at or below this are negative.
pub const NEGATIVE_MAX_RATING: i64 = 2;
/// A revision to at least this rating retracts a negative review.
pub const RETRACTED_MIN_RATING: i64 = 3;

impl VictimSide {
    /// Streams the projection from the graph.
    pub async fn load(graph: &Graph) -> Result<Self, DetectError> {
        Self::load_in(graph, None).await
    }

    /// Streams the projection of the shops in `scope` (None: all) from the graph.
    #[tracing::instrument(skip(graph, scope))]
    pub async fn load_in(graph: &Graph, scope: Option<&Scope>) -> Result<Self, DetectError> {
        let mut v = VictimSide {
            scope: scope.map(|s| std::sync::Arc::new(s.clone())),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        {
            let (accounts, shops, index) = (&mut v.accounts, &mut v.shops, &mut v.shop_index);
            graph
                .for_each_row(&q::RINGS_SHOPS, Params::new(), |r: ShopRow| {
                    let owner = accounts.intern(&r.owner_id);
                    index.insert(r.shop_id.clone(), shops.len() as u32);
                    shops.push(ShopInfo {
                        id: r.shop_id,
                        owner,
                        category: r.category,
                    });
                })
                .await?;
        }
        {
            let (accounts, index, negative) = (&mut v.accounts, &v.shop_index, &mut v.negative);
            let p = Params::new().with("maxRating", NEGATIVE_MAX_RATING);
            let (query, p) = Scope::pick(
                scope,
                &q::RINGS_NEGATIVE_REVIEWS,
                &q::RINGS_NEGATIVE_REVIEWS_IN,
                p,
            );
            graph
                .for_each_row(query, p, |r: ReviewRow| {
                    if let Some(&shop) = index.get(&r.shop_id) {
                        negative.push(NegativeReview {
                            id: r.review_id,
                            author: accounts.intern(&r.author_id),
                            shop,
                            rating: r.rating,
                            at: r.posted_at,
                        });
                    }
                })
                .await?;
        }
        {
            let (accounts, transfers) = (&mut v.accounts, &mut v.transfers);
            let (query, p) = Scope::pick(
                scope,
                &q::RINGS_OWNER_TRANSFERS,
                &q::RINGS_OWNER_TRANSFERS_IN,
                Params::new(),
            );
            graph
                .for_each_row(query, p, |r: TransferRow| {
                    let from = accounts.intern(&r.from_id);
                    let to = accounts.intern(&r.to_id);
                    transfers.entry(from).or_default().push(OwnerTransfer {
                        payment_id: r.payment_id,
                        to,
                        amount: r.amount,
                        currency: r.currency.unwrap_or_else(|| "CNY".into()),
                        at: r.at,
                    });
                })
                .await?;
        }
        {
            let (accounts, contacts) = (&mut v.accounts, &mut v.contacts);
            let (query, p) = Scope::pick(
                scope,
                &q::RINGS_OWNER_CONTACTS,
                &q::RINGS_OWNER_CONTACTS_IN,
                Params::new(),
            );
            graph
                .for_each_row(query, p, |r: ContactRow| {
                    let from = accounts.intern(&r.from_id);
                    let to = accounts.intern(&r.to_id);
                    contacts.entry(to).or_default().push(OwnerContact {
                        message_id: r.message_id,
                        from,
                        at: r.at,
                    });
                })
                .await?;
        }
        {
            let retractions = &mut v.retractions;
            let p = Params::new()
                .with("maxRating", NEGATIVE_MAX_RATING)
                .with("minNewRating", RETRACTED_MIN_RATING);
            let (query, p) = Scope::pick(
                scope,
                &q::RINGS_REVIEW_RETRACTIONS,
                &q::RINGS_REVIEW_RETRACTIONS_IN,
                p,
            );
            graph
                .for_each_row(query, p, |r: RetractionRow| {
                    retractions
                        .entry(r.review_id)
                        .or_default()
                        .push(Retraction {
                            event_id: r.event_id,
                            action: r.action,
                            at: r.at,
                            new_rating: r.new_rating,
                        });
                })
                .await?;
        }
        for list in v.transfers.values_mut() {
            list.sort_by_key(|t| t.at);
        }
        for list in v.contacts.values_mut() {
            list.sort_by_key(|c| c.at);
        }
        for list in v.retractions.values_mut() {
            list.sort_by_key(|r| r.at);
        }
        v.negative.sort_by_key(|r| r.at);
        tracing::info!(
            shops = v.shops.len(),
            negative_reviews = v.negative.len(),
            owners_paying = v.transfers.len(),
            owners_contacted = v.contacts.len(),
            millis = started.elapsed().as_millis() as u64,
            "victim-side projection loaded"
        );
        Ok(v)
    }

    pub fn owner_of(&self, review: &NegativeReview) -> u32 {
        self.shops[review.shop as usize].owner
    }

    /// Transfers from `owner` with `lo < at <= hi`.
    pub fn transfers_between(&self, owner: u32, lo: i64, hi: i64) -> &[OwnerTransfer] {
        window(self.transfers.get(&owner), lo, hi, |t| t.at)
    }

    /// Messages to `owner` with `lo < at <= hi`.
    pub fn contacts_between(&self, owner: u32, lo: i64, hi: i64) -> &[OwnerContact] {
        window(self.contacts.get(&owner), lo, hi, |c| c.at)
    }
}

fn window<T>(list: Option<&Vec<T>>, lo: i64, hi: i64, at: impl Fn(&T) -> i64) -> &[T] {
    let Some(list) = list else { return &[] };
    let start = list.partition_point(|x| at(x) <= lo);
    let end = list.partition_point(|x| at(x) <= hi);
    &list[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_half_open_on_the_left() {
        let v = vec![1i64, 2, 3, 5, 8];
        assert_eq!(window(Some(&v), 2, 5, |x| *x), &[3, 5]);
        assert_eq!(window(Some(&v), 8, 10, |x| *x), &[] as &[i64]);
        assert_eq!(window(None::<&Vec<i64>>, 0, 10, |x| *x), &[] as &[i64]);
    }
}
