//! Account–account ties around a bounded set of accounts: shared rare identifiers, referrals,
//! private transfers and messages. Fetched on demand for candidate accounts only (never for
//! the whole graph), in batches of ids. Queries: `rings_identifier_ties`,
//! `rings_referral_ties`, `rings_transfer_ties`, `rings_message_ties`.
//!
//! Tie weights (documented in the ring score): an identifier shared by `n` accounts adds
//! `1/(n-1)` (a device shared by two ties strongly; hubs above `max_share` tie nobody), a
//! referral adds 0.8, private transfers 0.5, messages 0.3.

use super::victim::Interner;
use super::DetectError;
use crate::graph::{queries as q, Graph, Params};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

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

/// Ties between pairs of accounts (unordered), each with every way it was established.
#[derive(Debug, Default)]
pub struct Ties {
    pairs: HashMap<(u32, u32), Vec<Via>>,
    adjacency: HashMap<u32, HashSet<u32>>,
    fetched: HashSet<u32>,
    fetched_messages: HashSet<u32>,
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
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageRow {
    a: String,
    b: String,
    from_id: String,
    message_id: String,
    at: i64,
}

/// Limits of one tie fetch.
#[derive(Debug, Clone, Copy)]
pub struct TieParams {
    /// Identifiers used by more accounts than this are hubs and tie nobody.
    pub max_share: i64,
    /// At most this many transfers and messages per account (busy accounts are capped).
    pub per_account: i64,
    pub batch: usize,
    /// Also fetch messages (they tie group members; validation does without them).
    pub messages: bool,
}

impl Default for TieParams {
    fn default() -> Self {
        TieParams {
            max_share: 20,
            per_account: 300,
            batch: 500,
            messages: true,
        }
    }
}

impl Ties {
    /// Fetches every tie touching `accounts` not fetched before (messages only when
    /// `p.messages`; accounts fetched without messages get them on a later request that
    /// asks for them). The four queries of a batch run concurrently.
    pub async fn fetch(
        &mut self,
        graph: &Graph,
        names: &mut Interner,
        accounts: &[u32],
        p: TieParams,
    ) -> Result<(), DetectError> {
        let mut todo: Vec<u32> = Vec::new();
        let mut todo_messages: Vec<u32> = Vec::new();
        for &a in accounts {
            if self.fetched.insert(a) {
                todo.push(a);
            }
            if p.messages && self.fetched_messages.insert(a) {
                todo_messages.push(a);
            }
        }
        for chunk in todo.chunks(p.batch.max(1)) {
            let ids: Vec<String> = chunk.iter().map(|&a| names.name(a).to_string()).collect();
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
                    params().with("perAccount", p.per_account),
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
            let ids: Vec<String> = chunk.iter().map(|&a| names.name(a).to_string()).collect();
            let mut rows_m = Vec::new();
            graph
                .for_each_row(
                    &q::RINGS_MESSAGE_TIES,
                    Params::new()
                        .with("ids", ids)
                        .with("perAccount", p.per_account),
                    |r: MessageRow| rows_m.push(r),
                )
                .await?;
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
        for n in self.neighbours(payee) {
            if n != author && self.between(author, n).is_empty() {
                continue;
            }
            for via in self.between(payee, n) {
                if let Via::Transfer { from, at: t, .. } = via {
                    if *from == payee && *t > at && *t <= at + window {
                        return Some((n, via));
                    }
                }
            }
        }
        None
    }

    pub fn neighbours(&self, a: u32) -> impl Iterator<Item = u32> + '_ {
        self.adjacency.get(&a).into_iter().flatten().copied()
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
