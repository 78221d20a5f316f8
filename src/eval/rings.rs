//! Rings and extortion incidents against the planted groups.
//!
//! - `rings/group`: a planted group (accounts labelled `extortion_crew` or `hired_agents`,
//!   merged by group name: one network can both extort and be hired) is found when a ring
//!   scoring at least the default threshold holds ≥ 50% of its accounts and ≥ 50% of the
//!   ring's members belong to it. FP: rings above the threshold matching no group.
//! - `rings/member`: members of rings above the threshold vs every crew/agent account,
//!   including hired campaigns' beneficiary and intermediaries (reached through the money
//!   chain; they do not review, so missing them is possible and counted as misses).
//! - `rings/member-core`: the same without beneficiaries and intermediaries on either side.
//! - `incidents/review`: reviews of incidents above the default confidence vs
//!   `extortion_review` labels (complete and partial; attempts are never paid, so no incident).
//! - `incidents/attempt`: reviews of `extortionAttempts` (demands the owner refused). TP: an
//!   attempt on a review labelled `extortion_review` (any role: other generators may call a
//!   refusal `partial`); FP: an attempt on an unlabelled review; FN: a review labelled
//!   `attempt` not found.
//! - `incidents/complete`: of the reviews labelled `complete` (review → contact → payment →
//!   withdrawal all happened), those whose incident is found *complete* (every step
//!   attributed). FP: incidents called complete on reviews labelled `partial` or unlabelled.
//! - `rings/benign-flagged`: accounts labelled `benign` in any ring above the threshold,
//!   reported as false positives (must be 0).

use super::{Labels, Metric};
use crate::detect::extortion::{self, IncidentFilter};
use crate::detect::rings::{self, RingFilter};
use crate::detect::DetectError;
use crate::graph::read::Slice;
use crate::graph::Graph;
use std::collections::{BTreeMap, BTreeSet};

const ALL: Slice = Slice {
    skip: 0,
    limit: 1_000_000,
};

/// `"; missed: a1 (crew-1/negotiator), …; extra: …"` for a note (at most ten each).
pub fn misses(predicted: &BTreeSet<String>, truth: &BTreeSet<String>, labels: &Labels) -> String {
    let describe = |ids: Vec<&String>| -> String {
        let mut out: Vec<String> = ids
            .iter()
            .take(10)
            .map(|id| match labels.all.iter().find(|l| &&l.entity_id == id) {
                Some(l) => format!(
                    "{id} ({}/{})",
                    l.group.as_deref().unwrap_or("-"),
                    l.role.as_deref().unwrap_or(&l.label)
                ),
                None => id.to_string(),
            })
            .collect();
        if ids.len() > 10 {
            out.push(format!("… {} more", ids.len() - 10));
        }
        out.join(", ")
    };
    let missed: Vec<&String> = truth.difference(predicted).collect();
    let extra: Vec<&String> = predicted.difference(truth).collect();
    let mut s = String::new();
    if !missed.is_empty() {
        s.push_str(&format!("; missed: {}", describe(missed)));
    }
    if !extra.is_empty() {
        s.push_str(&format!("; extra: {}", describe(extra)));
    }
    s
}

pub async fn evaluate(graph: &Graph, labels: &Labels) -> Result<Vec<Metric>, DetectError> {
    let filter = RingFilter {
        min_score: rings::DEFAULT_MIN_SCORE,
        ..Default::default()
    };
    let found = rings::list(graph, &filter, ALL).await?;
    let ring_sets: Vec<BTreeSet<String>> = found
        .iter()
        .map(|r| r.members.iter().map(|m| m.account_id.clone()).collect())
        .collect();

    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for label in ["extortion_crew", "hired_agents"] {
        for (g, ids) in labels.groups(label) {
            groups.entry(g).or_default().extend(ids);
        }
    }
    let mut matched_rings = vec![false; ring_sets.len()];
    let (mut tp, mut fn_) = (0u64, 0u64);
    let mut missed = Vec::new();
    for (name, members) in &groups {
        let mut hit = false;
        for (i, r) in ring_sets.iter().enumerate() {
            let common = r.intersection(members).count();
            if 2 * common >= members.len() && 2 * common >= r.len() {
                matched_rings[i] = true;
                hit = true;
            }
        }
        if hit {
            tp += 1;
        } else {
            fn_ += 1;
            missed.push(name.clone());
        }
    }
    let fp = matched_rings.iter().filter(|m| !**m).count() as u64;
    let mut metrics = vec![Metric::from_counts(
        "rings/group",
        tp,
        fp,
        fn_,
        format!(
            "{} planted groups, {} rings >= {}; missed: {}",
            groups.len(),
            ring_sets.len(),
            rings::DEFAULT_MIN_SCORE,
            if missed.is_empty() {
                "none".to_string()
            } else {
                missed.join(", ")
            }
        ),
    )];

    let predicted: BTreeSet<String> = ring_sets.iter().flatten().cloned().collect();
    let truth: BTreeSet<String> = labels
        .entities("extortion_crew")
        .union(&labels.entities("hired_agents"))
        .cloned()
        .collect();
    metrics.push(Metric::from_sets(
        "rings/member",
        &predicted,
        &truth,
        format!(
            "members of rings above threshold vs all crew/agent accounts (beneficiary, intermediaries included){}",
            misses(&predicted, &truth, labels)
        ),
    ));
    let outer: BTreeSet<String> = labels
        .with_role("hired_agents", "beneficiary")
        .union(&labels.with_role("hired_agents", "intermediary"))
        .cloned()
        .collect();
    let core_pred: BTreeSet<String> = predicted.difference(&outer).cloned().collect();
    let core_truth: BTreeSet<String> = truth.difference(&outer).cloned().collect();
    metrics.push(Metric::from_sets(
        "rings/member-core",
        &core_pred,
        &core_truth,
        "as rings/member, beneficiaries and intermediaries left out on both sides",
    ));

    let incidents = extortion::list(
        graph,
        &IncidentFilter {
            min_confidence: extortion::DEFAULT_MIN_CONFIDENCE,
            ..Default::default()
        },
        ALL,
    )
    .await?;
    let inc_reviews: BTreeSet<String> = incidents.iter().map(|i| i.review_id.clone()).collect();
    let attempt_truth = labels.with_role("extortion_review", "attempt");
    let ext_reviews: BTreeSet<String> = labels
        .entities("extortion_review")
        .difference(&attempt_truth)
        .cloned()
        .collect();
    metrics.push(Metric::from_sets(
        "incidents/review",
        &inc_reviews,
        &ext_reviews,
        format!(
            "incident reviews with confidence >= {} vs extortion_review labels{}",
            extortion::DEFAULT_MIN_CONFIDENCE,
            misses(&inc_reviews, &ext_reviews, labels)
        ),
    ));
    let complete_found: BTreeSet<String> = incidents
        .iter()
        .filter(|i| i.complete)
        .map(|i| i.review_id.clone())
        .collect();
    let complete_truth = labels.with_role("extortion_review", "complete");
    metrics.push(Metric::from_sets(
        "incidents/complete",
        &complete_found,
        &complete_truth,
        format!(
            "incidents found complete (contact, payment, withdrawal attributed) vs reviews labelled complete{}",
            misses(&complete_found, &complete_truth, labels)
        ),
    ));

    let attempts: BTreeSet<String> = extortion::attempts::list(
        graph,
        &extortion::attempts::AttemptFilter {
            min_confidence: extortion::DEFAULT_MIN_CONFIDENCE,
            ..Default::default()
        },
        ALL,
    )
    .await?
    .into_iter()
    .map(|a| a.review_id)
    .collect();
    // the truth: reviews labelled `attempt`, and any other extortion review an attempt was
    // found on (other generators may label a refusal `partial`)
    let labelled = labels.entities("extortion_review");
    let attempt_truth: BTreeSet<String> = attempt_truth
        .union(&attempts.intersection(&labelled).cloned().collect())
        .cloned()
        .collect();
    metrics.push(Metric::from_sets(
        "incidents/attempt",
        &attempts,
        &attempt_truth,
        format!(
            "attempts (demands refused) on reviews labelled extortion_review vs those labelled attempt{}",
            misses(&attempts, &attempt_truth, labels)
        ),
    ));

    let benign = labels.entities("benign");
    let flagged: Vec<&String> = predicted.intersection(&benign).collect();
    metrics.push(Metric::from_counts(
        "rings/benign-flagged",
        0,
        flagged.len() as u64,
        0,
        format!(
            "benign look-alike accounts in rings above threshold (target 0){}",
            if flagged.is_empty() {
                String::new()
            } else {
                format!(
                    ": {}",
                    flagged
                        .iter()
                        .take(10)
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
    ));
    Ok(metrics)
}
