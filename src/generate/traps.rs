//! Benign look-alikes ("traps"): shapes that resemble collusion but are innocent. All are labelled
//! `benign` so detectors can be scored on false positives.

use std::io;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::background::{p2p_channel, rating, review_text, Ctx};
use super::text::*;
use super::util::*;
use super::world::{tag, Unit, World, F_BRIBER, Q_BAD, STAFF};
use super::writer::{Action, Ent, MsgChannel, Status};

pub(crate) struct Household {
    pub n: u32,
    pub members: Vec<u32>,
    pub bad_shop: Option<u32>,
}

pub(crate) struct Friends {
    pub n: u32,
    pub members: Vec<u32>,
}

pub(crate) struct Dispute {
    pub n: u32,
    pub buyer: u32,
    pub shop: u32,
}

/// Campus/café group purchase: many accounts on one public IP buy from the same shop.
pub(crate) struct WifiBuy {
    pub members: Vec<u32>,
    pub shop: u32,
}

pub(crate) fn plan_traps(w: &mut World, rng: &mut ChaCha8Rng) -> io::Result<()> {
    if !w.opts.traps {
        return Ok(());
    }
    let n_bg = w.n_bg;

    // households: family members sharing device, address and home router
    let n_house = (n_bg / 2500).max(4);
    let bad: Vec<u32> = (0..w.shops.len() as u32)
        .filter(|&s| w.shops[s as usize].quality == Q_BAD)
        .collect();
    for k in 0..n_house {
        let size = rng.random_range(2..=4);
        let mut members = Vec::new();
        for _ in 0..size {
            members.push(w.take_buyer(rng)?);
        }
        let dev = h(w.seed, tag::SHARED, 2, k as u64);
        let addr = h(w.seed, tag::SHARED, 3, k as u64);
        let ip = h(w.seed, tag::SHARED, 4, k as u64);
        for &m in &members {
            let o = w.ov_mut(m);
            o.device = Some(dev);
            o.address = Some(addr);
            o.ip = Some(ip);
        }
        if rng.random_bool(0.4) {
            let first = members[0];
            for &m in &members[1..] {
                let t = (w.reg(first) + between(rng, DAY, 60 * DAY)).min(at(11, 15, 0, 0));
                w.refer(rng, first, m, t);
            }
        }
        // sometimes the whole family honestly pans the same genuinely bad shop
        let mut bad_shop = None;
        if rng.random_bool(0.5) && !bad.is_empty() {
            for _ in 0..50 {
                let s = pick(rng, &bad);
                let sh = w.shops[s as usize];
                if sh.flags == 0 && !w.reserved.contains(&sh.owner) && !members.contains(&sh.owner)
                {
                    bad_shop = Some(s);
                    break;
                }
            }
        }
        w.add_unit(
            rng,
            Unit::Household(Household {
                n: k + 1,
                members,
                bad_shop,
            }),
        );
    }

    // friends paying each other
    let n_friends = (n_bg / 5000).max(3);
    for k in 0..n_friends {
        let size = rng.random_range(3..=5);
        let mut members = Vec::new();
        for _ in 0..size {
            members.push(w.take_buyer(rng)?);
        }
        if rng.random_bool(0.3) {
            let office = h(w.seed, tag::SHARED, 5, k as u64);
            for &m in &members {
                w.ov_mut(m).ip = Some(office);
            }
        }
        w.add_unit(rng, Unit::Friends(Friends { n: k + 1, members }));
    }

    // busy moderators: many complaint-backed removals (weighting applied in `finalize`)
    let n_busy = (w.staff.len() / 25).max(2);
    let mut cands: Vec<u32> = w
        .staff
        .iter()
        .copied()
        .filter(|s| !w.reserved.contains(s))
        .collect();
    cands.shuffle(rng);
    for s in cands.into_iter().take(n_busy) {
        w.reserved.insert(s);
        w.busy.push(s);
    }
    w.busy.sort_unstable();
    w.add_unit(rng, Unit::BusyLabels);

    // resolved disputes: negative review -> owner reaches out -> refund -> buyer revises upward
    let n_disp = (n_bg / 2000).max(4);
    for k in 0..n_disp {
        let buyer = w.take_buyer(rng)?;
        w.registered_by(rng, buyer, at(10, 1, 0, 0));
        let Some(shop) = w.take_shop(rng, |w, s| {
            w.owner(s) != buyer && w.shops[s as usize].opened < at(10, 1, 0, 0)
        }) else {
            continue;
        };
        w.add_unit(
            rng,
            Unit::Dispute(Dispute {
                n: k + 1,
                buyer,
                shop,
            }),
        );
    }

    // public IPs (cafés, campuses), each shared by hundreds of accounts
    let n_ip = (n_bg / 40_000).max(3);
    let sizes: Vec<f64> = (0..n_ip).map(|_| rng.random_range(150.0..600.0)).collect();
    let total: f64 = sizes.iter().sum();
    let cap = 0.1 * n_bg as f64;
    let mut acc = 0.0;
    w.wifi_cum = sizes
        .iter()
        .map(|s| {
            acc += s;
            acc
        })
        .collect();
    w.wifi_p = total.min(cap) / n_bg as f64;
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_ip as usize];
    for i in 0..n_bg {
        if let Some(j) = w.wifi_of(i) {
            if !w.reserved.contains(&i) && w.role[i as usize] != STAFF {
                members[j as usize].push(i);
            }
        }
    }
    for m in members {
        if m.len() < 5 {
            continue;
        }
        let top: Vec<u32> = w
            .top_shops(0.01)
            .iter()
            .copied()
            .filter(|&s| w.shops[s as usize].flags & F_BRIBER == 0)
            .collect();
        let shop = pick(rng, &top);
        let k = rng.random_range(10..=30usize).min(m.len());
        let chosen: Vec<u32> = m.choose_multiple(rng, k).copied().collect();
        w.add_unit(
            rng,
            Unit::WifiBuy(WifiBuy {
                members: chosen,
                shop,
            }),
        );
    }
    Ok(())
}

fn label_all(cx: &mut Ctx, members: &[u32], group: &str) -> io::Result<()> {
    for &m in members {
        cx.out.label(Ent::Acc(m), "benign", group, Some("member"))?;
    }
    Ok(())
}

impl Household {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        label_all(cx, &self.members, &format!("household-{}", self.n))?;
        let Some(shop) = self.bad_shop else {
            return Ok(());
        };
        let sh = cx.w.shops[shop as usize];
        let lo = self
            .members
            .iter()
            .map(|&m| cx.w.reg(m))
            .max()
            .unwrap_or(0)
            .max(sh.opened)
            + DAY;
        let hi = at(11, 25, 0, 0);
        if lo >= hi {
            return Ok(());
        }
        let t = between(rng, lo, hi);
        for &m in &self.members {
            let rating = if rng.random_bool(0.6) { 1 } else { 2 };
            let placed = t + between(rng, 0, 2 * DAY);
            let text = review_text(rng, rating);
            cx.reviewed_order(rng, m, shop, placed, (2 * DAY, 4 * DAY), rating, text)?;
        }
        Ok(())
    }
}

impl Friends {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        label_all(cx, &self.members, &format!("friends-{}", self.n))?;
        let lo = self.members.iter().map(|&m| cx.w.reg(m)).max().unwrap_or(0) + DAY;
        if lo >= END - 2 * DAY {
            return Ok(());
        }
        let pair = |rng: &mut ChaCha8Rng| {
            let a = pick(rng, &self.members);
            let mut b = pick(rng, &self.members);
            while b == a {
                b = pick(rng, &self.members);
            }
            (a, b)
        };
        for _ in 0..rng.random_range(4..=12) {
            let (a, b) = pair(rng);
            let t = between(rng, lo, END - HOUR);
            let fen = round_yuan((150.0 * (0.9 * normal(rng)).exp()).clamp(20.0, 3000.0));
            let ch = if rng.random_bool(0.7) {
                super::writer::Channel::Wechat
            } else {
                p2p_channel(rng)
            };
            let m = pick(rng, MEMO_FRIENDS);
            cx.out
                .payment(a, b, fen, t, ch, None, Some(m).filter(|m| !m.is_empty()))?;
        }
        for _ in 0..rng.random_range(4..=12) {
            let (a, b) = pair(rng);
            let t = between(rng, lo, END - HOUR);
            let ch = if rng.random_bool(0.8) {
                MsgChannel::Im
            } else {
                MsgChannel::Sms
            };
            cx.out.message(a, b, t, ch, pick(rng, MSG_FRIENDS))?;
        }
        Ok(())
    }
}

impl Dispute {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        let g = format!("resolved_dispute-{}", self.n);
        let sh = cx.w.shops[self.shop as usize];
        let owner = sh.owner;
        let buyer = self.buyer;
        let lo = cx.w.reg(buyer).max(sh.opened) + DAY;
        let hi = at(11, 28, 0, 0);
        let t = between(rng, lo.min(hi - DAY), hi);
        let full = rng.random_bool(0.3);
        let fen = cx.price(rng, self.shop);
        let status = if full {
            Status::Refunded
        } else {
            Status::Delivered
        };
        let oid = cx.out.order(buyer, self.shop, fen, t, status)?;
        let ch = super::background::channel(rng);
        cx.out.payment(
            buyer,
            owner,
            fen,
            t + between(rng, MIN, 30 * MIN),
            ch,
            Some(oid),
            None,
        )?;
        let tr = t + between(rng, 2 * DAY, 6 * DAY);
        let rating = if rng.random_bool(0.5) { 1 } else { 2 };
        let text = review_text(rng, rating);
        let rid = cx.out.review(oid, buyer, self.shop, rating, text, tr)?;
        let tm = tr + between(rng, HOUR, DAY);
        cx.msg(owner, buyer, tm, pick(rng, MSG_OWNER_AFTER_NEG))?;
        let tb = tm + between(rng, 10 * MIN, 6 * HOUR);
        cx.msg(buyer, owner, tb, pick(rng, MSG_DISPUTE_REPLY))?;
        let tp = tb + between(rng, HOUR, 2 * DAY);
        let (refund, memo) = if full {
            (fen, "退款")
        } else {
            ((fen * rng.random_range(20..=50) / 100).max(100), "部分退款")
        };
        cx.out
            .payment(owner, buyer, refund, tp, ch, Some(oid), Some(memo))?;
        let new = if rng.random_bool(0.6) { 5 } else { 4 };
        cx.out.event(
            rid,
            Action::Revised(new),
            buyer,
            tp + between(rng, 10 * MIN, DAY),
            None,
            None,
        )?;
        cx.out
            .label(Ent::Acc(buyer), "benign", &g, Some("member"))?;
        cx.out
            .label(Ent::Acc(owner), "benign", &g, Some("member"))?;
        cx.out.label(Ent::Review(rid), "benign", &g, Some("review"))
    }
}

impl WifiBuy {
    pub(crate) fn emit(&self, cx: &mut Ctx, rng: &mut ChaCha8Rng) -> io::Result<()> {
        let sh = cx.w.shops[self.shop as usize];
        let t = between(rng, at(3, 1, 0, 0).max(sh.opened + DAY), at(11, 20, 0, 0));
        for &m in &self.members {
            if cx.w.reg(m) + DAY > t || m == sh.owner {
                continue;
            }
            let placed = t + between(rng, 0, 3 * DAY);
            let (oid, _) = cx.purchase(rng, m, self.shop, placed, Status::Delivered)?;
            if rng.random_bool(0.8) {
                let r = rating(rng, sh.quality);
                let tr = placed + between(rng, 2 * DAY, 5 * DAY);
                cx.out
                    .review(oid, m, self.shop, r, review_text(rng, r), tr)?;
            }
        }
        Ok(())
    }
}

pub(crate) fn emit_busy_labels(cx: &mut Ctx) -> io::Result<()> {
    for (k, &s) in cx.w.busy.iter().enumerate() {
        cx.out.label(
            Ent::Acc(s),
            "benign",
            &format!("busy_moderator-{}", k + 1),
            Some("member"),
        )?;
    }
    Ok(())
}
