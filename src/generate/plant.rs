//! Planted malicious cases: extortion crews, competitor-hired campaigns, bribed insiders.
//! Each is planned up front (members, shared identifiers, referrals, schedule) and its records
//! are emitted at a random point of the account stream so its ids interleave with background ids.

use std::io;

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::background::{malicious_text, memo, p2p_channel, review_text, Ctx};
use super::text::*;
use super::util::*;
use super::world::{
    InsiderInfo, InsiderShop, Unit, World, F_BRIBER, F_RESERVED, Q_MEDIOCRE, STAFF,
};
use super::writer::{Action, Ent, LinkKind, MsgChannel};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Partial {
    Complete,
    /// Paid, but the review is not withdrawn (yet).
    NoWithdrawal,
    /// Paid with no recorded contact (negotiated off-platform).
    NoMessage,
    /// Contacted, never paid (an extortion attempt); the author may pan the shop again.
    Refused,
}

/// One extortion incident against a victim shop.
#[derive(Clone, Debug)]
pub(crate) struct Victim {
    pub shop: u32,
    pub author: u32,
    pub placed: Time,
    pub fen: u64,
    pub partial: Partial,
    /// revise to 5 instead of withdrawing
    pub revise: bool,
    /// who messages the owner
    pub contact: u32,
    /// who receives the money
    pub payee: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Crew {
    pub group: String,
    pub members: Vec<(u32, &'static str)>,
    pub organizer: u32,
    pub negotiator: Option<u32>,
    /// A split crew's second account, tied to the negotiator, that receives the money.
    pub payee_account: Option<u32>,
    pub victims: Vec<Victim>,
}

#[derive(Clone, Debug)]
pub(crate) struct Campaign {
    pub group: String,
    pub beneficiary: u32,
    pub mules: Vec<u32>,
    pub organizer: u32,
    pub negotiator: Option<u32>,
    /// operatives and recruits with their role
    pub reviewers: Vec<(u32, &'static str)>,
    /// recruits who have not posted (labelled `recruit`, never review)
    pub dormant: Vec<u32>,
    pub rivals: Vec<u32>,
    pub start: Time,
    /// orders are placed in [start, start + spread]
    pub spread: Time,
    /// five-star camouflage reviews per reviewer (min, max)
    pub camouflage: (u32, u32),
    /// camouflage reviews even when the dataset has camouflage off
    pub always_camouflage: bool,
    /// which rivals each reviewer pans (None: about 75% of them each, at least two)
    pub targets: Option<Vec<Vec<u32>>>,
    /// the organizer pays each reviewer up front (before the campaign), not after its reviews
    pub upfront: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Direct,
    Proxy,
    Intermediary,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Bribe {
    pub briber: u32,
    pub at: Time,
    pub fen: u64,
    pub route: Route,
}

#[derive(Clone, Debug)]
pub(crate) struct Insider {
    pub group: String,
    pub employee: u32,
    pub proxy: Option<u32>,
    pub intermediary: Option<u32>,
    pub bribers: Vec<u32>,
    pub bribes: Vec<Bribe>,
    pub start: Time,
    pub end: Time,
}

fn no_accounts() -> io::Error {
    io::Error::other("not enough suitable shops/accounts for the planted cases; use more accounts")
}

// ---------------------------------------------------------------------------------- crews

/// A random extortion crew: organizer, operative, recruit (the operative's relative).
pub(crate) fn plan_crew(w: &mut World, rng: &mut ChaCha8Rng, n: u32) -> io::Result<()> {
    let group = format!("crew-{n}");
    let org = w.take_buyer(rng)?;
    let op = w.take_buyer(rng)?;
    let rec = w.take_buyer(rng)?;
    for m in [org, op, rec] {
        w.mark_planted(m);
    }
    let start = between(rng, at(2, 1, 0, 0), at(9, 1, 0, 0));
    // organizer–operative tie
    let tie = rng.random_range(0..4);
    if tie == 0 || tie == 3 {
        let r = (start - between(rng, 10 * DAY, 60 * DAY)).max(2 * DAY);
        w.refer(rng, org, op, r);
    }
    if tie == 1 || tie == 3 {
        let k = h(w.seed, super::world::tag::SHARED, 1, ((n as u64) << 8) | 1);
        w.ov_mut(org).device = Some(k);
        w.ov_mut(op).device = Some(k);
    } else if tie == 2 {
        w.share(org, op, LinkKind::Phone);
    }
    w.registered_by(rng, org, start - DAY);
    w.registered_by(rng, op, start - DAY);
    // the recruit: a relative of the operative, invited by them, sharing address or device
    let r2 = start + between(rng, 2 * DAY, 15 * DAY);
    w.refer(rng, op, rec, r2);
    w.share(
        op,
        rec,
        if rng.random_bool(0.6) {
            LinkKind::Address
        } else {
            LinkKind::Device
        },
    );

    // split roles: a negotiator talks, a second account tied to it is paid
    let split = w.opts.patterns.split_negotiator && rng.random_bool(0.6);
    let (neg, payee_account) = if split {
        let (neg, pa) = (w.take_buyer(rng)?, w.take_buyer(rng)?);
        for m in [neg, pa] {
            w.mark_planted(m);
            w.registered_by(rng, m, start - DAY);
        }
        let kind = [LinkKind::Device, LinkKind::Phone, LinkKind::Address][rng.random_range(0..3)];
        w.share(neg, pa, kind);
        if rng.random_bool(0.5) {
            let r = (start - between(rng, 10 * DAY, 60 * DAY)).max(2 * DAY);
            w.refer(rng, org, neg, r);
        }
        (Some(neg), Some(pa))
    } else {
        (None, None)
    };
    // a recruit in waiting: invited by the operative into its household, no review yet
    let dormant = if w.opts.patterns.dormant_recruits && rng.random_bool(0.6) {
        let d = w.take_buyer(rng)?;
        w.mark_planted(d);
        let r = start + between(rng, 0, 20 * DAY);
        w.refer(rng, op, d, r);
        let kind = if rng.random_bool(0.6) {
            LinkKind::Address
        } else {
            LinkKind::Device
        };
        w.share(op, d, kind);
        Some(d)
    } else {
        None
    };

    let k = rng.random_range(3..=8usize);
    let n_rec = rng.random_range(1..=3usize.min(k - 1));
    let mut t = start + between(rng, 0, 2 * DAY);
    let mut victims = Vec::new();
    for v in 0..k {
        let author = if v >= k - n_rec { rec } else { op };
        if author == rec {
            t = t.max(r2 + DAY + between(rng, 0, DAY));
        }
        if t > at(11, 25, 0, 0) {
            break;
        }
        let tt = t;
        let Some(shop) = w.take_shop(rng, |w, s| w.shops[s as usize].opened + 10 * DAY < tt) else {
            continue;
        };
        let partial = if rng.random_bool(0.15) {
            if rng.random_bool(0.5) {
                Partial::NoWithdrawal
            } else {
                Partial::NoMessage
            }
        } else {
            Partial::Complete
        };
        let (contact, payee) = match (neg, payee_account) {
            (Some(n), Some(pa)) => (n, if rng.random_bool(0.85) { pa } else { org }),
            _ => {
                let contact = if rng.random_bool(0.8) { org } else { op };
                let payee = if w.opts.camouflage && rng.random_bool(0.2) {
                    op
                } else {
                    org
                };
                (contact, payee)
            }
        };
        let fen = round_yuan((600f64.ln() + rng.random::<f64>() * (8800f64 / 600.0).ln()).exp());
        victims.push(Victim {
            shop,
            author,
            placed: t,
            fen,
            partial,
            revise: rng.random_bool(0.25),
            contact,
            payee,
        });
        t += between(rng, 2 * DAY, 9 * DAY);
    }
    if victims.len() < 2 {
        return Err(no_accounts());
    }
    // one more owner refuses: drawn last, so the crew's other victims keep their draws
    if w.opts.patterns.refusals && rng.random_bool(0.5) && t <= at(11, 25, 0, 0) {
        let tt = t;
        if let Some(shop) = w.take_shop(rng, |w, s| w.shops[s as usize].opened + 10 * DAY < tt) {
            let last = victims.last().expect("two victims at least").clone();
            victims.push(Victim {
                shop,
                author: op,
                placed: t,
                fen: 0,
                partial: Partial::Refused,
                revise: false,
                ..last
            });
        }
    }
    let mut members = vec![(org, "organizer"), (op, "operative"), (rec, "recruit")];
    if let (Some(n), Some(pa)) = (neg, payee_account) {
        members.push((n, "negotiator"));
        members.push((pa, "payee"));
    }
    if let Some(d) = dormant {
        members.push((d, "recruit"));
    }
    let crew = Crew {
        group,
        members,
        organizer: org,
        negotiator: neg,
        payee_account,
        victims,
    };
    w.add_unit(rng, Unit::Crew(Box::new(crew)));
    Ok(())
}

impl Crew {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        for &(m, role) in &self.members {
            cx.out
                .label(Ent::Acc(m), "extortion_crew", &self.group, Some(role))?;
        }
        let org = self.organizer;
        let mut seen = Vec::new();
        for v in &self.victims {
            let owner = cx.w.owner(v.shop);
            if !seen.contains(&v.shop) {
                seen.push(v.shop);
                cx.out
                    .label(Ent::Shop(v.shop), "extortion_victim", &self.group, None)?;
            }
            // coordination before the purchase
            let tc = v.placed - between(rng, HOUR, DAY);
            if v.author != org {
                cx.msg(org, v.author, tc, pick(rng, MSG_CREW))?;
                if rng.random_bool(0.6) {
                    cx.msg(
                        v.author,
                        org,
                        tc + between(rng, MIN, 2 * HOUR),
                        pick(rng, MSG_CREW_REPLY),
                    )?;
                }
            }
            if let Some(neg) = self.negotiator {
                cx.msg(org, neg, tc + between(rng, 0, HOUR), pick(rng, MSG_CREW))?;
            }
            let rating = if rng.random_bool(0.6) { 1 } else { 2 };
            let text = malicious_text(rng);
            let (_, rid, tr) = cx.reviewed_order(
                rng,
                v.author,
                v.shop,
                v.placed,
                (6 * HOUR, 3 * DAY),
                rating,
                text,
            )?;
            let role = match v.partial {
                Partial::Complete => "complete",
                Partial::Refused => "attempt",
                _ => "partial",
            };
            cx.out.label(
                Ent::Review(rid),
                "extortion_review",
                &self.group,
                Some(role),
            )?;
            let tp = if v.partial == Partial::NoMessage {
                tr + between(rng, HOUR, 4 * DAY)
            } else {
                let tm = tr + between(rng, 30 * MIN, 2 * DAY);
                let ch = if rng.random_bool(0.85) {
                    MsgChannel::Im
                } else {
                    MsgChannel::Sms
                };
                cx.out
                    .message(v.contact, owner, tm, ch, pick(rng, MSG_EXTORT))?;
                if v.partial == Partial::Refused {
                    // the owner says no; more bad reviews come
                    cx.msg(
                        owner,
                        v.contact,
                        tm + between(rng, 5 * MIN, 6 * HOUR),
                        pick(rng, MSG_EXTORT_REPLY),
                    )?;
                    if rng.random_bool(0.6) {
                        let placed = tm + between(rng, DAY, 3 * DAY);
                        let text = malicious_text(rng);
                        cx.reviewed_order(
                            rng,
                            v.author,
                            v.shop,
                            placed,
                            (6 * HOUR, 2 * DAY),
                            1,
                            text,
                        )?;
                    }
                    continue;
                }
                let mut last = tm;
                if rng.random_bool(0.6) {
                    last = tm + between(rng, 5 * MIN, 6 * HOUR);
                    cx.msg(owner, v.contact, last, pick(rng, MSG_EXTORT_REPLY))?;
                }
                last + between(rng, 10 * MIN, 3 * DAY)
            };
            let ch = p2p_channel(rng);
            cx.out.payment(
                owner,
                v.payee,
                v.fen,
                tp,
                ch,
                None,
                memo(pick(rng, MEMO_EXTORT)),
            )?;
            if v.partial != Partial::NoWithdrawal {
                let te = tp + between(rng, 10 * MIN, DAY);
                let action = if v.revise {
                    Action::Revised(5)
                } else {
                    Action::Withdrawn
                };
                cx.out.event(rid, action, v.author, te, None, None)?;
            }
            let mut t_org = tp;
            if v.payee != org {
                t_org = tp + between(rng, HOUR, DAY);
                let cut = v.fen * rng.random_range(60..=80) / 100 / 100 * 100;
                cx.out.payment(
                    v.payee,
                    org,
                    cut,
                    t_org,
                    p2p_channel(rng),
                    None,
                    memo(pick(rng, MEMO_SHARE)),
                )?;
            }
            // a split crew's paid account hands the negotiator its cut
            if let (Some(pa), Some(neg)) = (self.payee_account, self.negotiator) {
                if v.payee == pa && rng.random_bool(0.7) {
                    let cut = v.fen * rng.random_range(10..=20) / 100 / 100 * 100;
                    cx.out.payment(
                        pa,
                        neg,
                        cut,
                        t_org + between(rng, HOUR, DAY),
                        p2p_channel(rng),
                        None,
                        memo(pick(rng, MEMO_SHARE)),
                    )?;
                }
            }
            if v.author != v.payee && v.author != org {
                let share = v.fen * rng.random_range(20..=40) / 100 / 100 * 100;
                let ts = t_org + between(rng, HOUR, 2 * DAY);
                cx.out.payment(
                    org,
                    v.author,
                    share,
                    ts,
                    p2p_channel(rng),
                    None,
                    memo(pick(rng, MEMO_SHARE)),
                )?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------- campaigns

/// Rival shops of category `cat` (most popular first) that are free to use.
pub(crate) fn rival_candidates(w: &World, cat: u8, not_owner: u32, before: Time) -> Vec<u32> {
    w.by_rank
        .iter()
        .copied()
        .filter(|&s| {
            let sh = &w.shops[s as usize];
            sh.cat == cat
                && sh.flags == 0
                && sh.owner != not_owner
                && !w.reserved.contains(&sh.owner)
                && sh.opened + 10 * DAY < before
        })
        .collect()
}

/// Reserve `k` rivals among the more popular half of `cands`.
pub(crate) fn take_rivals(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    cands: &[u32],
    k: usize,
) -> Vec<u32> {
    let top = &cands[..cands.len().min((cands.len() / 2).max(k * 2))];
    let mut chosen: Vec<u32> = top
        .choose_multiple(rng, k.min(top.len()))
        .copied()
        .collect();
    chosen.sort_unstable();
    let mut out = Vec::new();
    for s in chosen {
        let owner = w.owner(s);
        if w.reserved.contains(&owner) {
            continue; // two rivals with the same owner: keep one
        }
        w.shops[s as usize].flags |= F_RESERVED;
        w.reserved.insert(owner);
        out.push(s);
    }
    out
}

pub(crate) fn plan_campaign(w: &mut World, rng: &mut ChaCha8Rng, n: u32) -> io::Result<()> {
    let group = format!("campaign-{n}");
    let start = between(rng, at(2, 15, 0, 0), at(11, 1, 0, 0));
    // per-category count of free shops, to find a beneficiary with enough rivals
    let mut free = [0u32; 32];
    for s in &w.shops {
        if s.flags == 0 && !w.reserved.contains(&s.owner) && s.opened + 10 * DAY < start {
            free[s.cat as usize] += 1;
        }
    }
    let ben = w
        .take_seller(rng, |w, i| {
            let r = w.shops_of(i);
            !r.is_empty()
                && r.clone().all(|s| {
                    w.shops[s as usize].flags == 0 && w.shops[s as usize].opened + 10 * DAY < start
                })
                && free[w.shops[r.start as usize].cat as usize] >= 5
        })
        .ok_or_else(no_accounts)?;
    w.mark_planted(ben);
    let cat = w.shops[w.first_shop[ben as usize] as usize].cat;
    let cands = rival_candidates(w, cat, ben, start);
    let k = rng.random_range(3..=6usize);
    let rivals = take_rivals(w, rng, &cands, k);
    if rivals.len() < 2 {
        return Err(no_accounts());
    }
    let mules = take_mules(w, rng, start)?;
    let org = w.take_buyer(rng)?;
    w.mark_planted(org);
    let mut reviewers = Vec::new();
    for _ in 0..rng.random_range(5..=12) {
        let op = w.take_buyer(rng)?;
        w.mark_planted(op);
        if rng.random_bool(0.8) {
            let r = (start - between(rng, 10 * DAY, 90 * DAY)).max(2 * DAY);
            w.refer(rng, org, op, r);
        } else {
            w.registered_by(rng, op, start - 5 * DAY);
        }
        reviewers.push((op, "operative"));
    }
    w.registered_by(rng, org, start - 10 * DAY);
    let n_ops = reviewers.len();
    let mut n_rec = 0;
    for j in 0..n_ops {
        if n_rec < 3 && rng.random_bool(0.25) {
            let op = reviewers[j].0;
            let rec = w.take_buyer(rng)?;
            w.mark_planted(rec);
            let r = start - between(rng, DAY, 8 * DAY);
            if w.reg(op) < r - HOUR {
                w.refer(rng, op, rec, r);
            } else {
                w.registered_by(rng, rec, r);
            }
            w.share(
                op,
                rec,
                if rng.random_bool(0.6) {
                    LinkKind::Address
                } else {
                    LinkKind::Device
                },
            );
            reviewers.push((rec, "recruit"));
            n_rec += 1;
        }
    }
    let mut dormant = Vec::new();
    if w.opts.patterns.dormant_recruits && rng.random_bool(0.6) {
        let op = reviewers[rng.random_range(0..n_ops)].0;
        let d = w.take_buyer(rng)?;
        w.mark_planted(d);
        let r = start - between(rng, DAY, 8 * DAY);
        if w.reg(op) < r - HOUR {
            w.refer(rng, op, d, r);
            let kind = if rng.random_bool(0.6) {
                LinkKind::Address
            } else {
                LinkKind::Device
            };
            w.share(op, d, kind);
            dormant.push(d);
        }
    }
    let c = Campaign {
        group,
        beneficiary: ben,
        mules,
        organizer: org,
        negotiator: None,
        reviewers,
        dormant,
        rivals,
        start,
        spread: 3 * DAY,
        camouflage: (1, 3),
        always_camouflage: false,
        targets: None,
        upfront: false,
    };
    w.add_unit(rng, Unit::Campaign(Box::new(c)));
    Ok(())
}

/// The mules between a campaign's beneficiary and its organizer: one less than the number of
/// transfers in the chain (`Patterns::mule_hops`).
fn take_mules(w: &mut World, rng: &mut ChaCha8Rng, start: Time) -> io::Result<Vec<u32>> {
    let (lo, hi) = w.opts.patterns.mule_hops;
    let n = rng.random_range(lo.max(1) - 1..=hi.max(lo).max(1) - 1);
    let mut mules = Vec::new();
    for _ in 0..n {
        let m = w.take_buyer(rng)?;
        w.mark_planted(m);
        w.registered_by(rng, m, start - 10 * DAY);
        mules.push(m);
    }
    Ok(mules)
}

/// A beneficiary seller with at least five free rival shops in its category, and the rivals
/// (`k` drawn from `rivals`).
fn take_beneficiary(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    start: Time,
    rivals: std::ops::RangeInclusive<usize>,
) -> io::Result<(u32, Vec<u32>)> {
    let mut free = [0u32; 32];
    for s in &w.shops {
        if s.flags == 0 && !w.reserved.contains(&s.owner) && s.opened + 10 * DAY < start {
            free[s.cat as usize] += 1;
        }
    }
    let ben = w
        .take_seller(rng, |w, i| {
            let r = w.shops_of(i);
            !r.is_empty()
                && r.clone().all(|s| {
                    w.shops[s as usize].flags == 0 && w.shops[s as usize].opened + 10 * DAY < start
                })
                && free[w.shops[r.start as usize].cat as usize] >= 5
        })
        .ok_or_else(no_accounts)?;
    w.mark_planted(ben);
    let cat = w.shops[w.first_shop[ben as usize] as usize].cat;
    let cands = rival_candidates(w, cat, ben, start);
    let k = rng.random_range(rivals);
    let chosen = take_rivals(w, rng, &cands, k);
    if chosen.len() < 2 {
        return Err(no_accounts());
    }
    Ok((ben, chosen))
}

/// A small campaign from device farms: six operatives, two per farm sharing the farm's
/// device and IP, hired (30% invited) and paid by the organizer. Each farm takes two of the
/// 3–5 rivals (neighbouring farms share one) and each operative pans one or both of its
/// farm's rivals over about ten days, so operatives of different farms rarely share two
/// targets. Each also leaves 2–4 five-star camouflage reviews on popular shops. Half the
/// farms' organizers pay up front (before the first order), the rest after each operative's
/// last review. Funded through 1–3 transfers (`Patterns::mule_hops`).
pub(crate) fn plan_farm_campaign(w: &mut World, rng: &mut ChaCha8Rng, n: u32) -> io::Result<()> {
    let group = format!("farm-campaign-{n}");
    let start = between(rng, at(2, 15, 0, 0), at(11, 1, 0, 0));
    let (ben, rivals) = take_beneficiary(w, rng, start, 3..=5)?;
    let mules = take_mules(w, rng, start)?;
    let org = w.take_buyer(rng)?;
    w.mark_planted(org);
    w.registered_by(rng, org, start - 10 * DAY);
    let mut reviewers = Vec::new();
    let mut targets = Vec::new();
    for farm in 0..3u64 {
        let mine = [
            rivals[farm as usize % rivals.len()],
            rivals[(farm as usize + 1) % rivals.len()],
        ];
        let key = ((n as u64) << 8) | farm;
        let device = h(w.seed, super::world::tag::SHARED, 6, key);
        let ip = h(w.seed, super::world::tag::SHARED, 7, key);
        for _ in 0..2 {
            let op = w.take_buyer(rng)?;
            w.mark_planted(op);
            if rng.random_bool(0.3) {
                let r = (start - between(rng, 10 * DAY, 60 * DAY)).max(2 * DAY);
                w.refer(rng, org, op, r);
            } else {
                w.registered_by(rng, op, start - 5 * DAY);
            }
            let o = w.ov_mut(op);
            o.device = Some(device);
            o.ip = Some(ip);
            reviewers.push((op, "operative"));
            targets.push(match rng.random_range(0..3) {
                0 => vec![mine[0]],
                1 => vec![mine[1]],
                _ => mine.to_vec(),
            });
        }
    }
    let c = Campaign {
        group,
        beneficiary: ben,
        mules,
        organizer: org,
        negotiator: None,
        reviewers,
        dormant: Vec::new(),
        rivals,
        start,
        spread: 8 * DAY,
        camouflage: (2, 4),
        always_camouflage: true,
        targets: Some(targets),
        upfront: rng.random_bool(0.5),
    };
    w.add_unit(rng, Unit::Campaign(Box::new(c)));
    Ok(())
}

impl Campaign {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        let g = &self.group;
        let org = self.organizer;
        cx.out.label(
            Ent::Acc(self.beneficiary),
            "hired_agents",
            g,
            Some("beneficiary"),
        )?;
        for &m in &self.mules {
            cx.out
                .label(Ent::Acc(m), "hired_agents", g, Some("intermediary"))?;
        }
        cx.out
            .label(Ent::Acc(org), "hired_agents", g, Some("organizer"))?;
        if let Some(neg) = self.negotiator {
            cx.out
                .label(Ent::Acc(neg), "hired_agents", g, Some("negotiator"))?;
        }
        for &(r, role) in &self.reviewers {
            cx.out.label(Ent::Acc(r), "hired_agents", g, Some(role))?;
        }
        for &d in &self.dormant {
            cx.out
                .label(Ent::Acc(d), "hired_agents", g, Some("recruit"))?;
        }
        for &s in &self.rivals {
            cx.out.label(Ent::Shop(s), "hired_victim", g, None)?;
        }
        // who hits which rival
        let plan: Vec<Vec<u32>> = match &self.targets {
            Some(t) => t.clone(),
            None => self
                .reviewers
                .iter()
                .map(|_| {
                    let mut v: Vec<u32> = self
                        .rivals
                        .iter()
                        .copied()
                        .filter(|_| rng.random_bool(0.75))
                        .collect();
                    while v.len() < 2.min(self.rivals.len()) {
                        let s = pick(rng, &self.rivals);
                        if !v.contains(&s) {
                            v.push(s);
                        }
                    }
                    v
                })
                .collect(),
        };
        let fee = rng.random_range(15..=60u64) * 100;
        let total: u64 = plan.iter().map(|v| v.len() as u64 * fee).sum();
        let budget = round_yuan(total as f64 / 100.0 * rng.random_range(1.4..2.2));
        // money: beneficiary -> mules -> organizer, forward in time, slightly decreasing
        let w0 = self.start;
        let mut t = w0 - between(rng, 5 * DAY, 9 * DAY);
        let mut from = self.beneficiary;
        let mut amt = budget;
        let mut chain: Vec<u32> = self.mules.clone();
        chain.push(org);
        for (k, &to) in chain.iter().enumerate() {
            if k == 0 && rng.random_bool(0.6) {
                cx.msg(
                    from,
                    to,
                    t - between(rng, HOUR, 2 * DAY),
                    pick(rng, MSG_BROKER),
                )?;
            }
            if to == org {
                if let Some(neg) = self.negotiator {
                    cx.msg(
                        from,
                        neg,
                        t - between(rng, HOUR, DAY),
                        pick(rng, MSG_BROKER),
                    )?;
                    cx.msg(neg, org, t - between(rng, 0, HOUR), pick(rng, MSG_BROKER))?;
                } else if rng.random_bool(0.5) {
                    cx.msg(from, to, t - between(rng, HOUR, DAY), pick(rng, MSG_BROKER))?;
                }
            }
            let ch = if rng.random_bool(0.3) {
                super::writer::Channel::Bank
            } else {
                p2p_channel(rng)
            };
            cx.out
                .payment(from, to, amt, t, ch, None, memo(pick(rng, MEMO_MULE)))?;
            from = to;
            amt = amt * rng.random_range(95..=99) / 100 / 1000 * 1000;
            t += between(rng, 3 * HOUR, 2 * DAY);
        }
        // organizer briefs the reviewers
        for &(r, _) in &self.reviewers {
            let tb = w0 - between(rng, 2 * HOUR, 2 * DAY);
            cx.msg(org, r, tb, pick(rng, MSG_CAMPAIGN))?;
            if rng.random_bool(0.7) {
                cx.msg(
                    r,
                    org,
                    tb + between(rng, MIN, 3 * HOUR),
                    pick(rng, MSG_CREW_REPLY),
                )?;
            }
        }
        // lockstep orders and negative reviews
        for (k, &(r, _)) in self.reviewers.iter().enumerate() {
            let mut last = w0;
            for &s in &plan[k] {
                let placed = w0 + between(rng, 0, self.spread);
                let rating = [1u8, 2, 3][pick_w(rng, &[55, 35, 10])];
                let text = if rating == 3 {
                    pick(rng, REVIEW_3)
                } else {
                    malicious_text(rng)
                };
                let (_, rid, tr) =
                    cx.reviewed_order(rng, r, s, placed, (DAY, 3 * DAY), rating, text)?;
                cx.out.label(Ent::Review(rid), "hired_review", g, None)?;
                last = last.max(tr);
                if rating <= 2 && rng.random_bool(0.2) {
                    cx.complaint_flow(rng, rid, cx.w.owner(s), tr, 0.5, false)?;
                }
            }
            if cx.w.opts.camouflage || self.always_camouflage {
                let top = cx.w.top_shops(0.01);
                for _ in 0..rng.random_range(self.camouflage.0..=self.camouflage.1) {
                    let s = pick(rng, top);
                    let sh = cx.w.shops[s as usize];
                    let placed = (w0 + between(rng, 0, 40 * DAY) - 20 * DAY)
                        .max(cx.w.reg(r).max(sh.opened) + HOUR);
                    if sh.owner == r || placed > at(12, 20, 0, 0) {
                        continue;
                    }
                    let rating = if rng.random_bool(0.8) { 5 } else { 4 };
                    let text = review_text(rng, rating);
                    cx.reviewed_order(rng, r, s, placed, (2 * DAY, 5 * DAY), rating, text)?;
                }
            }
            let tp = if self.upfront {
                w0 - between(rng, HOUR, 2 * DAY)
            } else {
                last + between(rng, 2 * HOUR, 3 * DAY)
            };
            let memo_s = pick(rng, &["佣金", "", "红包", "辛苦费"]);
            cx.out.payment(
                org,
                r,
                plan[k].len() as u64 * fee,
                tp,
                p2p_channel(rng),
                None,
                memo(memo_s),
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------- insiders

pub(crate) struct InsiderSpec {
    pub group: String,
    pub employee: u32,
    pub proxy: Option<u32>,
    pub intermediary: Option<u32>,
    pub bribers: usize,
    pub start: Time,
    pub end: Time,
    /// exact total of the bribes, if fixed
    pub total_fen: Option<u64>,
    pub pays: (u32, u32),
    /// share of bribes paid to the employee directly (rest via proxy / intermediary)
    pub direct: f64,
}

/// A random insider: a staff member bribed by 5–30 shop owners.
pub(crate) fn plan_insider_random(w: &mut World, rng: &mut ChaCha8Rng, n: u32) -> io::Result<()> {
    let cands: Vec<u32> = w
        .staff
        .iter()
        .copied()
        .filter(|s| !w.reserved.contains(s) && *s < w.n_bg)
        .collect();
    let employee = *cands
        .get(rng.random_range(0..cands.len().max(1)))
        .ok_or_else(no_accounts)?;
    w.reserved.insert(employee);
    let start = between(rng, at(2, 1, 0, 0), at(7, 1, 0, 0));
    let end = (start + between(rng, 90 * DAY, 180 * DAY)).min(at(12, 15, 0, 0));
    let camo = w.opts.camouflage;
    let proxy = if camo { Some(w.take_buyer(rng)?) } else { None };
    let intermediary = if camo && rng.random_bool(0.6) {
        Some(w.take_buyer(rng)?)
    } else {
        None
    };
    let spec = InsiderSpec {
        group: format!("insider-{n}"),
        employee,
        proxy,
        intermediary,
        // 5–30 bribers, but never more than a fifth of the sellers (tiny datasets)
        bribers: rng.random_range(5..=30).min((w.shops.len() / 7).max(2)),
        start,
        end,
        total_fen: None,
        pays: (2, 5),
        direct: if camo { 0.35 } else { 1.0 },
    };
    plan_insider(w, rng, spec)
}

pub(crate) fn plan_insider(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    spec: InsiderSpec,
) -> io::Result<()> {
    let emp = spec.employee;
    debug_assert_eq!(w.role[emp as usize], STAFF);
    w.mark_planted(emp);
    if let Some(p) = spec.proxy {
        w.mark_planted(p);
        // a relative: shares the employee's phone or home address
        w.share(
            emp,
            p,
            if rng.random_bool(0.5) {
                LinkKind::Phone
            } else {
                LinkKind::Address
            },
        );
        w.registered_by(rng, p, spec.start - 10 * DAY);
    }
    if let Some(m) = spec.intermediary {
        w.mark_planted(m);
        w.registered_by(rng, m, spec.start - 10 * DAY);
    }
    let unit_idx = w.insiders.len() as u16;
    // bribers: sellers among the more popular shops
    let mut rank = vec![0u32; w.shops.len()];
    for (r, &s) in w.by_rank.iter().enumerate() {
        rank[s as usize] = r as u32;
    }
    let top = ((w.shops.len() as f64 * 0.10) as u32)
        .max(30)
        .max(8 * spec.bribers as u32);
    // not the very top shops (1%): bribers are mid-to-upper popularity merchants
    let skip = (w.shops.len() / 100) as u32;
    let mut bribers = Vec::new();
    for _ in 0..spec.bribers {
        let start = spec.start;
        let Some(b) = w.take_seller(rng, |w, i| {
            let r = w.shops_of(i);
            !r.is_empty()
                && r.clone().all(|s| w.shops[s as usize].flags == 0)
                && rank[r.start as usize] < top
                && rank[r.start as usize] >= skip
                && w.shops[r.start as usize].opened + 5 * DAY < start
        }) else {
            break;
        };
        w.mark_planted(b);
        bribers.push(b);
    }
    if bribers.len() < 2 {
        return Err(no_accounts());
    }
    let mut bribes = Vec::new();
    for &b in &bribers {
        let mut times: Vec<Time> = (0..rng.random_range(spec.pays.0..=spec.pays.1))
            .map(|_| between(rng, spec.start, spec.end))
            .collect();
        times.sort_unstable();
        let mut batches = Vec::new();
        for &t in &times {
            let route = if rng.random_bool(spec.direct)
                || (spec.proxy.is_none() && spec.intermediary.is_none())
            {
                Route::Direct
            } else if spec.intermediary.is_some() && (spec.proxy.is_none() || rng.random_bool(0.35))
            {
                Route::Intermediary
            } else {
                Route::Proxy
            };
            let fen = round_yuan((5000.0 * (0.7 * normal(rng)).exp()).clamp(1000.0, 30_000.0));
            bribes.push(Bribe {
                briber: b,
                at: t,
                fen,
                route,
            });
            batches.push((t + between(rng, -DAY, 2 * DAY)).clamp(spec.start, spec.end));
        }
        batches.sort_unstable();
        for s in w.shops_of(b) {
            let sh = &mut w.shops[s as usize];
            sh.flags |= F_BRIBER;
            sh.quality = Q_MEDIOCRE;
            w.insider_shops.insert(
                s,
                InsiderShop {
                    unit: unit_idx,
                    batches: batches.clone(),
                },
            );
        }
    }
    if let Some(total) = spec.total_fen {
        // scale to the exact total, keeping whole yuan
        let sum: u64 = bribes.iter().map(|b| b.fen).sum();
        for b in bribes.iter_mut() {
            b.fen = (b.fen as u128 * total as u128 / sum as u128) as u64 / 100 * 100;
        }
        let now: u64 = bribes.iter().map(|b| b.fen).sum();
        if let Some(last) = bribes.last_mut() {
            last.fen += total - now;
        }
    }
    w.insiders.push(InsiderInfo {
        group: spec.group.clone(),
        employee: emp,
    });
    let ins = Insider {
        group: spec.group,
        employee: emp,
        proxy: spec.proxy,
        intermediary: spec.intermediary,
        bribers,
        bribes,
        start: spec.start,
        end: spec.end,
    };
    w.add_unit(rng, Unit::Insider(Box::new(ins)));
    Ok(())
}

impl Insider {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        let g = &self.group;
        let emp = self.employee;
        cx.out
            .label(Ent::Acc(emp), "insider", g, Some("employee"))?;
        if let Some(p) = self.proxy {
            cx.out.label(Ent::Acc(p), "insider", g, Some("proxy"))?;
        }
        if let Some(m) = self.intermediary {
            cx.out
                .label(Ent::Acc(m), "insider", g, Some("intermediary"))?;
        }
        for &b in &self.bribers {
            cx.out.label(Ent::Acc(b), "insider", g, Some("briber"))?;
        }
        for b in &self.bribes {
            let to = match b.route {
                Route::Direct => emp,
                Route::Proxy => self.proxy.unwrap_or(emp),
                Route::Intermediary => self.intermediary.unwrap_or(emp),
            };
            if rng.random_bool(0.4) {
                cx.msg(
                    b.briber,
                    to,
                    b.at - between(rng, HOUR, 2 * DAY),
                    pick(rng, MSG_BRIBE),
                )?;
            }
            cx.out.payment(
                b.briber,
                to,
                b.fen,
                b.at,
                p2p_channel(rng),
                None,
                memo(pick(rng, MEMO_BRIBE)),
            )?;
            match b.route {
                Route::Proxy if rng.random_bool(0.3) => {
                    let fwd = b.fen * rng.random_range(50..=90) / 100 / 100 * 100;
                    let t = b.at + between(rng, HOUR, 3 * DAY);
                    cx.out.payment(
                        to,
                        emp,
                        fwd,
                        t,
                        p2p_channel(rng),
                        None,
                        memo(pick(rng, MEMO_PRIVATE)),
                    )?;
                }
                Route::Intermediary => {
                    let next = match self.proxy {
                        Some(p) if rng.random_bool(0.5) => p,
                        _ => emp,
                    };
                    let fwd = b.fen * rng.random_range(970..=995) / 1000 / 100 * 100;
                    let t = b.at + between(rng, 2 * HOUR, 2 * DAY);
                    cx.out.payment(
                        to,
                        next,
                        fwd,
                        t,
                        super::writer::Channel::Bank,
                        None,
                        memo(pick(rng, MEMO_MULE)),
                    )?;
                }
                _ => {}
            }
        }
        if let Some(p) = self.proxy {
            for _ in 0..rng.random_range(3..=10) {
                let t = between(rng, self.start - 20 * DAY, self.end)
                    .max(cx.w.reg(p).max(cx.w.reg(emp)) + HOUR);
                let (a, b) = if rng.random_bool(0.5) {
                    (emp, p)
                } else {
                    (p, emp)
                };
                let ch = if rng.random_bool(0.5) {
                    MsgChannel::Im
                } else {
                    MsgChannel::Phone
                };
                cx.out.message(a, b, t, ch, pick(rng, MSG_INSIDER_FAMILY))?;
            }
        }
        Ok(())
    }
}
