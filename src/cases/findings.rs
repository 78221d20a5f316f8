//! Resolving what an analyst attaches or exports: a finding (ring, incident, insider
//! suspect, lineage) or an entity (account, shop), into its canonical id, its members (for
//! the dismissal [`super::signature`]) and a [`Snapshot`] of the finding as it is now.

use super::ItemKind;
use crate::detect::lineage::{LineageParams, LineageStart};
use crate::detect::{self, extortion, insider, rings, Evidence};
use crate::error::{AppError, AppResult};
use crate::graph::read::Reader;
use crate::graph::{queries as q, Graph, Params};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// A finding as it was when attached or exported: everything its bundle needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// `RING`, `INCIDENT`, `INSIDER_SUSPECT`, `LINEAGE`.
    pub kind: String,
    pub id: String,
    /// The detection run that stored the finding (none for a lineage, computed on demand).
    pub run_id: Option<String>,
    /// When that run stored it (epoch ms), when known.
    pub run_at: Option<i64>,
    pub score: Option<f64>,
    pub summary: String,
    /// Sorted member ids: the group the finding is about.
    pub members: Vec<String>,
    /// Kind-specific facts (ring kind and money, incident times, removal counts…).
    pub facts: serde_json::Value,
    pub reasons: Vec<String>,
    pub evidence: Evidence,
}

/// What an id resolves to.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub kind: ItemKind,
    /// Canonical id: ring id, incident id, employee id, lineage start account, account, shop.
    pub id: String,
    pub members: Vec<String>,
    pub summary: String,
    /// Findings only.
    pub snapshot: Option<Snapshot>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunTimes {
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

/// The run id of a stored finding and when that run finished (started, if it has not).
async fn run_of(graph: &Graph, run_id: &str) -> AppResult<(Option<String>, Option<i64>)> {
    let row: Option<RunTimes> = graph
        .row(
            &q::DETECTION_RUN_TIMES,
            Params::new().with("runId", run_id),
            LIMIT,
        )
        .await?;
    let at = row.and_then(|r| r.finished_at.or(r.started_at));
    Ok((Some(run_id.to_string()), at))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn not_found(kind: &'static str, id: &str) -> AppError {
    AppError::NotFound {
        kind,
        id: id.to_string(),
    }
}

/// Resolves `kind`/`id` against the current graph and stored findings. `NOT_FOUND` when it
/// does not exist; a lineage that finds no campaign structure is `NOT_FOUND` too.
pub async fn resolve(
    graph: &Graph,
    kind: ItemKind,
    id: &str,
    lineage_limit: Duration,
) -> AppResult<Resolved> {
    match kind {
        ItemKind::Ring => {
            let r = rings::get(graph, id)
                .await?
                .ok_or_else(|| not_found("ring", id))?;
            let members = sorted(r.members.iter().map(|m| m.account_id.clone()).collect());
            let (run_id, run_at) = run_of(graph, &r.run_id).await?;
            let r = r.finding;
            let summary = format!(
                "{} ring of {} accounts, score {:.2}",
                r.kind.as_str(),
                members.len(),
                r.score
            );
            let facts = json!({
                "ringKind": r.kind.as_str(),
                "members": r.members.iter().map(|m| json!({
                    "accountId": m.account_id, "role": m.role.as_str(), "contribution": m.contribution,
                })).collect::<Vec<_>>(),
                "victimShops": r.victim_shops,
                "firstAt": r.first_at, "lastAt": r.last_at,
                "moneyIn": r.money_in, "moneyOut": r.money_out,
            });
            Ok(finding(
                kind,
                r.id,
                run_id,
                run_at,
                Some(r.score),
                summary,
                members,
                facts,
                r.reasons,
                r.evidence,
            ))
        }
        ItemKind::Incident => {
            let i = extortion::get(graph, id)
                .await?
                .ok_or_else(|| not_found("incident", id))?;
            let members = super::incident_members(&i);
            let (run_id, run_at) = run_of(graph, &i.run_id).await?;
            let i = i.finding;
            let summary = format!(
                "{} extortion incident on review {}, confidence {:.2}",
                if i.complete { "complete" } else { "partial" },
                i.review_id,
                i.confidence
            );
            let facts = json!({
                "reviewId": i.review_id, "shopId": i.shop_id, "reviewerId": i.reviewer_id,
                "contactId": i.contact_id, "payeeId": i.payee_id, "paymentId": i.payment_id,
                "amount": i.amount, "currency": i.currency,
                "reviewedAt": i.reviewed_at, "contactedAt": i.contacted_at,
                "paidAt": i.paid_at, "retractedAt": i.retracted_at, "complete": i.complete,
            });
            Ok(finding(
                kind,
                i.id,
                run_id,
                run_at,
                Some(i.confidence),
                summary,
                members,
                facts,
                i.reasons,
                i.evidence,
            ))
        }
        ItemKind::InsiderSuspect => {
            let emp = id.strip_prefix("insider:").unwrap_or(id);
            let s = insider::suspect_of(graph, emp)
                .await?
                .ok_or_else(|| not_found("insider suspect", emp))?;
            let (run_id, run_at) = run_of(graph, &s.run_id).await?;
            let s = s.finding;
            let summary = format!(
                "insider suspect {}: {} of {} removals legitimate, score {:.2}",
                s.employee_id, s.removals_legitimate, s.removals_total, s.score
            );
            let facts = json!({
                "employeeId": s.employee_id,
                "removalsTotal": s.removals_total, "removalsLegitimate": s.removals_legitimate,
                "moneyTraced": s.money_traced, "currency": s.currency,
                "shops": s.shops.iter().map(|x| json!({"shopId": x.shop_id, "removals": x.removals})).collect::<Vec<_>>(),
            });
            Ok(finding(
                kind,
                s.employee_id.clone(),
                run_id,
                run_at,
                Some(s.score),
                summary,
                vec![s.employee_id],
                facts,
                s.reasons,
                s.evidence,
            ))
        }
        ItemKind::Lineage => {
            let params = LineageParams {
                time_limit: lineage_limit,
                ..LineageParams::default()
            };
            let l = detect::lineage::trace(graph, &LineageStart::Account(id.to_string()), &params)
                .await
                .map_err(|e| match e {
                    detect::DetectError::Graph(crate::graph::GraphError::Timeout {
                        millis,
                        ..
                    }) => AppError::Timeout(millis),
                    e => e.into(),
                })?
                .ok_or_else(|| not_found("account", id))?;
            if l.accounts.is_empty() {
                return Err(not_found("lineage", id));
            }
            let members = sorted(l.accounts.iter().map(|a| a.id.clone()).collect());
            let summary = format!("agent lineage from {}: {} accounts", l.start, members.len());
            let facts = json!({
                "start": l.start,
                "accounts": l.accounts.iter().map(|a| json!({
                    "accountId": a.id, "role": a.role.map(|r| r.as_str()), "depth": a.depth,
                })).collect::<Vec<_>>(),
                "victimShops": l.victim_shops, "reviews": l.reviews, "truncated": l.truncated,
            });
            let mut evidence = l.evidence;
            for e in l.edges {
                evidence.edge(e);
            }
            Ok(finding(
                kind,
                l.start,
                None,
                None,
                None,
                summary,
                members,
                facts,
                Vec::new(),
                evidence,
            ))
        }
        ItemKind::Account => {
            let a = Reader::new(graph.clone(), LIMIT)
                .account(id)
                .await?
                .ok_or_else(|| not_found("account", id))?;
            Ok(Resolved {
                kind,
                summary: format!("{} account {}", a.role.as_str(), a.id),
                members: vec![a.id.clone()],
                id: a.id,
                snapshot: None,
            })
        }
        ItemKind::Shop => {
            let s = Reader::new(graph.clone(), LIMIT)
                .shop(id)
                .await?
                .ok_or_else(|| not_found("shop", id))?;
            Ok(Resolved {
                kind,
                summary: format!("shop {}", s.id),
                members: vec![s.id.clone()],
                id: s.id,
                snapshot: None,
            })
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    kind: ItemKind,
    id: String,
    run_id: Option<String>,
    run_at: Option<i64>,
    score: Option<f64>,
    summary: String,
    members: Vec<String>,
    facts: serde_json::Value,
    reasons: Vec<String>,
    evidence: Evidence,
) -> Resolved {
    let snapshot = Snapshot {
        kind: kind.as_str().to_string(),
        id: id.clone(),
        run_id,
        run_at,
        score,
        summary: summary.clone(),
        members: members.clone(),
        facts,
        reasons: if reasons.is_empty() {
            evidence.reasons.clone()
        } else {
            reasons
        },
        evidence: evidence.normalized(),
    };
    Resolved {
        kind,
        id,
        members,
        summary,
        snapshot: Some(snapshot),
    }
}
