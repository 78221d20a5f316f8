//! Lineage evaluation: for every planted `hired_agents` group, trace from its lowest-id
//! operative and from its lowest-id `hired_review`, and compare the accounts returned with
//! roles ORGANIZER, BENEFICIARY and INTERMEDIARY (and all returned accounts) with the group's
//! labelled roles. Counts are summed over all traces; the note carries trace latencies.

use super::{Labels, Metric};
use crate::detect::lineage::{trace, LineageParams, LineageStart, Role};
use crate::detect::DetectError;
use crate::graph::Graph;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Counts {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Counts {
    fn add(&mut self, predicted: &BTreeSet<String>, truth: &BTreeSet<String>) {
        self.tp += predicted.intersection(truth).count() as u64;
        self.fp += predicted.difference(truth).count() as u64;
        self.fn_ += truth.difference(predicted).count() as u64;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

pub async fn evaluate(graph: &Graph, labels: &Labels) -> Result<Vec<Metric>, DetectError> {
    let groups = labels.groups("hired_agents");
    let reviews = labels.groups("hired_review");
    let checked = [
        ("organizer", Role::Organizer),
        ("beneficiary", Role::Beneficiary),
        ("intermediary", Role::Intermediary),
    ];
    let mut counts: Vec<Counts> = checked.iter().map(|_| Counts::default()).collect();
    let mut members = Counts::default();
    let mut latencies = Vec::new();
    let params = LineageParams::default();
    // one untimed trace first: the latencies below are warm (query plans cached)
    if let Some(op) = labels
        .with_role("hired_agents", "operative")
        .into_iter()
        .next()
    {
        trace(graph, &LineageStart::Account(op), &params).await?;
    }
    for (group, accounts) in &groups {
        let role_of = |role: &str| -> BTreeSet<String> {
            labels
                .all
                .iter()
                .filter(|l| {
                    l.label == "hired_agents"
                        && l.group.as_deref() == Some(group.as_str())
                        && l.role.as_deref() == Some(role)
                })
                .map(|l| l.entity_id.clone())
                .collect()
        };
        let mut starts = Vec::new();
        if let Some(op) = role_of("operative").into_iter().next() {
            starts.push(LineageStart::Account(op));
        }
        if let Some(r) = reviews.get(group).and_then(|r| r.iter().next()) {
            starts.push(LineageStart::Review(r.clone()));
        }
        for start in starts {
            let t = Instant::now();
            let found = trace(graph, &start, &params).await?;
            latencies.push(t.elapsed());
            let Some(l) = found else { continue };
            for ((name, role), c) in checked.iter().zip(counts.iter_mut()) {
                let predicted: BTreeSet<String> = l
                    .accounts
                    .iter()
                    .filter(|a| a.role == Some(*role))
                    .map(|a| a.id.clone())
                    .collect();
                c.add(&predicted, &role_of(name));
            }
            let returned: BTreeSet<String> = l.accounts.iter().map(|a| a.id.clone()).collect();
            members.add(&returned, accounts);
        }
    }
    latencies.sort();
    let note = format!(
        "{} traces over {} group(s); warm latency p50 {:.1} ms, p95 {:.1} ms",
        latencies.len(),
        groups.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95)
    );
    let mut out: Vec<Metric> = checked
        .iter()
        .zip(counts)
        .map(|((name, _), c)| {
            Metric::from_counts(&format!("lineage/{name}"), c.tp, c.fp, c.fn_, note.clone())
        })
        .collect();
    out.push(Metric::from_counts(
        "lineage/members",
        members.tp,
        members.fp,
        members.fn_,
        format!("all returned accounts vs group members (incl. negotiators); {note}"),
    ));
    Ok(out)
}
