//! Paid panning: one account privately pays several others shortly before or after each of
//! them posted a negative or neutral review on shops of one category — hired reviewers paid
//! per review or up front
//! (agents "rate their buying experiences as negative or neutral", as the Hangzhou police put
//! it, so a 3-star review counts here). This finds a
//! campaign even when its operatives share too few targets to pan in lockstep (each farm or
//! operative takes its own rivals, one review each). Query: `rings_paid_reviewers`.
//!
//! **Paid on completion.** A crew is often paid once the job is done: one payer pays several
//! authors of negative reviews of one shop within a few days (a payroll), up to a month after
//! a campaign that itself took weeks. Such a payment counts for every review of that shop the
//! author posted in the month before it ([`PaidRules::payroll_after_ms`]), even past the
//! per-review window; a single late payment does not.
//!
//! **Known false positives.** A shop owner paying the author of a review of its own shop is
//! excluded (hush money or goodwill, left to the extortion signals). Friends repaying each
//! other rarely pan shops of one category in the same fortnight; a group needs
//! [`PaidRules::min_reviewers`] distinct reviewers in one category.

use crate::detect::money::Transfer;
use crate::detect::victim::VictimSide;
use crate::detect::DetectError;
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 24 * 3600 * 1000;

/// Reviews rated at most this pan a shop when they are paid for.
pub const PANNING_MAX_RATING: i64 = 3;

/// Limits of paid panning.
#[derive(Debug, Clone, Copy)]
pub struct PaidRules {
    /// The pay comes at most this long before or after the review.
    pub window_ms: i64,
    /// Distinct paid reviewers of one category a payer needs.
    pub min_reviewers: usize,
    /// A payroll pays for reviews of its shop posted at most this long before it.
    pub payroll_after_ms: i64,
    /// A payroll: payments of one payer to `min_reviewers` authors of one shop's negative
    /// reviews, all within this span.
    pub payroll_span_ms: i64,
}

impl Default for PaidRules {
    fn default() -> Self {
        PaidRules {
            window_ms: 14 * DAY,
            min_reviewers: 3,
            payroll_after_ms: 30 * DAY,
            payroll_span_ms: 3 * DAY,
        }
    }
}

/// A negative or neutral review and the payment its author received after it.
#[derive(Debug, Clone)]
pub struct PaidReview {
    pub review_id: String,
    /// Index into [`VictimSide::shops`].
    pub shop: u32,
    pub rating: i64,
    pub at: i64,
    pub payment: Transfer<u32>,
}

/// A payer of at least `min_reviewers` authors of negative reviews on shops of one category.
#[derive(Debug, Clone)]
pub struct PaidPanning {
    pub payer: u32,
    pub category: String,
    pub paid: Vec<PaidReview>,
}

impl PaidPanning {
    pub fn reviewers(&self) -> BTreeSet<u32> {
        self.paid.iter().map(|p| p.payment.to).collect()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    payer_id: String,
    author_id: String,
    review_id: String,
    shop_id: String,
    rating: i64,
    posted_at: i64,
    payment_id: String,
    amount: i64,
    currency: Option<String>,
    at: i64,
}

/// Streams the paid reviews and groups them by payer and category.
pub async fn find(
    graph: &Graph,
    v: &mut VictimSide,
    rules: PaidRules,
) -> Result<Vec<PaidPanning>, DetectError> {
    let mut found: Vec<PaidReview> = Vec::new();
    {
        let (accounts, index) = (&mut v.accounts, &v.shop_index);
        let p = Params::new()
            .with("maxRating", PANNING_MAX_RATING)
            .with(
                "floor",
                crate::detect::thresholds::current().commerce_floor_minor,
            )
            .with("window", rules.window_ms)
            .with("after", rules.window_ms.max(rules.payroll_after_ms));
        let (query, p) = crate::detect::victim::Scope::pick(
            v.scope.as_deref(),
            &q::RINGS_PAID_REVIEWERS,
            &q::RINGS_PAID_REVIEWERS_IN,
            p,
        );
        graph
            .for_each_row(query, p, |r: Row| {
                if let Some(&shop) = index.get(&r.shop_id) {
                    found.push(PaidReview {
                        review_id: r.review_id,
                        shop,
                        rating: r.rating,
                        at: r.posted_at,
                        payment: Transfer {
                            payment_id: r.payment_id,
                            from: accounts.intern(&r.payer_id),
                            to: accounts.intern(&r.author_id),
                            amount: r.amount,
                            currency: r.currency.unwrap_or_else(|| "CNY".into()),
                            at: r.at,
                        },
                    });
                }
            })
            .await?;
    }
    Ok(group(v, found, rules))
}

/// A payment after the review and past the per-review window: (payment time, author, index
/// of the paid review).
type LatePay = (i64, u32, usize);

/// The paid reviews whose payment came within the per-review window, and those paid later by
/// a payroll (module docs).
fn timely_or_payroll(found: Vec<PaidReview>, rules: PaidRules) -> Vec<PaidReview> {
    let timely = |p: &PaidReview| (p.payment.at - p.at).abs() <= rules.window_ms;
    // Late payments after the review, by (payer, shop).
    let mut late: BTreeMap<(u32, u32), Vec<LatePay>> = BTreeMap::new();
    for (i, p) in found.iter().enumerate() {
        if !timely(p) && p.payment.at > p.at && p.payment.at - p.at <= rules.payroll_after_ms {
            late.entry((p.payment.from, p.shop))
                .or_default()
                .push((p.payment.at, p.payment.to, i));
        }
    }
    let mut payroll: BTreeSet<usize> = BTreeSet::new();
    for mut pays in late.into_values() {
        pays.sort_unstable();
        for (k, &(start, _, _)) in pays.iter().enumerate() {
            let run: Vec<&LatePay> = pays[k..]
                .iter()
                .take_while(|(at, _, _)| at - start <= rules.payroll_span_ms)
                .collect();
            let authors: BTreeSet<u32> = run.iter().map(|(_, a, _)| *a).collect();
            if authors.len() >= rules.min_reviewers {
                payroll.extend(run.iter().map(|(_, _, i)| *i));
            }
        }
    }
    found
        .into_iter()
        .enumerate()
        .filter(|(i, p)| timely(p) || payroll.contains(i))
        .map(|(_, p)| p)
        .collect()
}

/// Groups paid reviews by (payer, category of the reviewed shop); keeps groups with enough
/// distinct reviewers, each review once (the earliest payment after it).
pub fn group(v: &VictimSide, found: Vec<PaidReview>, rules: PaidRules) -> Vec<PaidPanning> {
    let mut by: BTreeMap<(u32, String), BTreeMap<String, PaidReview>> = BTreeMap::new();
    for p in timely_or_payroll(found, rules) {
        let shop = &v.shops[p.shop as usize];
        let Some(cat) = shop.category.clone() else {
            continue;
        };
        let e = by.entry((p.payment.from, cat)).or_default();
        match e.get(&p.review_id) {
            Some(old) if old.payment.at <= p.payment.at => {}
            _ => {
                e.insert(p.review_id.clone(), p);
            }
        }
    }
    by.into_iter()
        .filter_map(|((payer, category), paid)| {
            let paid: Vec<PaidReview> = paid.into_values().collect();
            let authors: BTreeSet<u32> = paid.iter().map(|p| p.payment.to).collect();
            (authors.len() >= rules.min_reviewers).then_some(PaidPanning {
                payer,
                category,
                paid,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::victim::ShopInfo;

    fn side() -> VictimSide {
        let mut v = VictimSide::default();
        for (s, cat) in ["phone", "phone", "tea"].iter().enumerate() {
            v.shops.push(ShopInfo {
                id: format!("s{s}"),
                owner: 100 + s as u32,
                category: Some(cat.to_string()),
            });
        }
        v
    }

    /// Reviews r0..r4 on shops 0, 1, 0, 2, 2 (phone, phone, phone, tea, tea); r2 is neutral.
    fn paid(review: usize, payer: u32, author: u32) -> PaidReview {
        PaidReview {
            review_id: format!("r{review}"),
            shop: [0, 1, 0, 2, 2][review],
            rating: if review == 2 { 3 } else { 1 },
            at: DAY,
            payment: Transfer {
                payment_id: format!("p{review}"),
                from: payer,
                to: author,
                amount: 6_000,
                currency: "CNY".into(),
                at: 2 * DAY,
            },
        }
    }

    #[test]
    fn three_paid_reviewers_of_one_category_make_a_group() {
        let v = side();
        let found = vec![paid(0, 9, 1), paid(1, 9, 2), paid(2, 9, 3), paid(3, 9, 4)];
        let g = group(&v, found, PaidRules::default());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].category, "phone");
        assert_eq!(
            g[0].reviewers().into_iter().collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn reviewers_spread_over_categories_are_no_group() {
        let v = side();
        let found = vec![paid(0, 9, 1), paid(1, 9, 2), paid(3, 9, 4), paid(4, 9, 5)];
        assert!(group(&v, found, PaidRules::default()).is_empty());
    }

    /// `paid(review, …)` by its own author (review ids `r{review}-{author}`), with the payment
    /// `days` after the review.
    fn paid_later(review: usize, payer: u32, author: u32, days: i64) -> PaidReview {
        let mut p = paid(review, payer, author);
        p.review_id = format!("r{review}-{author}");
        p.payment.payment_id = format!("p{review}-{author}");
        p.payment.at = p.at + days * DAY;
        p
    }

    #[test]
    fn a_payroll_pays_for_reviews_weeks_before_it_but_a_lone_late_payment_does_not() {
        let v = side();
        // Three authors of shop 0's reviews, paid the same week, 20 to 22 days after.
        let payroll = vec![
            paid_later(0, 9, 1, 20),
            paid_later(2, 9, 2, 21),
            paid_later(0, 9, 3, 22),
        ];
        let g = group(&v, payroll.clone(), PaidRules::default());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].reviewers().len(), 3);
        // The same payments spread over weeks are no payroll.
        let spread = vec![
            paid_later(0, 9, 1, 16),
            paid_later(2, 9, 2, 22),
            paid_later(0, 9, 3, 29),
        ];
        assert!(group(&v, spread, PaidRules::default()).is_empty());
        // Nor are payments past the payroll's reach.
        let too_late: Vec<PaidReview> = payroll
            .iter()
            .map(|p| paid_later(0, 9, p.payment.to, 31))
            .collect();
        assert!(group(&v, too_late, PaidRules::default()).is_empty());
    }

    #[test]
    fn a_late_payroll_is_per_shop_not_per_category() {
        let v = side();
        // Authors of two phone shops' reviews (shop 0 twice, shop 1 once) paid together late.
        let found = vec![
            paid_later(0, 9, 1, 20),
            paid_later(1, 9, 2, 20),
            paid_later(0, 9, 3, 20),
        ];
        assert!(group(&v, found, PaidRules::default()).is_empty());
    }

    #[test]
    fn a_review_paid_twice_counts_once() {
        let v = side();
        let mut again = paid(0, 9, 1);
        again.payment.payment_id = "p0-bis".into();
        again.payment.at = 3 * DAY;
        let found = vec![paid(0, 9, 1), again, paid(1, 9, 2), paid(2, 9, 3)];
        let g = group(&v, found, PaidRules::default());
        assert_eq!(g[0].paid.len(), 3);
        assert_eq!(g[0].paid[0].payment.payment_id, "p0");
    }
}
