//! One group → one scored, explained ring: the signals of [`super::signals`], the roles of
//! [`super::roles`], contributions, evidence and the reasons, the first of which states the
//! scoring formula with this ring's numbers.

use super::candidates::Hit;
use super::funding::Funding;
use super::lockstep::LockstepBlock;
use super::paid::PaidPanning;
use super::roles::{self, Facts};
use super::score::{Role, Signals};
use super::signals::{self as sig, Acc, Ctx};
use super::{Ring, RingMember};
use crate::detect::ties::{Ties, Via};
use crate::detect::victim::VictimSide;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Everything known about one group, ready to be scored.
pub struct Group<'a> {
    pub members: Vec<u32>,
    pub hits: Vec<&'a Hit>,
    pub blocks: Vec<&'a LockstepBlock>,
    pub paid: Vec<&'a PaidPanning>,
    pub funding: Option<Funding>,
    /// Dormant or household recruits → the operative who invited them.
    pub recruited_by: BTreeMap<u32, u32>,
}

/// The block's review times, widened by the lockstep window on both sides.
pub fn block_window(v: &VictimSide, b: &LockstepBlock, window_ms: i64) -> (i64, i64) {
    let times = b.reviews.iter().map(|&i| v.negative[i].at);
    let lo = times.clone().min().unwrap_or(0);
    let hi = times.max().unwrap_or(0);
    (lo - window_ms, hi + window_ms)
}

fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A stable id: the hash of the sorted member ids.
pub fn ring_id(member_ids: &[String]) -> String {
    let mut ids: Vec<&str> = member_ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    format!("ring-{:016x}", fnv64(&ids.join(",")))
}

/// Marks members invited by an operative, or sharing an identifier with a busier one.
fn recruit_flags(c: &Ctx, acc: &mut Acc) {
    let reviews_of = |acc: &Acc, a: u32| acc.acts.get(&a).map_or(0, |x| x.negative_reviews);
    for &a in c.members {
        for &b in c.members {
            if a == b || reviews_of(acc, b) == 0 {
                continue;
            }
            let (mut invited, mut tied) = (false, false);
            for via in c.ties.between(a, b) {
                match via {
                    Via::Referral { inviter, .. } if *inviter == b => invited = true,
                    Via::Identifier { .. } if reviews_of(acc, b) > reviews_of(acc, a) => {
                        tied = true
                    }
                    _ => {}
                }
            }
            let x = acc.acts.entry(a).or_default();
            x.invited_by_operative |= invited;
            x.tied_to_busier_operative |= tied;
        }
    }
}

/// Scores one group and explains it.
pub fn describe(window_ms: i64, v: &VictimSide, ties: &Ties, g: &Group) -> Ring {
    let name = |a: u32| v.accounts.name(a).to_string();
    let mut members: Vec<u32> = g.members.clone();
    let mut funders: HashSet<u32> = HashSet::new();
    if let Some(f) = &g.funding {
        let sponsor = f.sponsor.as_ref().map(|s| s.seller);
        for a in f.chain.iter().map(|l| l.from).chain(sponsor) {
            funders.insert(a);
            if !members.contains(&a) {
                members.push(a);
            }
        }
    }
    members.sort_by_key(|a| name(*a));
    let c = Ctx {
        v,
        ties,
        members: &members,
        set: members.iter().copied().collect(),
        window_ms,
        funders,
    };
    let mut acc = Acc::default();
    let signals = Signals {
        extortion: sig::extortion(&c, &g.hits, &mut acc),
        contact: sig::contact_only(&c, &g.hits, &mut acc),
        lockstep: sig::lockstep(&c, &g.blocks, &mut acc),
        paid_panning: sig::paid_panning(&c, &g.paid, &mut acc),
        identity: sig::identity(&c, &mut acc),
        referral: sig::referrals(&c, &mut acc),
        internal_money: sig::internal_money(&c, &mut acc),
        seller_money: sig::seller_money(&c, g.funding.as_ref(), &mut acc),
    };
    sig::member_messages(&c, &mut acc);
    let counts: Vec<(u32, usize)> = acc.reviews_by.iter().map(|(a, r)| (*a, r.len())).collect();
    for (a, n) in counts {
        acc.acts.entry(a).or_default().negative_reviews = n;
    }
    recruit_flags(&c, &mut acc);
    let score = signals.score();
    let reviewers: BTreeSet<u32> = members
        .iter()
        .copied()
        .filter(|a| acc.acts.get(a).is_some_and(|x| x.negative_reviews > 0))
        .collect();
    let mut ring_members = Vec::new();
    let mut role_reasons = Vec::new();
    for &a in &members {
        let acts = acc.acts.get(&a).cloned().unwrap_or_default();
        let recruiter = g.recruited_by.get(&a).map(|o| name(*o));
        let facts = Facts {
            account: a,
            acts: &acts,
            coordinated: acts.coordinated(&reviewers).len(),
            funding: g.funding.as_ref(),
            recruited_by: recruiter.as_deref(),
        };
        let (role, why) = roles::assign(&facts);
        role_reasons.push(format!("{} is {}: {why}.", name(a), role.as_str()));
        let weight = if role == Role::Recruit && acts.negative_reviews == 0 {
            0.25
        } else {
            acts.weight()
        };
        ring_members.push(RingMember {
            account_id: name(a),
            role,
            contribution: weight,
        });
    }
    let max_w = ring_members
        .iter()
        .map(|m| m.contribution)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    for m in &mut ring_members {
        m.contribution = (m.contribution / max_w * 1000.0).round() / 1000.0;
        acc.ev.node(
            m.account_id.clone(),
            "Account",
            Some(m.role.as_str().to_lowercase()),
        );
    }
    ring_members.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then(a.account_id.cmp(&b.account_id))
    });
    let mut reasons = acc.reasons;
    reasons.extend(role_reasons);
    reasons.extend(ties.cap_reasons(&v.accounts, &members));
    if !signals.malicious() {
        reasons.push(
            "No malicious signal (no owner payment or contact after a member's negative review, no lockstep reviewing, no reviewers paid for panning): score capped below the threshold.".into(),
        );
    }
    reasons.insert(
        0,
        format!(
            "Score {:.2} = noisy-OR of signals: extortion {:.2}, contact {:.2}, lockstep {:.2}, paid panning {:.2}, identity {:.2}, referral {:.2}, internal money {:.2}, seller money {:.2}.",
            score,
            signals.extortion,
            signals.contact,
            signals.lockstep,
            signals.paid_panning,
            signals.identity,
            signals.referral,
            signals.internal_money,
            signals.seller_money
        ),
    );
    let mut ev = acc.ev;
    ev.reasons = reasons.clone();
    let ids: Vec<String> = ring_members.iter().map(|m| m.account_id.clone()).collect();
    Ring {
        id: ring_id(&ids),
        kind: signals.kind(),
        score: (score * 1000.0).round() / 1000.0,
        members: ring_members,
        victim_shops: acc.shops.into_iter().collect(),
        first_at: acc.times.iter().min().copied(),
        last_at: acc.times.iter().max().copied(),
        money_in: acc.money_in.to_vec(),
        money_out: acc.money_out.to_vec(),
        reasons,
        evidence: ev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_ids_do_not_depend_on_member_order() {
        let a = ring_id(&["a-2".into(), "a-1".into()]);
        let b = ring_id(&["a-1".into(), "a-2".into()]);
        assert_eq!(a, b);
        assert_ne!(a, ring_id(&["a-1".into(), "a-3".into()]));
        assert!(a.starts_with("ring-"));
    }
}
