//! Stored insider suspects: `(InsiderSuspect {id, employeeId, score, …})-[:SUSPECTS]->(Account)`,
//! replaced wholesale by each run so `insiderSuspects` is one indexed read.

use super::{InsiderSuspect, ShopCount};
use crate::detect::runs::Stored;
use crate::detect::{DetectError, Evidence};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, GraphError, Params, Row};
use std::time::Duration;

const READ_LIMIT: Duration = Duration::from_secs(30);

fn encode<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Stores `suspects` as findings of run `run_id`.
pub(super) async fn store(
    graph: &Graph,
    run_id: &str,
    suspects: &[InsiderSuspect],
) -> Result<(), DetectError> {
    let run_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    for chunk in suspects.chunks(500) {
        let rows: Vec<Row> = chunk
            .iter()
            .map(|s| {
                Row::new()
                    .set("id", format!("insider:{}", s.employee_id))
                    .set("employeeId", s.employee_id.as_str())
                    .set("score", s.score)
                    .set("removalsTotal", s.removals_total as i64)
                    .set("removalsLegitimate", s.removals_legitimate as i64)
                    .set("moneyTraced", s.money_traced)
                    .set("currency", s.currency.as_str())
                    .set("shops", encode(&s.shops))
                    .set("reasons", s.reasons.clone())
                    .set("evidence", encode(&s.evidence))
                    .set("runAt", run_at)
                    .set("runId", run_id)
            })
            .collect();
        graph
            .run(&q::INSIDER_STORE, Params::new().with_rows("rows", rows))
            .await?;
    }
    Ok(())
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredRow {
    employee_id: String,
    run_id: String,
    score: f64,
    removals_total: i64,
    removals_legitimate: i64,
    money_traced: i64,
    currency: String,
    shops: String,
    reasons: Vec<String>,
    evidence: String,
}

impl StoredRow {
    fn decode(self) -> Result<Stored<InsiderSuspect>, GraphError> {
        let bad = |e: serde_json::Error| GraphError::Decode {
            query: q::INSIDER_LIST.name.into(),
            reason: e.to_string(),
        };
        let shops: Vec<ShopCount> = serde_json::from_str(&self.shops).map_err(bad)?;
        let evidence: Evidence = serde_json::from_str(&self.evidence).map_err(bad)?;
        let finding = InsiderSuspect {
            employee_id: self.employee_id,
            score: self.score,
            removals_total: self.removals_total as u64,
            removals_legitimate: self.removals_legitimate as u64,
            shops,
            money_traced: self.money_traced,
            currency: self.currency,
            reasons: self.reasons,
            evidence,
        };
        Ok(Stored {
            run_id: self.run_id,
            finding,
        })
    }
}

/// Stored suspects scoring at least `min_score`, highest score first.
pub async fn list(
    graph: &Graph,
    min_score: f64,
    slice: Slice,
) -> Result<Vec<Stored<InsiderSuspect>>, DetectError> {
    let p = Params::new()
        .with("minScore", min_score)
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    let rows: Vec<StoredRow> = graph.rows(&q::INSIDER_LIST, p, READ_LIMIT).await?;
    Ok(rows
        .into_iter()
        .map(StoredRow::decode)
        .collect::<Result<_, _>>()?)
}

/// The stored suspect record of one employee, if the last run scored it.
pub async fn suspect_of(
    graph: &Graph,
    id: &str,
) -> Result<Option<Stored<InsiderSuspect>>, DetectError> {
    let row: Option<StoredRow> = graph
        .row(
            &q::INSIDER_SUSPECT_OF,
            Params::new().with("id", id),
            READ_LIMIT,
        )
        .await?;
    Ok(row.map(StoredRow::decode).transpose()?)
}
