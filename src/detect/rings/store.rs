//! Storing rings as `Ring` nodes (members, targets, JSON evidence) and reading them back.

use super::{Ring, RingKind, RingMember, Role};
use crate::detect::runs::Stored;
use crate::detect::{DetectError, Evidence};
use crate::graph::read::Slice;
use crate::graph::{queries as q, Graph, Params, Row};
use serde::Deserialize;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// Filters of `list` (None = any).
#[derive(Debug, Clone, Default)]
pub struct RingFilter {
    pub min_score: f64,
    pub kind: Option<RingKind>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub shop_id: Option<String>,
    pub member_id: Option<String>,
}

/// Stores `rings` as findings of run `run_id`.
pub async fn store(graph: &Graph, run_id: &str, rings: &[Ring]) -> Result<(), DetectError> {
    for chunk in rings.chunks(200) {
        let rows: Vec<Row> = chunk
            .iter()
            .map(|r| {
                let members: Vec<Row> = r
                    .members
                    .iter()
                    .map(|m| {
                        Row::new()
                            .set("id", m.account_id.as_str())
                            .set("role", m.role.as_str())
                            .set("contribution", m.contribution)
                    })
                    .collect();
                Row::new()
                    .set("id", r.id.as_str())
                    .set("kind", r.kind.as_str())
                    .set("score", r.score)
                    .set("firstAt", r.first_at)
                    .set("lastAt", r.last_at)
                    .set("moneyIn", json(&r.money_in))
                    .set("moneyOut", json(&r.money_out))
                    .set("reasons", json(&r.reasons))
                    .set("evidence", json(&r.evidence))
                    .set("runId", run_id)
                    .set("members", members)
                    .set("shops", r.victim_shops.clone())
            })
            .collect();
        graph
            .run(&q::RINGS_STORE, Params::new().with_rows("rows", rows))
            .await?;
    }
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberRow {
    account_id: String,
    role: String,
    contribution: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RingRow {
    id: String,
    run_id: String,
    kind: String,
    score: f64,
    first_at: Option<i64>,
    last_at: Option<i64>,
    money_in: StoredMoney,
    money_out: StoredMoney,
    reasons: String,
    evidence: String,
    members: Vec<MemberRow>,
    shops: Vec<String>,
}

/// A ring's stored money: a JSON list of `{minor, currency}` (one per currency), or, from
/// rings stored before money was kept per currency, one integer of CNY minor units.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredMoney {
    PerCurrency(String),
    LegacyMinor(i64),
}

impl StoredMoney {
    fn per_currency(self) -> Vec<crate::model::Money> {
        match self {
            StoredMoney::PerCurrency(json) => serde_json::from_str(&json).unwrap_or_default(),
            StoredMoney::LegacyMinor(0) => Vec::new(),
            StoredMoney::LegacyMinor(minor) => vec![crate::model::Money {
                minor,
                currency: crate::model::Money::DEFAULT_CURRENCY.to_string(),
            }],
        }
    }
}

fn decode(r: RingRow) -> Stored<Ring> {
    let run_id = r.run_id;
    let finding = Ring {
        id: r.id,
        kind: RingKind::parse(&r.kind).unwrap_or(RingKind::Unknown),
        score: r.score,
        members: r
            .members
            .into_iter()
            .map(|m| RingMember {
                account_id: m.account_id,
                role: Role::parse(&m.role).unwrap_or(Role::Operative),
                contribution: m.contribution,
            })
            .collect(),
        victim_shops: r.shops,
        first_at: r.first_at,
        last_at: r.last_at,
        money_in: r.money_in.per_currency(),
        money_out: r.money_out.per_currency(),
        reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
        evidence: serde_json::from_str::<Evidence>(&r.evidence).unwrap_or_default(),
    };
    Stored { run_id, finding }
}

/// Stored rings matching `filter`, highest score first.
pub async fn list(
    graph: &Graph,
    filter: &RingFilter,
    slice: Slice,
) -> Result<Vec<Stored<Ring>>, DetectError> {
    let p = Params::new()
        .with("minScore", filter.min_score)
        .with("kind", filter.kind.map(|k| k.as_str().to_string()))
        .with("from", filter.from)
        .with("to", filter.to)
        .with("shopId", filter.shop_id.clone())
        .with("memberId", filter.member_id.clone())
        .with("skip", slice.skip)
        .with("limit", slice.limit);
    let rows: Vec<RingRow> = graph.rows(&q::RINGS_LIST, p, LIMIT).await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// One stored ring by id.
pub async fn get(graph: &Graph, id: &str) -> Result<Option<Stored<Ring>>, DetectError> {
    let row: Option<RingRow> = graph
        .row(&q::RING_BY_ID, Params::new().with("id", id), LIMIT)
        .await?;
    Ok(row.map(decode))
}
