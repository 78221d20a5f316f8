//! Insider evaluation over the stored ranking (the harness ran `insider` already): the rank
//! of each planted employee, precision@k for k = number of planted employees, suspects above
//! the default threshold against planted employees, and `benign` busy moderators above it
//! (must be 0).

use super::{Labels, Metric};
use crate::detect::insider::{list, DEFAULT_MIN_SCORE};
use crate::detect::DetectError;
use crate::graph::read::Slice;
use crate::graph::Graph;
use crate::model::format_minor;
use std::collections::BTreeSet;

pub async fn evaluate(graph: &Graph, labels: &Labels) -> Result<Vec<Metric>, DetectError> {
    let planted = labels.with_role("insider", "employee");
    let ranked = list(
        graph,
        0.0,
        Slice {
            skip: 0,
            limit: 1_000_000,
        },
    )
    .await?;
    let ranks: Vec<String> = planted
        .iter()
        .map(|e| match ranked.iter().position(|s| &s.employee_id == e) {
            Some(i) => format!(
                "{e} rank {} (score {:.2}, {} traced)",
                i + 1,
                ranked[i].score,
                format_minor(ranked[i].money_traced)
            ),
            None => format!("{e} unranked"),
        })
        .collect();
    let k = planted.len();
    let top: BTreeSet<String> = ranked
        .iter()
        .take(k)
        .map(|s| s.employee_id.clone())
        .collect();
    let hits = top.intersection(&planted).count() as u64;
    let above: BTreeSet<String> = ranked
        .iter()
        .filter(|s| s.score >= DEFAULT_MIN_SCORE)
        .map(|s| s.employee_id.clone())
        .collect();
    let busy: BTreeSet<String> = labels
        .all
        .iter()
        .filter(|l| {
            l.label == "benign"
                && l.group
                    .as_deref()
                    .is_some_and(|g| g.starts_with("busy_moderator-"))
        })
        .map(|l| l.entity_id.clone())
        .collect();
    let busy_above = busy.intersection(&above).count() as u64;
    Ok(vec![
        Metric::from_counts(
            &format!("insider/precision@{k}"),
            hits,
            k as u64 - hits,
            planted.len() as u64 - hits,
            ranks.join("; "),
        ),
        Metric::from_sets(
            "insider/suspects",
            &above,
            &planted,
            format!(
                "staff scoring >= {DEFAULT_MIN_SCORE} vs planted employees; {} staff ranked",
                ranked.len()
            ),
        ),
        Metric::from_counts(
            "insider/busy_moderators",
            0,
            busy_above,
            0,
            format!(
                "{busy_above} of {} benign busy moderators score >= {DEFAULT_MIN_SCORE} (must be 0)",
                busy.len()
            ),
        ),
    ])
}
