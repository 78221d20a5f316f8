//! Level-by-level expansion around the start account: one Cypher query per level over the
//! whole frontier (`lineage_ties`), with per-account caps in the query (keeping the rows
//! nearest the focus time), a visited set and a frontier cap here. No variable-length pattern
//! is ever sent to the database, so a dense neighbourhood costs at most `max_depth` bounded
//! queries. Every cap that cut something is reported.

use super::{LineageParams, OwnedShop, ReviewRow, Tie, TieKind};
use crate::detect::DetectError;
use crate::graph::{queries as q, Graph, GraphError, Params, Row};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crate::detect::ties::HOUSEHOLD_KINDS;

/// Everything the role inference looks at: who was reached at which depth, and how.
#[derive(Debug, Default)]
pub(crate) struct Neighbourhood {
    pub depth: HashMap<String, u32>,
    pub ties: Vec<Tie>,
    pub reviews: Vec<ReviewRow>,
    pub shops: Vec<OwnedShop>,
    /// True when a cap cut the expansion short (reported, never silent).
    pub truncated: bool,
    /// What each cut cap dropped, as sentences for the evidence.
    pub cuts: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct TieRow {
    src: String,
    other: String,
    kind: String,
    record: Option<String>,
    amount: Option<i64>,
    currency: Option<String>,
    at: Option<i64>,
    via: Option<String>,
    total: i64,
}

impl TieRow {
    /// The directed tie, and the money clock of the newly reached account: an account reached
    /// because it paid the frontier account at `t` may only be followed further upstream by
    /// transfers it received before `t`.
    fn into_tie(self) -> Option<(Tie, Option<i64>)> {
        let (kind, outward) = match self.kind.as_str() {
            "TRANSFER_OUT" => (TieKind::Transfer, true),
            "TRANSFER_IN" => (TieKind::Transfer, false),
            "REFERRED_OUT" => (TieKind::Referred, true),
            "REFERRED_IN" => (TieKind::Referred, false),
            "MESSAGED_OUT" => (TieKind::Messaged, true),
            "MESSAGED_IN" => (TieKind::Messaged, false),
            "SHARES" => (TieKind::Shares, self.src < self.other),
            _ => return None,
        };
        let clock = (kind == TieKind::Transfer && !outward)
            .then_some(self.at)
            .flatten();
        let (from, to) = if outward {
            (self.src, self.other)
        } else {
            (self.other, self.src)
        };
        Some((
            Tie {
                from,
                to,
                kind,
                record: self.record,
                amount: self.amount,
                currency: self.currency,
                at: self.at,
                via: self.via,
            },
            clock,
        ))
    }
}

fn remaining(deadline: Instant) -> Result<std::time::Duration, DetectError> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            DetectError::Graph(GraphError::Timeout {
                query: "lineage".into(),
                millis: 0,
            })
        })
}

/// Records the per-account caps that cut rows: a kind whose rows filled the cap while the
/// account has more, or messages beyond the commerce-test scan.
fn note_cuts(n: &mut Neighbourhood, rows: &[TieRow], params: &LineageParams) {
    let mut kept: std::collections::BTreeMap<(&str, &str), (i64, i64)> = Default::default();
    for r in rows {
        let e = kept
            .entry((r.src.as_str(), r.kind.as_str()))
            .or_insert((0, r.total));
        e.0 += 1;
    }
    for ((src, kind), (k, total)) in kept {
        let scanned = kind.starts_with("MESSAGED") && total > params.fan_out_cap * 10;
        if (k >= params.fan_out_cap && total > k) || scanned {
            n.truncated = true;
            n.cuts.push(format!(
                "{src}: only {k} of {total} {} ties were followed (the ones nearest the focus time), a cap for busy accounts",
                kind.to_lowercase()
            ));
        }
    }
}

/// What makes two ties the same (both endpoints' rows report it): kept once.
type TieKey = (String, String, TieKind, Option<String>);

fn tie_key(t: &Tie) -> TieKey {
    (t.from.clone(), t.to.clone(), t.kind, t.record.clone())
}

/// A frontier as query rows: each account with the time its money must precede (`until`).
fn frontier_rows(frontier: &[(String, Option<i64>)]) -> Vec<Row> {
    frontier
        .iter()
        .map(|(id, until)| Row::new().set("id", id.as_str()).set("until", *until))
        .collect()
}

/// Expands from `start` up to `params.max_depth` levels, then fetches the reviews and shops
/// of every account reached.
pub(crate) async fn expand(
    graph: &Graph,
    start: &str,
    focus: Option<i64>,
    params: &LineageParams,
    deadline: Instant,
) -> Result<Neighbourhood, DetectError> {
    let mut n = Neighbourhood::default();
    n.depth.insert(start.to_string(), 0);
    let mut seen_ties: HashSet<TieKey> = HashSet::new();
    let mut frontier: Vec<(String, Option<i64>)> = vec![(start.to_string(), None)];
    for level in 0..params.max_depth {
        if frontier.is_empty() {
            break;
        }
        let rows = frontier_rows(&frontier);
        let p = Params::new()
            .with_rows("frontier", rows)
            .with("focus", focus)
            .with("cap", params.fan_out_cap)
            .with("messageScan", params.fan_out_cap * 10)
            .with("window", params.window_ms)
            .with("floor", params.floor)
            .with("kinds", HOUSEHOLD_KINDS.map(str::to_string).to_vec())
            .with("maxShare", params.max_share);
        let found: Vec<TieRow> = graph
            .rows(&q::LINEAGE_TIES, p, remaining(deadline)?)
            .await?;
        note_cuts(&mut n, &found, params);
        let mut next = Vec::new();
        for row in found {
            let src = row.src.clone();
            let other = row.other.clone();
            let Some((tie, clock)) = row.into_tie() else {
                continue;
            };
            if !n.depth.contains_key(&other) {
                if n.depth.len() >= params.visited_cap || next.len() >= params.frontier_cap {
                    n.truncated = true;
                } else {
                    n.depth.insert(other.clone(), level + 1);
                    next.push((other.clone(), clock));
                }
            }
            // ties to accounts dropped by a cap are kept out of the subgraph
            if n.depth.contains_key(&other)
                && n.depth.contains_key(&src)
                && seen_ties.insert(tie_key(&tie))
            {
                n.ties.push(tie);
            }
        }
        tracing::debug!(level, reached = next.len(), "lineage level expanded");
        frontier = next;
    }
    let ids: Vec<String> = n.depth.keys().cloned().collect();
    let p = Params::new()
        .with("ids", ids.clone())
        .with("maxRating", 3i64)
        .with("cap", params.fan_out_cap)
        .with("minNewRating", crate::detect::victim::RETRACTED_MIN_RATING);
    n.reviews = graph
        .rows(&q::LINEAGE_REVIEWS, p, remaining(deadline)?)
        .await?;
    n.shops = graph
        .rows(
            &q::LINEAGE_OWNED_SHOPS,
            Params::new().with("ids", ids),
            remaining(deadline)?,
        )
        .await?;
    Ok(n)
}

/// Follows the money into `organizer` upstream, `levels` levels of senders whatever the
/// expansion's depth (a rival's money often passes three mules, past a trace started at an
/// operative): each level's senders' incoming private transfers before the money they passed
/// on, and their rarely shared household identifiers (a seller paying through a relative),
/// then the shops of every account newly reached. Only incoming transfers and shared
/// identifiers are kept: the campaign itself was already expanded. False when nothing new was
/// reached. Query: `lineage_upstream`.
pub(crate) async fn extend_upstream(
    graph: &Graph,
    n: &mut Neighbourhood,
    organizer: &str,
    levels: usize,
    params: &LineageParams,
    deadline: Instant,
) -> Result<bool, DetectError> {
    let mut seen_ties: HashSet<TieKey> = n.ties.iter().map(tie_key).collect();
    let mut added: Vec<String> = Vec::new();
    let mut frontier: Vec<(String, Option<i64>)> = vec![(organizer.to_string(), None)];
    let mut followed: HashSet<String> = HashSet::new();
    for level in 0..=levels {
        frontier.retain(|(id, _)| followed.insert(id.clone()));
        if frontier.is_empty() {
            break;
        }
        let rows = frontier_rows(&frontier);
        let p = Params::new()
            .with_rows("frontier", rows)
            .with("cap", params.fan_out_cap)
            .with("window", params.window_ms)
            .with("floor", params.floor)
            .with("kinds", HOUSEHOLD_KINDS.map(str::to_string).to_vec())
            .with("maxShare", params.max_share);
        let found: Vec<TieRow> = graph
            .rows(&q::LINEAGE_UPSTREAM, p, remaining(deadline)?)
            .await?;
        note_cuts(n, &found, params);
        let mut next = Vec::new();
        for row in found {
            let keep = match row.kind.as_str() {
                "TRANSFER_IN" => level < levels,
                "SHARES" => true,
                _ => false,
            };
            if !keep {
                continue;
            }
            let (src, other) = (row.src.clone(), row.other.clone());
            let Some((tie, clock)) = row.into_tie() else {
                continue;
            };
            if !n.depth.contains_key(&other) {
                if n.depth.len() >= params.visited_cap {
                    n.truncated = true;
                    continue;
                }
                let d = n.depth.get(&src).copied().unwrap_or(0) + 1;
                n.depth.insert(other.clone(), d);
                added.push(other.clone());
            }
            if tie.kind == TieKind::Transfer {
                next.push((other, clock));
            }
            if seen_ties.insert(tie_key(&tie)) {
                n.ties.push(tie);
            }
        }
        frontier = next;
    }
    if added.is_empty() {
        return Ok(false);
    }
    let shops: Vec<OwnedShop> = graph
        .rows(
            &q::LINEAGE_OWNED_SHOPS,
            Params::new().with("ids", added.clone()),
            remaining(deadline)?,
        )
        .await?;
    n.shops.extend(shops);
    tracing::debug!(
        organizer,
        added = added.len(),
        "lineage money followed upstream"
    );
    Ok(true)
}
