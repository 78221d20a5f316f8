//! Lineage evaluation. For every planted `hired_agents` group: a trace from its lowest-id
//! operative and one from its lowest-id `hired_review`. For every planted `extortion_crew`
//! group: a trace from its organizer (the start the seed's Haimen case failed on). Each
//! trace's accounts are compared with the group's labels:
//! - `lineage/organizer`, `lineage/beneficiary`, `lineage/intermediary`: accounts returned
//!   with that role vs the group's accounts labelled with it;
//! - `lineage/roles`: every labelled account of the group (beneficiary, intermediary,
//!   organizer, negotiator and payee as NEGOTIATOR, operative, recruit) returned with its own
//!   role — the role recall the quality gate checks;
//! - `lineage/members`: all returned accounts (the start included, whatever its role) vs the
//!   group's accounts;
//! - `lineage/start`: traces whose start is returned at depth 0 (must be all).
//!
//! Counts are summed over all traces; the notes carry misses and trace latencies.

use super::rings::misses;
use super::{Labels, Metric};
use crate::detect::lineage::{trace, Lineage, LineageParams, LineageStart, Role};
use crate::detect::DetectError;
use crate::graph::Graph;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Counts {
    tp: u64,
    fp: u64,
    fn_: u64,
    predicted: BTreeSet<String>,
    truth: BTreeSet<String>,
}

impl Counts {
    fn add(&mut self, predicted: &BTreeSet<String>, truth: &BTreeSet<String>) {
        self.tp += predicted.intersection(truth).count() as u64;
        self.fp += predicted.difference(truth).count() as u64;
        self.fn_ += truth.difference(predicted).count() as u64;
        self.predicted.extend(predicted.iter().cloned());
        self.truth.extend(truth.iter().cloned());
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// The lineage role a label role stands for.
fn role_of_label(role: &str) -> Option<Role> {
    match role {
        "beneficiary" => Some(Role::Beneficiary),
        "intermediary" => Some(Role::Intermediary),
        "organizer" => Some(Role::Organizer),
        "negotiator" | "payee" => Some(Role::Negotiator),
        "operative" => Some(Role::Operative),
        "recruit" => Some(Role::Recruit),
        _ => None,
    }
}

/// A planted group: its accounts with their label roles, and where traces start.
struct Planted {
    roles: BTreeMap<String, String>,
    starts: Vec<LineageStart>,
}

fn planted(labels: &Labels) -> BTreeMap<String, Planted> {
    let mut out: BTreeMap<String, Planted> = BTreeMap::new();
    for label in ["hired_agents", "extortion_crew"] {
        for l in labels.all.iter().filter(|l| l.label == label) {
            let (Some(g), Some(r)) = (&l.group, &l.role) else {
                continue;
            };
            out.entry(g.clone())
                .or_insert_with(|| Planted {
                    roles: BTreeMap::new(),
                    starts: Vec::new(),
                })
                .roles
                .entry(l.entity_id.clone())
                .or_insert_with(|| r.clone());
        }
    }
    let reviews = labels.groups("hired_review");
    let with = |label: &str, group: &str, role: &str| -> Option<String> {
        labels
            .all
            .iter()
            .filter(|l| {
                l.label == label
                    && l.group.as_deref() == Some(group)
                    && l.role.as_deref() == Some(role)
            })
            .map(|l| l.entity_id.clone())
            .min()
    };
    for (g, p) in out.iter_mut() {
        if let Some(op) = with("hired_agents", g, "operative") {
            p.starts.push(LineageStart::Account(op));
        }
        if let Some(r) = reviews.get(g).and_then(|r| r.iter().next()) {
            p.starts.push(LineageStart::Review(r.clone()));
        }
        if let Some(org) = with("extortion_crew", g, "organizer") {
            p.starts.push(LineageStart::Account(org));
        }
    }
    out
}

fn with_role(l: &Lineage, role: Role) -> BTreeSet<String> {
    l.accounts
        .iter()
        .filter(|a| a.role == Some(role))
        .map(|a| a.id.clone())
        .collect()
}

pub async fn evaluate(graph: &Graph, labels: &Labels) -> Result<Vec<Metric>, DetectError> {
    let groups = planted(labels);
    let checked = [
        ("organizer", Role::Organizer),
        ("beneficiary", Role::Beneficiary),
        ("intermediary", Role::Intermediary),
    ];
    let mut counts: Vec<Counts> = checked.iter().map(|_| Counts::default()).collect();
    let mut roles = Counts::default();
    let mut members = Counts::default();
    let (mut starts_ok, mut starts_bad) = (0u64, Vec::new());
    let mut latencies = Vec::new();
    let params = LineageParams::default();
    // one untimed trace first: the latencies below are warm (query plans cached)
    if let Some(s) = groups.values().flat_map(|p| p.starts.first()).next() {
        trace(graph, s, &params).await?;
    }
    for (group, p) in &groups {
        let accounts: BTreeSet<String> = p.roles.keys().cloned().collect();
        for start in &p.starts {
            let t = Instant::now();
            let found = trace(graph, start, &params).await?;
            latencies.push(t.elapsed());
            let Some(l) = found else { continue };
            for ((name, role), c) in checked.iter().zip(counts.iter_mut()) {
                let truth: BTreeSet<String> = p
                    .roles
                    .iter()
                    .filter(|(_, r)| r.as_str() == *name)
                    .map(|(a, _)| a.clone())
                    .collect();
                c.add(&with_role(&l, *role), &truth);
            }
            // role recall: each labelled account returned with its own role
            let got: BTreeMap<&str, Option<Role>> =
                l.accounts.iter().map(|a| (a.id.as_str(), a.role)).collect();
            let truth: BTreeSet<String> = p
                .roles
                .iter()
                .filter_map(|(a, r)| role_of_label(r).map(|role| format!("{a}:{}", role.as_str())))
                .collect();
            let predicted: BTreeSet<String> = got
                .iter()
                .filter_map(|(a, r)| r.map(|r| format!("{a}:{}", r.as_str())))
                .collect();
            roles.add(&predicted, &truth);
            let returned: BTreeSet<String> = l.accounts.iter().map(|a| a.id.clone()).collect();
            members.add(&returned, &accounts);
            let start_ok = l.accounts.iter().any(|a| a.id == l.start && a.depth == 0);
            if start_ok {
                starts_ok += 1;
            } else {
                starts_bad.push(format!("{group}: {}", l.start));
            }
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
        "lineage/roles",
        roles.tp,
        roles.fp,
        roles.fn_,
        format!(
            "labelled accounts returned with their own role (account:ROLE){}",
            misses(&roles.predicted, &roles.truth, labels)
        ),
    ));
    out.push(Metric::from_counts(
        "lineage/members",
        members.tp,
        members.fp,
        members.fn_,
        format!(
            "all returned accounts vs group members (incl. negotiators){}; {note}",
            misses(&members.predicted, &members.truth, labels)
        ),
    ));
    out.push(Metric::from_counts(
        "lineage/start",
        starts_ok,
        0,
        starts_bad.len() as u64,
        if starts_bad.is_empty() {
            "every trace returns its start at depth 0".to_string()
        } else {
            format!("start missing from: {}", starts_bad.join(", "))
        },
    ));
    Ok(out)
}
