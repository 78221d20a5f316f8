//! Pure scoring of insider removals: the legitimacy verdict of one removed review, and the
//! suspicion score of one employee from legitimacy, concentration, money and timing.

use std::collections::{BTreeMap, BTreeSet};

/// How far around a payment a removal on the payer's shop counts as "around" it.
pub const TIMING_BEFORE_MS: i64 = 3 * 24 * 3_600_000;
pub const TIMING_AFTER_MS: i64 = 7 * 24 * 3_600_000;

/// A complaint against a removed review.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintRef {
    pub id: String,
    pub status: String,
    pub handled_by: Option<String>,
}

/// What the verdict needs to know about one removal.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovalFacts {
    pub employee_id: String,
    pub event_id: String,
    pub at: i64,
    pub reason: Option<String>,
    pub review_id: String,
    pub rating: i64,
    pub text: Option<String>,
    pub posted_at: i64,
    pub shop_id: String,
    pub owner_id: String,
    pub author_id: String,
    pub order_status: Option<String>,
    pub order_paid: bool,
    pub author_in_ring: bool,
    pub complaints: Vec<ComplaintRef>,
}

/// Whether a removed review was legitimate negative feedback, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub legitimate: bool,
    /// Removed with no complaint at all (the employee acted alone).
    pub unprompted: bool,
    pub reasons: Vec<String>,
}

/// A removed review is legitimate negative feedback when it is negative (rating <= 2), on a
/// delivered and paid order, by an author in no detected ring, not abusive, and either no
/// complaint against it was upheld or the upheld complaint was handled by the very employee
/// who removed it (a self-approved complaint launders nothing).
pub fn verdict(f: &RemovalFacts) -> Verdict {
    let mut reasons = Vec::new();
    let mut ok = true;
    if f.rating > 2 {
        ok = false;
        reasons.push(format!("rating {} is not negative", f.rating));
    }
    let delivered = f.order_status.as_deref() == Some("delivered");
    if delivered && f.order_paid {
        reasons.push("the order was paid and delivered".into());
    } else {
        ok = false;
        reasons.push(format!(
            "the order was not a delivered, paid purchase (status {}, {})",
            f.order_status.as_deref().unwrap_or("unknown"),
            if f.order_paid { "paid" } else { "no payment" }
        ));
    }
    if f.author_in_ring {
        ok = false;
        reasons.push(format!("author {} belongs to a detected ring", f.author_id));
    }
    if let Some(term) = f.text.as_deref().and_then(super::abuse::abusive_term) {
        ok = false;
        reasons.push(format!("the text is abusive (\"{term}\")"));
    }
    let upheld: Vec<&ComplaintRef> = f
        .complaints
        .iter()
        .filter(|c| c.status == "upheld")
        .collect();
    let by_others: Vec<&&ComplaintRef> = upheld
        .iter()
        .filter(|c| c.handled_by.as_deref() != Some(f.employee_id.as_str()))
        .collect();
    if let Some(c) = by_others.first() {
        ok = false;
        reasons.push(format!(
            "complaint {} was upheld by {}",
            c.id,
            c.handled_by.as_deref().unwrap_or("the complaint process")
        ));
    } else if let Some(c) = upheld.first() {
        reasons.push(format!(
            "the only upheld complaint ({}) was handled by {} who removed the review",
            c.id, f.employee_id
        ));
    } else if f.complaints.is_empty() {
        reasons.push("no complaint was filed against it".into());
    } else {
        reasons.push("no complaint against it was upheld".into());
    }
    Verdict {
        legitimate: ok,
        unprompted: f.complaints.is_empty(),
        reasons,
    }
}

/// Money from a benefiting shop's owner that reached the employee or a proxy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Traced {
    pub owner_id: String,
    /// The account that received the money: the employee or a proxy.
    pub receiver_id: String,
    /// A middle account, for two-hop chains.
    pub via_id: Option<String>,
    pub payment_id: String,
    pub amount: i64,
    pub currency: String,
    pub at: i64,
    /// The onward payment of a two-hop chain.
    pub onward_payment_id: Option<String>,
    pub onward_amount: Option<i64>,
    pub onward_at: Option<i64>,
}

/// The numbers behind one employee's score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    pub total: u64,
    pub legitimate: u64,
    pub unprompted_legitimate: u64,
    /// Legitimate removals per shop.
    pub shops: BTreeMap<String, u64>,
    /// Share of legitimate removals on the 5 most-removed shops.
    pub top_share: f64,
    /// Share of legitimate removals on shops with 3 or more of them.
    pub repeat_share: f64,
    pub paying_owners: BTreeSet<String>,
    /// Traced money per currency (never added across currencies).
    pub money: crate::detect::money::Totals,
    /// Share of traced payments with a legitimate removal on the payer's shops around them.
    pub timed_share: f64,
}

pub const TOP_K: usize = 5;

pub fn features(
    removals: &[(RemovalFacts, Verdict)],
    traced: &[Traced],
    owner_of: &BTreeMap<String, String>,
) -> Features {
    let mut f = Features {
        total: removals.len() as u64,
        ..Features::default()
    };
    for (r, v) in removals.iter().filter(|(_, v)| v.legitimate) {
        f.legitimate += 1;
        f.unprompted_legitimate += u64::from(v.unprompted);
        *f.shops.entry(r.shop_id.clone()).or_default() += 1;
    }
    if f.legitimate > 0 {
        let mut counts: Vec<u64> = f.shops.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top: u64 = counts.iter().take(TOP_K).sum();
        let repeat: u64 = counts.iter().filter(|&&c| c >= 3).sum();
        f.top_share = top as f64 / f.legitimate as f64;
        f.repeat_share = repeat as f64 / f.legitimate as f64;
    }
    let mut seen = BTreeSet::new();
    let mut timed = 0u64;
    for t in traced {
        if !seen.insert(t.payment_id.clone()) {
            continue;
        }
        f.paying_owners.insert(t.owner_id.clone());
        f.money.add(t.amount, &t.currency);
        let around = removals.iter().any(|(r, v)| {
            v.legitimate
                && owner_of.get(&r.shop_id) == Some(&t.owner_id)
                && r.at >= t.at - TIMING_BEFORE_MS
                && r.at <= t.at + TIMING_AFTER_MS
        });
        timed += u64::from(around);
    }
    if !seen.is_empty() {
        f.timed_share = timed as f64 / seen.len() as f64;
    }
    f
}

/// The suspicion score in 0..1. Money from benefiting owners dominates (0.5); concentration
/// against peers (0.2), timing of the money against removals (0.15) and the share of
/// legitimate removals (0.15) refine it. Without traced money the score stays at most 0.35,
/// below the default threshold: a busy but honest moderator is never a suspect.
pub fn score(f: &Features, peer_repeat_median: f64) -> f64 {
    let money = if f.paying_owners.is_empty() {
        0.0
    } else {
        0.6 + 0.4 * (f.paying_owners.len() as f64 / 3.0).min(1.0)
    };
    let conc = if peer_repeat_median >= 1.0 {
        0.0
    } else {
        ((f.repeat_share - peer_repeat_median) / (1.0 - peer_repeat_median)).clamp(0.0, 1.0)
    };
    let legit = if f.total == 0 {
        0.0
    } else {
        f.legitimate as f64 / f.total as f64
    };
    let s = 0.5 * money + 0.2 * conc + 0.15 * f.timed_share + 0.15 * legit;
    (s * 1000.0).round() / 1000.0
}

pub fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(shop: &str, at: i64) -> RemovalFacts {
        RemovalFacts {
            employee_id: "a-emp".into(),
            event_id: format!("e-{shop}-{at}"),
            at,
            reason: Some("spam".into()),
            review_id: format!("r-{shop}-{at}"),
            rating: 1,
            text: Some("质量太差，与描述不符".into()),
            posted_at: at - 1000,
            shop_id: shop.into(),
            owner_id: format!("o-{shop}"),
            author_id: "a-author".into(),
            order_status: Some("delivered".into()),
            order_paid: true,
            author_in_ring: false,
            complaints: vec![],
        }
    }

    #[test]
    fn legitimate_negative_feedback() {
        let v = verdict(&facts("s1", 10));
        assert!(v.legitimate && v.unprompted, "{v:?}");
    }

    #[test]
    fn abusive_ring_undelivered_or_upheld_elsewhere_is_not_legitimate() {
        let mut f = facts("s1", 10);
        f.text = Some("老板是个王八蛋，发错货还骂人".into());
        let v = verdict(&f);
        assert!(!v.legitimate);
        assert!(
            v.reasons.iter().any(|r| r.contains("abusive (\"王八蛋\")")),
            "{v:?}"
        );
        // calling the shop rubbish and a cheat is a complaint, not abuse
        let mut f = facts("s1", 10);
        f.text = Some("垃圾店！骗子！".into());
        assert!(verdict(&f).legitimate);
        let mut f = facts("s1", 10);
        f.author_in_ring = true;
        assert!(!verdict(&f).legitimate);
        let mut f = facts("s1", 10);
        f.order_status = Some("refunded".into());
        assert!(!verdict(&f).legitimate);
        let mut f = facts("s1", 10);
        f.complaints = vec![ComplaintRef {
            id: "c1".into(),
            status: "upheld".into(),
            handled_by: Some("a-other".into()),
        }];
        assert!(!verdict(&f).legitimate);
        // the employee approving the complaint themself launders nothing
        f.complaints[0].handled_by = Some("a-emp".into());
        assert!(verdict(&f).legitimate);
    }

    #[test]
    fn paid_concentrated_removals_score_high_and_honest_spread_ones_low() {
        let owners: BTreeMap<String, String> = ["s1", "s2"]
            .iter()
            .map(|s| (s.to_string(), format!("o-{s}")))
            .collect();
        let removals: Vec<_> = (0..10)
            .map(|i| {
                let f = facts(if i % 2 == 0 { "s1" } else { "s2" }, 1000 * i);
                let v = verdict(&f);
                (f, v)
            })
            .collect();
        let traced = vec![Traced {
            owner_id: "o-s1".into(),
            receiver_id: "a-emp".into(),
            via_id: None,
            payment_id: "p1".into(),
            amount: 500_000,
            currency: "CNY".into(),
            at: 2000,
            onward_payment_id: None,
            onward_amount: None,
            onward_at: None,
        }];
        let f = features(&removals, &traced, &owners);
        assert_eq!(
            (f.legitimate, f.money.get("CNY"), f.timed_share),
            (10, 500_000, 1.0)
        );
        assert!(score(&f, 0.1) >= 0.8, "{}", score(&f, 0.1));
        let spread: Vec<_> = (0..10)
            .map(|i| {
                let f = facts(&format!("s{i}"), 1000 * i);
                let v = verdict(&f);
                (f, v)
            })
            .collect();
        let f = features(&spread, &[], &owners);
        assert!(score(&f, 0.1) < 0.5);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0]), 2.5);
        assert_eq!(median(vec![]), 0.0);
    }
}
