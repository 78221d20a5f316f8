//! Account–account ties around a bounded set of accounts: shared rare identifiers, referrals,
//! private transfers and messages. Fetched on demand for candidate accounts only (never for
//! the whole graph), in batches of ids. Queries: `rings_identifier_ties`,
//! `rings_referral_ties`, `rings_transfer_ties`, `rings_message_ties`.
//!
//! Tie weights (documented in the ring score): an identifier shared by `n` accounts adds
//! `1/(n-1)` (a device shared by two ties strongly; identifiers that are not rare in the sense
//! of [`crate::detect::thresholds`] tie nobody), a referral adds 0.8, private transfers 0.5,
//! messages 0.3.
//!
//! **Caps.** Transfers and messages are capped per account (`per_account`). Each fetch names
//! a focus time per account (the review or payment being examined) and the cap keeps the rows
//! nearest it, so a busy account never loses the transfers of the incident window to older
//! ones; every cut is recorded in [`Ties::caps`] for the findings to report.

use super::money::Transfer;
use super::victim::Interner;
use super::DetectError;
use crate::graph::{queries as q, Graph, Params, Row};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Identifier kinds that make a household or a farm: a recruit shares one of them with the
/// operative who invited it (IPs are too coarse: strangers collide on them).
pub const HOUSEHOLD_KINDS: [&str; 4] = ["device", "address", "phone", "card"];

/// How one tie between two accounts was established.
#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    Identifier {
        kind: String,
        key: String,
        accounts: i64,
    },
    Referral {
        inviter: u32,
        at: Option<i64>,
    },
    Transfer {
        payment_id: String,
        from: u32,
        amount: i64,
        currency: String,
        at: i64,
    },
    Message {
        message_id: String,
        from: u32,
        at: i64,
    },
}

impl Via {
    pub fn weight(&self) -> f64 {
        match self {
            Via::Identifier { accounts, .. } => 1.0 / ((*accounts).max(2) - 1) as f64,
            Via::Referral { .. } => 0.8,
            Via::Transfer { .. } => 0.5,
            Via::Message { .. } => 0.3,
        }
    }

    /// `device`, `phone`, … for identifiers; `referral`, `transfer`, `message` otherwise.
    pub fn kind(&self) -> &str {
        match self {
            Via::Identifier { kind, .. } => kind,
            Via::Referral { .. } => "referral",
            Via::Transfer { .. } => "transfer",
            Via::Message { .. } => "message",
        }
    }
}

/// A per-account cap that cut rows: `kept` of `total` transfers or messages, the ones nearest
/// `focus` (epoch ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Cap {
    /// `transfers` or `messages`.
    pub what: &'static str,
    pub kept: usize,
    pub total: i64,
    pub focus: i64,
}

/// Ties between pairs of accounts (unordered), each with every way it was established.
#[derive(Debug, Default)]
pub struct Ties {
    pairs: HashMap<(u32, u32), Vec<Via>>,
    adjacency: HashMap<u32, HashSet<u32>>,
    fetched: HashSet<u32>,
    fetched_messages: HashSet<u32>,
    /// Accounts whose transfers or messages a cap cut, with what was kept.
    pub caps: BTreeMap<u32, Vec<Cap>>,
}

fn key(a: u32, b: u32) -> (u32, u32) {
    (a.min(b), a.max(b))
}

#[derive(Deserialize)]
struct IdentifierRow {
    a: String,
    b: String,
    kind: String,
    key: String,
    accounts: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReferralRow {
    a: String,
    b: String,
    inviter_id: String,
    at: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferRow {
    a: String,
    b: String,
    from_id: String,
    payment_id: String,
    amount: i64,
    currency: Option<String>,
    at: i64,
    total: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageRow {
    a: String,
    b: String,
    from_id: String,
    message_id: String,
    at: i64,
    total: i64,
}

/// Limits of one tie fetch.
#[derive(Debug, Clone, Copy)]
pub struct TieParams {
    /// Identifiers used by more accounts than this are hubs and tie nobody (the shared
    /// definition of a rare identifier, [`crate::detect::thresholds`]).
    pub max_share: i64,
    /// At most this many transfers and messages per account, nearest its focus time.
    pub per_account: i64,
    pub batch: usize,
    /// Also fetch messages (they tie group members; validation does without them).
    pub messages: bool,
}

impl Default for TieParams {
    fn default() -> Self {
        TieParams {
            max_share: super::thresholds::current().rare_identifier_max_accounts,
            per_account: 300,
            batch: 500,
            messages: true,
        }
    }
}

impl Ties {
    /// Fetches every tie touching `accounts` not fetched before (messages only when
    /// `p.messages`; accounts fetched without messages get them on a later request that
    /// asks for them). Each account comes with its focus time (epoch ms): capped transfers
    /// and messages are the ones nearest it. The queries of a batch run concurrently.
    pub async fn fetch(
        &mut self,
        graph: &Graph,
        names: &mut Interner,
        accounts: &[(u32, i64)],
        p: TieParams,
    ) -> Result<(), DetectError> {
        let mut todo: Vec<(u32, i64)> = Vec::new();
        let mut todo_messages: Vec<(u32, i64)> = Vec::new();
        for &(a, at) in accounts {
            if self.fetched.insert(a) {
                todo.push((a, at));
            }
            if p.messages && self.fetched_messages.insert(a) {
                todo_messages.push((a, at));
            }
        }
        let rows_of = |chunk: &[(u32, i64)], names: &Interner| -> Vec<Row> {
            chunk
                .iter()
                .map(|&(a, at)| Row::new().set("id", names.name(a)).set("at", at))
                .collect()
        };
        for chunk in todo.chunks(p.batch.max(1)) {
            let ids: Vec<String> = chunk
                .iter()
                .map(|&(a, _)| names.name(a).to_string())
                .collect();
            let rows = rows_of(chunk, names);
            let params = || Params::new().with("ids", ids.clone());
            let (mut rows_i, mut rows_r, mut rows_t) = (Vec::new(), Vec::new(), Vec::new());
            let (a, b, c) = tokio::join!(
                graph.for_each_row(
                    &q::RINGS_IDENTIFIER_TIES,
                    params().with("maxShare", p.max_share),
                    |r: IdentifierRow| rows_i.push(r),
                ),
                graph.for_each_row(&q::RINGS_REFERRAL_TIES, params(), |r: ReferralRow| {
                    rows_r.push(r)
                }),
                graph.for_each_row(
                    &q::RINGS_TRANSFER_TIES,
                    Params::new()
                        .with_rows("rows", rows)
                        .with("perAccount", p.per_account),
                    |r: TransferRow| rows_t.push(r),
                ),
            );
            a?;
            b?;
            c?;
            for r in rows_i {
                let (a, b) = (names.intern(&r.a), names.intern(&r.b));
                self.add(
                    a,
                    b,
                    Via::Identifier {
                        kind: r.kind,
                        key: r.key,
                        accounts: r.accounts,
                    },
                );
            }
            for r in rows_r {
                let (a, b) = (names.intern(&r.a), names.intern(&r.b));
                let inviter = names.intern(&r.inviter_id);
                self.add(a, b, Via::Referral { inviter, at: r.at });
            }
            self.note_caps(
                names,
                chunk,
                "transfers",
                rows_t.iter().map(|r| (&r.a, r.total)),
                p,
            );
            for r in rows_t {
                let (a, b) = (names.intern(&r.a), names.intern(&r.b));
                let from = names.intern(&r.from_id);
                self.add(
                    a,
                    b,
                    Via::Transfer {
                        payment_id: r.payment_id,
                        from,
                        amount: r.amount,
                        currency: r.currency.unwrap_or_else(|| "CNY".into()),
                        at: r.at,
                    },
                );
            }
        }
        for chunk in todo_messages.chunks(p.batch.max(1)) {
            let rows = rows_of(chunk, names);
            let mut rows_m = Vec::new();
            graph
                .for_each_row(
                    &q::RINGS_MESSAGE_TIES,
                    Params::new()
                        .with_rows("rows", rows)
                        .with("perAccount", p.per_account),
                    |r: MessageRow| rows_m.push(r),
                )
                .await?;
            self.note_caps(
                names,
                chunk,
                "messages",
                rows_m.iter().map(|r| (&r.a, r.total)),
                p,
            );
            for r in rows_m {
                let (a, b) = (names.intern(&r.a), names.intern(&r.b));
                let from = names.intern(&r.from_id);
                self.add(
                    a,
                    b,
                    Via::Message {
                        message_id: r.message_id,
                        from,
                        at: r.at,
                    },
                );
            }
        }
        Ok(())
    }

    /// Records the accounts of `chunk` whose `what` rows the per-account cap cut.
    fn note_caps<'r>(
        &mut self,
        names: &Interner,
        chunk: &[(u32, i64)],
        what: &'static str,
        rows: impl Iterator<Item = (&'r String, i64)>,
        p: TieParams,
    ) {
        let mut seen: HashMap<&str, (usize, i64)> = HashMap::new();
        for (a, total) in rows {
            let e = seen.entry(a.as_str()).or_insert((0, total));
            e.0 += 1;
        }
        for &(a, focus) in chunk {
            if let Some(&(kept, total)) = seen.get(names.name(a)) {
                if total > p.per_account {
                    self.caps.entry(a).or_default().push(Cap {
                        what,
                        kept,
                        total,
                        focus,
                    });
                }
            }
        }
    }

    /// Records a tie (both endpoints' fetches may report the same one: kept once).
    pub fn add(&mut self, a: u32, b: u32, via: Via) {
        if a == b {
            return;
        }
        let list = self.pairs.entry(key(a, b)).or_default();
        if !list.contains(&via) {
            list.push(via);
        }
        self.adjacency.entry(a).or_default().insert(b);
        self.adjacency.entry(b).or_default().insert(a);
    }

    /// Tied pairs and the ways they were tied, for logs.
    pub fn size(&self) -> (usize, usize) {
        (self.pairs.len(), self.pairs.values().map(Vec::len).sum())
    }

    pub fn between(&self, a: u32, b: u32) -> &[Via] {
        self.pairs.get(&key(a, b)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Sum of the tie weights between `a` and `b` (0 when untied).
    pub fn strength(&self, a: u32, b: u32) -> f64 {
        self.between(a, b).iter().map(Via::weight).sum()
    }

    /// A transfer from `payee` within `window` after `at` to an account directly tied to
    /// `author` (or to the author): the payee passed the money on (a negotiator or mule).
    pub fn forwarded(&self, payee: u32, at: i64, window: i64, author: u32) -> Option<(u32, &Via)> {
        self.earliest_transfer_out(
            payee,
            |n| n == author || !self.between(author, n).is_empty(),
            |t| t > at && t <= at + window,
        )
    }

    /// The crew's collector settling up: `payee` privately paid, at any time, an account tied
    /// to `author` by more than messages (a shared rare identifier, a referral, money): the
    /// negotiator's second account that hands its takings to the organizer who recruited the
    /// reviewer. Weaker than [`Self::forwarded`], since no time links it to one payment.
    pub fn settles_with(&self, payee: u32, author: u32) -> Option<(u32, &Via)> {
        self.earliest_transfer_out(
            payee,
            |n| {
                n != author
                    && self
                        .between(author, n)
                        .iter()
                        .any(|v| !matches!(v, Via::Message { .. }))
            },
            |_| true,
        )
    }

    /// The earliest transfer (payment ids breaking ties) `from` sent to a neighbour `to_ok`
    /// accepts at a time `at_ok` accepts: one answer whatever order the ties were fetched in.
    fn earliest_transfer_out(
        &self,
        from: u32,
        to_ok: impl Fn(u32) -> bool,
        at_ok: impl Fn(i64) -> bool,
    ) -> Option<(u32, &Via)> {
        let mut best: Option<(u32, &Via, i64, &str)> = None;
        for n in self.neighbours(from).filter(|&n| to_ok(n)) {
            for via in self.between(from, n) {
                if let Via::Transfer {
                    from: f,
                    at,
                    payment_id,
                    ..
                } = via
                {
                    if *f == from
                        && at_ok(*at)
                        && best
                            .as_ref()
                            .is_none_or(|b| (*at, payment_id.as_str()) < (b.2, b.3))
                    {
                        best = Some((n, via, *at, payment_id));
                    }
                }
            }
        }
        best.map(|(n, via, _, _)| (n, via))
    }

    pub fn neighbours(&self, a: u32) -> impl Iterator<Item = u32> + '_ {
        self.adjacency.get(&a).into_iter().flatten().copied()
    }

    /// Private transfers from `from` to `to`.
    pub fn transfers(&self, from: u32, to: u32) -> Vec<Transfer<u32>> {
        self.between(from, to)
            .iter()
            .filter_map(|v| match v {
                Via::Transfer {
                    payment_id,
                    from: f,
                    amount,
                    currency,
                    at,
                } if *f == from => Some(Transfer {
                    payment_id: payment_id.clone(),
                    from,
                    to,
                    amount: *amount,
                    currency: currency.clone(),
                    at: *at,
                }),
                _ => None,
            })
            .collect()
    }

    /// Private transfers received by `to` (from fetched ties).
    pub fn incoming(&self, to: u32) -> Vec<Transfer<u32>> {
        self.neighbours(to)
            .flat_map(|n| self.transfers(n, to))
            .collect()
    }

    /// A sentence per cut cap of the given accounts, for a finding's reasons.
    pub fn cap_reasons(&self, names: &Interner, accounts: &[u32]) -> Vec<String> {
        let mut out = Vec::new();
        for a in accounts {
            for c in self.caps.get(a).into_iter().flatten() {
                out.push(format!(
                    "Only the {} {} of {} nearest {} were examined ({} in all): a cap for busy accounts.",
                    c.kept,
                    c.what,
                    names.name(*a),
                    crate::model::Timestamp(c.focus).rfc3339(),
                    c.total
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_identifiers_weigh_more_than_shared_ones() {
        let dev = |n| Via::Identifier {
            kind: "device".into(),
            key: "device:x".into(),
            accounts: n,
        };
        assert_eq!(dev(2).weight(), 1.0);
        assert_eq!(dev(3).weight(), 0.5);
        assert!(dev(21).weight() < 0.06);
    }

    #[test]
    fn ties_are_unordered_and_deduplicated() {
        let mut t = Ties::default();
        let via = Via::Referral {
            inviter: 1,
            at: None,
        };
        t.add(1, 2, via.clone());
        t.add(2, 1, via);
        assert_eq!(t.between(2, 1).len(), 1);
        assert_eq!(t.strength(1, 2), 0.8);
        assert_eq!(t.neighbours(2).collect::<Vec<_>>(), vec![1]);
    }
}
