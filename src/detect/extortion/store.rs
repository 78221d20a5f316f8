//! Storing incidents as `Incident` nodes (CONCERNS → Review) and reading them back.

use super::{Incident, TieUsed};
use crate::detect::runs::Stored;
use crate::detect::{DetectError, Evidence};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, Params, Row};
use serde::Deserialize;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// Filters of `list` (None = any).
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub min_confidence: f64,
    pub shop_id: Option<String>,
    /// Reviewer, contacting or paid account.
    pub account_id: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Stores `incidents` as findings of run `run_id`.
pub async fn store(graph: &Graph, run_id: &str, incidents: &[Incident]) -> Result<(), DetectError> {
    for chunk in incidents.chunks(500) {
        let rows: Vec<Row> = chunk
            .iter()
            .map(|i| {
                Row::new()
                    .set("id", i.id.as_str())
                    .set("reviewId", i.review_id.as_str())
                    .set("shopId", i.shop_id.as_str())
                    .set("reviewerId", i.reviewer_id.as_str())
                    .set("contactId", i.contact_id.clone())
                    .set("payeeId", i.payee_id.as_str())
                    .set("paymentId", i.payment_id.as_str())
                    .set("amount", i.amount)
                    .set("currency", i.currency.as_str())
                    .set("reviewedAt", i.reviewed_at)
                    .set("contactedAt", i.contacted_at)
                    .set("paidAt", i.paid_at)
                    .set("retractedAt", i.retracted_at)
                    .set("confidence", i.confidence)
                    .set("complete", i.complete)
                    .set("ties", json(&i.ties))
                    .set("reasons", json(&i.reasons))
                    .set("evidence", json(&i.evidence))
                    .set("runId", run_id)
            })
            .collect();
        graph
            .run(&q::INCIDENTS_STORE, Params::new().with_rows("rows", rows))
            .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IncidentRow {
    id: String,
    run_id: String,
    review_id: String,
    shop_id: String,
    reviewer_id: String,
    contact_id: Option<String>,
    payee_id: String,
    payment_id: String,
    amount: i64,
    currency: String,
    reviewed_at: i64,
    contacted_at: Option<i64>,
    paid_at: i64,
    retracted_at: Option<i64>,
    confidence: f64,
    complete: bool,
    ties: String,
    reasons: String,
    evidence: String,
}

/// Stored incidents matching `filter`, most confident first.
pub async fn list(
    graph: &Graph,
    filter: &IncidentFilter,
    slice: Slice,
) -> Result<Vec<Stored<Incident>>, DetectError> {
    let p = Params::new()
        .with("minConfidence", filter.min_confidence)
        .with("shopId", filter.shop_id.clone())
        .with("accountId", filter.account_id.clone())
        .with("from", filter.from)
        .with("to", filter.to)
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    let rows: Vec<IncidentRow> = graph.rows(&q::INCIDENTS_LIST, p, LIMIT).await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// One incident of the last complete run, by id.
pub async fn get(graph: &Graph, id: &str) -> Result<Option<Stored<Incident>>, DetectError> {
    let row: Option<IncidentRow> = graph
        .row(&q::INCIDENT_BY_ID, Params::new().with("id", id), LIMIT)
        .await?;
    Ok(row.map(decode))
}

fn decode(r: IncidentRow) -> Stored<Incident> {
    Stored {
        run_id: r.run_id,
        finding: Incident {
            id: r.id,
            review_id: r.review_id,
            shop_id: r.shop_id,
            reviewer_id: r.reviewer_id,
            contact_id: r.contact_id,
            payee_id: r.payee_id,
            payment_id: r.payment_id,
            amount: r.amount,
            currency: r.currency,
            reviewed_at: r.reviewed_at,
            contacted_at: r.contacted_at,
            paid_at: r.paid_at,
            retracted_at: r.retracted_at,
            confidence: r.confidence,
            complete: r.complete,
            ties: serde_json::from_str::<Vec<TieUsed>>(&r.ties).unwrap_or_default(),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
            evidence: serde_json::from_str::<Evidence>(&r.evidence).unwrap_or_default(),
        },
    }
}
