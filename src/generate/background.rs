//! Ordinary marketplace activity, generated per account on the fly, plus the shared record
//! helpers (purchases, review follow-ups) that planted and trap units reuse.

use std::io;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::text::*;
use super::util::*;
use super::world::{tag, World, BUYER, F_BRIBER, Q_NORMAL, SELLER, STAFF};
use super::writer::{Action, CStatus, Channel, Ent, LinkKind, MsgChannel, Out, Status};

/// Rating weights for ratings 1..=5 per shop quality (normal, bad, mediocre).
const PROFILES: [[u32; 5]; 3] = [[5, 4, 6, 15, 70], [35, 20, 13, 12, 20], [22, 14, 9, 13, 42]];

/// Shared context: the plan (read-only) and the sink.
pub(crate) struct Ctx<'a> {
    pub w: &'a World,
    pub out: &'a mut Out,
}

pub(crate) fn rating(rng: &mut ChaCha8Rng, quality: u8) -> u8 {
    pick_w(rng, &PROFILES[quality as usize]) as u8 + 1
}

pub(crate) fn review_text(rng: &mut ChaCha8Rng, rating: u8) -> &'static str {
    match rating {
        5 => pick(rng, REVIEW_5),
        4 => pick(rng, REVIEW_4),
        3 => pick(rng, REVIEW_3),
        // some honest complaints read exactly like malicious ones (and vice versa)
        _ if rng.random_bool(0.25) => pick(rng, REVIEW_MALICIOUS),
        _ => pick(rng, REVIEW_NEG),
    }
}

/// Text of a planted negative review: the malicious phrasebook or an ordinary complaint.
pub(crate) fn malicious_text(rng: &mut ChaCha8Rng) -> &'static str {
    if rng.random_bool(0.5) {
        pick(rng, REVIEW_MALICIOUS)
    } else {
        pick(rng, REVIEW_NEG)
    }
}

pub(crate) fn channel(rng: &mut ChaCha8Rng) -> Channel {
    if rng.random_bool(0.7) {
        Channel::Alipay
    } else {
        Channel::Wechat
    }
}

/// Private-transfer channel: mostly wechat/alipay, some bank.
pub(crate) fn p2p_channel(rng: &mut ChaCha8Rng) -> Channel {
    match pick_w(rng, &[50, 40, 10]) {
        0 => Channel::Wechat,
        1 => Channel::Alipay,
        _ => Channel::Bank,
    }
}

pub(crate) fn memo(m: &'static str) -> Option<&'static str> {
    (!m.is_empty()).then_some(m)
}

impl Ctx<'_> {
    /// Item price in fen for the shop's category.
    pub(crate) fn price(&self, rng: &mut ChaCha8Rng, shop: u32) -> u64 {
        let base = CATEGORIES[self.w.shops[shop as usize].cat as usize].1 as f64;
        let yuan = (base / 100.0 * (0.7 * normal(rng)).exp()).clamp(2.0, 20_000.0) as u64;
        let cents = pick(rng, &[0u64, 0, 90, 80, 50, 99]);
        yuan * 100 + cents
    }

    /// An order with its purchase payment (and refund for refunded orders). Returns (order, fen).
    pub(crate) fn purchase(
        &mut self,
        rng: &mut ChaCha8Rng,
        buyer: u32,
        shop: u32,
        placed: Time,
        status: Status,
    ) -> io::Result<(u64, u64)> {
        let fen = self.price(rng, shop);
        let owner = self.w.owner(shop);
        let oid = self.out.order(buyer, shop, fen, placed, status)?;
        if status.is_paid() {
            let ch = channel(rng);
            self.out.payment(
                buyer,
                owner,
                fen,
                placed + between(rng, MIN, 30 * MIN),
                ch,
                Some(oid),
                None,
            )?;
            if status == Status::Refunded {
                let t = placed + between(rng, 2 * DAY, 10 * DAY);
                self.out
                    .payment(owner, buyer, fen, t, ch, Some(oid), Some("退款"))?;
            }
        }
        Ok((oid, fen))
    }

    /// A delivered order plus a review with the given rating and text. Returns (order, review, posted).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn reviewed_order(
        &mut self,
        rng: &mut ChaCha8Rng,
        buyer: u32,
        shop: u32,
        placed: Time,
        review_after: (Time, Time),
        rating: u8,
        text: &str,
    ) -> io::Result<(u64, u64, Time)> {
        let (oid, _) = self.purchase(rng, buyer, shop, placed, Status::Delivered)?;
        let t = (placed + between(rng, review_after.0, review_after.1)).min(END - HOUR);
        let rid = self.out.review(oid, buyer, shop, rating, text, t)?;
        Ok((oid, rid, t))
    }

    /// An IM message, never before either party registered.
    pub(crate) fn msg(&mut self, from: u32, to: u32, t: Time, text: &str) -> io::Result<u64> {
        let t = t.max(self.w.reg(from)).max(self.w.reg(to) + MIN).min(END);
        self.out.message(from, to, t, MsgChannel::Im, text)
    }

    /// Seller complaint through the official channel, handled by a (weighted) staff member.
    pub(crate) fn complaint_flow(
        &mut self,
        rng: &mut ChaCha8Rng,
        rid: u64,
        owner: u32,
        t: Time,
        uphold_p: f64,
        abusive: bool,
    ) -> io::Result<()> {
        let filed = t + between(rng, 2 * HOUR, 3 * DAY);
        if filed > at(12, 24, 0, 0) {
            self.out
                .complaint(rid, owner, filed.min(END), CStatus::Pending, None)?;
            return Ok(());
        }
        let staff = self.w.pick_staff(rng);
        let resolved = filed + between(rng, HOUR, 4 * DAY);
        let upheld = rng.random_bool(uphold_p);
        let st = if upheld {
            CStatus::Upheld
        } else {
            CStatus::Rejected
        };
        let cid = self
            .out
            .complaint(rid, owner, filed, st, Some((staff, resolved)))?;
        if upheld {
            let reason = if abusive {
                "abusive content"
            } else {
                pick(rng, &REASONS[1..])
            };
            let rt = resolved + between(rng, 0, 10 * MIN);
            self.out
                .event(rid, Action::Removed, staff, rt, Some(cid), Some(reason))?;
            if rng.random_bool(0.03) && !abusive {
                let other = self.w.pick_staff(rng);
                let t2 = rt + between(rng, 2 * DAY, 10 * DAY);
                if t2 < END {
                    self.out.event(
                        rid,
                        Action::Restored,
                        other,
                        t2,
                        None,
                        Some("appeal accepted"),
                    )?;
                }
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ per-account stream

    pub(crate) fn account(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        let role = w.role[i as usize];
        let role_s = match role {
            BUYER => "buyer",
            SELLER => "seller",
            _ => "staff",
        };
        if i >= w.n_bg {
            let nm = &w.named[(i - w.n_bg) as usize];
            self.out
                .account(i, role_s, &[nm.name], w.reg(i), nm.region)?;
        } else {
            let x = h(w.seed, tag::NAME, i as u64, 0);
            let name = [
                SURNAMES[(x % SURNAMES.len() as u64) as usize],
                GIVEN[((x >> 20) % GIVEN.len() as u64) as usize],
            ];
            self.out
                .account(i, role_s, &name, w.reg(i), w.region_of(i))?;
        }
        self.links(rng, i)?;
        self.referral(rng, i)?;
        if w.is_planted(i) && !w.opts.camouflage {
            return Ok(());
        }
        self.activity(rng, i)
    }

    fn links(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        let reg = w.reg(i);
        let one = |out: &mut Out, rng: &mut ChaCha8Rng, kind: LinkKind, key: u64| {
            let first = (reg + between(rng, 0, 2 * DAY)).min(END);
            let last = between(rng, first, END);
            out.link(i, kind, key, first, last)
        };
        one(self.out, rng, LinkKind::Device, w.key(i, LinkKind::Device))?;
        if rng.random_bool(0.3) {
            one(
                self.out,
                rng,
                LinkKind::Device,
                h(w.seed, tag::DEVICE, i as u64, 1),
            )?;
        }
        one(self.out, rng, LinkKind::Phone, w.key(i, LinkKind::Phone))?;
        one(
            self.out,
            rng,
            LinkKind::Address,
            w.key(i, LinkKind::Address),
        )?;
        one(self.out, rng, LinkKind::Card, w.key(i, LinkKind::Card))?;
        let n_ip = 1 + pick_w(rng, &[5, 3, 2]) as u64;
        for k in 0..n_ip {
            one(self.out, rng, LinkKind::Ip, h(w.seed, tag::IP, i as u64, k))?;
        }
        if let Some(ip) = w.ov.get(&i).and_then(|o| o.ip) {
            one(self.out, rng, LinkKind::Ip, ip)?;
        }
        if let Some(j) = w.wifi_of(i) {
            one(
                self.out,
                rng,
                LinkKind::Ip,
                h(w.seed, tag::WIFI_IP, j as u64, 0),
            )?;
            if !w.reserved.contains(&i) {
                let g = format!("public_wifi-{}", j + 1);
                self.out.label(Ent::Acc(i), "benign", &g, Some("member"))?;
            }
        }
        Ok(())
    }

    fn referral(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        if let Some(&(inviter, t)) = w.referrals.get(&i) {
            return self.out.referral(inviter, i, t);
        }
        if i >= w.n_bg
            || w.role[i as usize] == STAFF
            || unit(h(w.seed, tag::REFERRAL, i as u64, 0)) >= 0.05
        {
            return Ok(());
        }
        for _ in 0..8 {
            let j = rng.random_range(0..w.n_bg);
            if j != i && w.role[j as usize] != STAFF && w.reg(j) + HOUR < w.reg(i) {
                return self.out.referral(j, i, w.reg(i));
            }
        }
        Ok(())
    }

    fn activity(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        let role = w.role[i as usize];
        let mean = match role {
            BUYER => w.tune.orders_mean,
            SELLER => 1.5,
            _ => 1.0,
        };
        let n = ((mean.ln() - 0.5 + normal(rng)).exp().round() as u32).min(300);
        for _ in 0..n {
            self.bg_order(rng, i)?;
        }
        if role != STAFF && rng.random_bool(0.04) {
            self.private_transfers(rng, i)?;
        }
        if role == SELLER && rng.random_bool(0.12) {
            self.service_payments(rng, i)?;
        }
        Ok(())
    }

    fn bg_order(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        let mut shop = w.pick_shop(rng);
        if w.owner(shop) == i {
            shop = w.pick_shop(rng);
            if w.owner(shop) == i {
                return Ok(());
            }
        }
        let s = w.shops[shop as usize];
        let lo = w.reg(i).max(s.opened) + HOUR;
        let hi = at(12, 20, 0, 0);
        if lo >= hi {
            return Ok(());
        }
        // staff accounts never receive money from shop owners (no refunds, no cashback)
        let staff = w.role[i as usize] == STAFF;
        let status = match pick_w(rng, &[88, 4, 4, 2, 1, 1]) {
            0 => Status::Delivered,
            1 if staff => Status::Delivered,
            1 => Status::Refunded,
            2 => Status::Cancelled,
            3 => Status::Shipped,
            4 => Status::Paid,
            _ => Status::Placed,
        };
        let placed = match status {
            Status::Placed | Status::Paid | Status::Shipped => {
                between(rng, lo.max(at(12, 14, 0, 0)), at(12, 30, 0, 0))
            }
            _ => between(rng, lo, hi),
        };
        let owner = s.owner;
        if rng.random_bool(0.12) {
            let t = (placed - between(rng, 5 * MIN, DAY)).max(w.reg(i));
            self.msg(i, owner, t, pick(rng, MSG_PRESALE))?;
            if rng.random_bool(0.8) {
                let t2 = t + between(rng, MIN, 3 * HOUR);
                self.msg(owner, i, t2, pick(rng, MSG_PRESALE_REPLY))?;
            }
        }
        let (oid, fen) = self.purchase(rng, i, shop, placed, status)?;
        if status != Status::Delivered {
            return Ok(());
        }
        if rng.random_bool(0.04) {
            let t = placed + between(rng, DAY, 5 * DAY);
            self.msg(i, owner, t, pick(rng, MSG_POSTSALE))?;
        }
        let review_p = if s.quality == Q_NORMAL { 0.6 } else { 0.7 };
        if !rng.random_bool(review_p) {
            return Ok(());
        }
        let rating = rating(rng, s.quality);
        let delay = between(rng, 2 * DAY, 4 * DAY)
            + ((-rng.random::<f64>().max(1e-9).ln()) * 1.5 * DAY as f64) as Time;
        let t = placed + delay.min(10 * DAY);
        if t > END - 2 * DAY {
            return Ok(());
        }
        let abusive = rating <= 2 && rng.random_bool(0.05);
        let text = if abusive {
            pick(rng, REVIEW_ABUSIVE)
        } else {
            review_text(rng, rating)
        };
        let rid = self.out.review(oid, i, shop, rating, text, t)?;
        match rating {
            4 | 5 => {
                if rng.random_bool(0.03) && !staff {
                    let fen = rng.random_range(2..=10) * 100;
                    let tp = t + between(rng, HOUR, 2 * DAY);
                    self.out.payment(
                        owner,
                        i,
                        fen,
                        tp,
                        p2p_channel(rng),
                        None,
                        Some("好评返现"),
                    )?;
                }
            }
            3 => {
                let te = t + between(rng, DAY, 10 * DAY);
                if rng.random_bool(0.02) && te < END {
                    self.out.event(rid, Action::Withdrawn, i, te, None, None)?;
                }
            }
            _ => self.negative(rng, i, shop, fen, oid, rid, t, abusive)?,
        }
        Ok(())
    }

    /// Follow-ups of an ordinary negative review.
    #[allow(clippy::too_many_arguments)]
    fn negative(
        &mut self,
        rng: &mut ChaCha8Rng,
        buyer: u32,
        shop: u32,
        fen: u64,
        oid: u64,
        rid: u64,
        t: Time,
        abusive: bool,
    ) -> io::Result<()> {
        let w = self.w;
        let owner = w.owner(shop);
        if w.shops[shop as usize].flags & F_BRIBER != 0 && !abusive {
            if let Some((u, b)) = w.insider_batch(shop, t) {
                if rng.random_bool(w.tune.insider_remove_p) {
                    return self.insider_remove(rng, u, owner, rid, t, b);
                }
            }
        }
        if rng.random_bool(0.3) {
            let tm = t + between(rng, 30 * MIN, 2 * DAY);
            self.msg(owner, buyer, tm, pick(rng, MSG_OWNER_AFTER_NEG))?;
            if rng.random_bool(0.5) {
                self.msg(
                    buyer,
                    owner,
                    tm + between(rng, 5 * MIN, 8 * HOUR),
                    pick(rng, MSG_BUYER_REPLY_NEG),
                )?;
            }
        }
        let x: f64 = rng.random();
        if x < 0.04 && w.role[buyer as usize] != STAFF {
            // organic: partial refund, buyer raises the rating
            let refund = (fen as f64 * rng.random_range(0.1..0.5)) as u64;
            let tp = t + between(rng, 2 * HOUR, 3 * DAY);
            self.out.payment(
                owner,
                buyer,
                refund.max(100),
                tp,
                channel(rng),
                Some(oid),
                Some("部分退款"),
            )?;
            let new = if rng.random_bool(0.5) { 4 } else { 5 };
            self.out.event(
                rid,
                Action::Revised(new),
                buyer,
                tp + between(rng, 30 * MIN, 2 * DAY),
                None,
                None,
            )?;
        } else if x < 0.07 {
            let te = t + between(rng, DAY, 20 * DAY);
            if te < END {
                self.out
                    .event(rid, Action::Withdrawn, buyer, te, None, None)?;
            }
        } else if x < 0.27 {
            self.complaint_flow(
                rng,
                rid,
                owner,
                t,
                if abusive { 0.85 } else { 0.35 },
                abusive,
            )?;
        } else if abusive && !w.proactive.is_empty() && rng.random_bool(0.5) {
            let st = pick(rng, &w.proactive);
            let te = t + between(rng, HOUR, 2 * DAY);
            self.out
                .event(rid, Action::Removed, st, te, None, Some("abusive content"))?;
        }
        Ok(())
    }

    fn insider_remove(
        &mut self,
        rng: &mut ChaCha8Rng,
        u: usize,
        owner: u32,
        rid: u64,
        t: Time,
        b: Time,
    ) -> io::Result<()> {
        let info = &self.w.insiders[u];
        let emp = info.employee;
        let rt = (b + between(rng, 0, 4 * HOUR)).min(END);
        let reason = pick(
            rng,
            &["abusive content", "abusive content", "irrelevant", "spam"],
        );
        if rng.random_bool(0.2) && b - t > 3 * HOUR {
            let filed = between(rng, t + HOUR, b - HOUR);
            let cid = self
                .out
                .complaint(rid, owner, filed, CStatus::Upheld, Some((emp, rt)))?;
            self.out
                .event(rid, Action::Removed, emp, rt, Some(cid), Some(reason))?;
        } else {
            self.out
                .event(rid, Action::Removed, emp, rt, None, Some(reason))?;
        }
        self.out
            .label(Ent::Review(rid), "removed_legit", &info.group, None)
    }

    fn private_transfers(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        for _ in 0..rng.random_range(1..=3) {
            let j = rng.random_range(0..w.n_bg);
            if j == i || w.role[j as usize] == STAFF {
                continue;
            }
            let lo = w.reg(i).max(w.reg(j)) + HOUR;
            if lo >= END - DAY {
                continue;
            }
            let t = between(rng, lo, END - HOUR);
            if rng.random_bool(0.3) {
                self.msg(
                    i,
                    j,
                    t - between(rng, MIN, DAY).min(t - lo),
                    pick(rng, MSG_FRIENDS),
                )?;
            }
            let fen = round_yuan((200.0 * normal(rng).exp()).clamp(1.0, 20_000.0));
            self.out.payment(
                i,
                j,
                fen,
                t,
                p2p_channel(rng),
                None,
                memo(pick(rng, MEMO_PRIVATE)),
            )?;
        }
        Ok(())
    }

    fn service_payments(&mut self, rng: &mut ChaCha8Rng, i: u32) -> io::Result<()> {
        let w = self.w;
        let sp = pick(rng, &w.service);
        let lo = w.reg(i).max(w.reg(sp)) + DAY;
        if lo >= END - 2 * DAY {
            return Ok(());
        }
        for _ in 0..rng.random_range(1..=3) {
            let t = between(rng, lo, END - HOUR);
            self.msg(
                sp,
                i,
                (t - between(rng, HOUR, 3 * DAY)).max(lo),
                pick(rng, MSG_SERVICE),
            )?;
            let fen = round_yuan((1500.0 * (0.8 * normal(rng)).exp()).clamp(300.0, 12_000.0));
            self.out.payment(
                i,
                sp,
                fen,
                t,
                p2p_channel(rng),
                None,
                memo(pick(rng, MEMO_SERVICE)),
            )?;
        }
        Ok(())
    }
}
