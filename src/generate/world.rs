//! The compact plan of a synthetic world: account roles and registration times, shops with
//! popularity and quality, staff, identifier overrides for linked accounts, and the planted
//! and trap units. Everything per-record is generated later, on the fly.

use std::collections::{HashMap, HashSet};
use std::io;

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::plant::{Campaign, Crew, Insider};
use super::text::{CATEGORIES, REGIONS};
use super::traps::{Dispute, Friends, Household, WifiBuy};
use super::util::{at, between, h, unit, Time, DAY, HOUR};
use super::writer::LinkKind;
use super::GenerateOptions;

pub(crate) const BUYER: u8 = 0;
pub(crate) const SELLER: u8 = 1;
pub(crate) const STAFF: u8 = 2;

pub(crate) const Q_NORMAL: u8 = 0;
pub(crate) const Q_BAD: u8 = 1;
pub(crate) const Q_MEDIOCRE: u8 = 2;

/// Shop owned by a briber of an insider: its negative reviews may be removed.
pub(crate) const F_BRIBER: u8 = 1;
/// Shop already used by a planted or trap unit.
pub(crate) const F_RESERVED: u8 = 2;

/// Hash tags (domain separation).
pub(crate) mod tag {
    pub const ROLE: u64 = 1;
    pub const NAME: u64 = 2;
    pub const REGION: u64 = 3;
    pub const REG: u64 = 4;
    pub const DEVICE: u64 = 5;
    pub const PHONE: u64 = 6;
    pub const ADDRESS: u64 = 7;
    pub const CARD: u64 = 8;
    pub const IP: u64 = 9;
    pub const WIFI: u64 = 10;
    pub const WIFI_IP: u64 = 11;
    pub const SHOP: u64 = 12;
    pub const SHARED: u64 = 13;
    pub const UNIT: u64 = 15;
    pub const STREAM: u64 = 16;
    pub const PLAN: u64 = 17;
    pub const REFERRAL: u64 = 18;
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Shop {
    pub owner: u32,
    pub opened: Time,
    pub cat: u8,
    pub quality: u8,
    pub flags: u8,
}

/// Identifier overrides for accounts tied to others (relatives, households, crews).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ov {
    pub device: Option<u64>,
    pub phone: Option<u64>,
    pub address: Option<u64>,
    /// An extra shared IP (household router, office).
    pub ip: Option<u64>,
    /// Member of a planted case (labelled malicious).
    pub planted: bool,
}

/// Internal knobs (the seed dataset differs from the generic generator).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tuning {
    pub orders_mean: f64,
    pub briber_boost: f64,
    pub insider_remove_p: f64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            orders_mean: 4.0,
            briber_boost: 3.0,
            insider_remove_p: 0.85,
        }
    }
}

/// A hand-named account appended after the generated ones (seed dataset).
#[derive(Clone, Debug)]
pub(crate) struct Named {
    pub id: String,
    pub role: u8,
    pub name: &'static str,
    pub region: &'static str,
    pub reg: Time,
}

pub(crate) struct InsiderInfo {
    pub group: String,
    pub employee: u32,
}

/// Per-shop schedule of an insider's removal batches.
pub(crate) struct InsiderShop {
    pub unit: u16,
    pub batches: Vec<Time>,
}

pub(crate) enum Unit {
    Crew(Box<Crew>),
    Campaign(Box<Campaign>),
    Insider(Box<Insider>),
    Household(Household),
    Friends(Friends),
    Dispute(Dispute),
    WifiBuy(WifiBuy),
    BusyLabels,
}

pub(crate) struct World {
    pub seed: u64,
    pub opts: GenerateOptions,
    pub tune: Tuning,
    pub n_bg: u32,
    pub n: u32,
    pub named: Vec<Named>,
    pub role: Vec<u8>,
    pub reg: Vec<i32>,
    pub first_shop: Vec<u32>,
    pub shops: Vec<Shop>,
    /// shop indices, most popular first
    pub by_rank: Vec<u32>,
    pub weight: Vec<f64>,
    pub cum: Vec<f64>,
    pub staff: Vec<u32>,
    pub staff_cum: Vec<f64>,
    pub busy: Vec<u32>,
    /// staff doing proactive (complaint-less) removals of abusive reviews
    pub proactive: Vec<u32>,
    pub ov: HashMap<u32, Ov>,
    pub reserved: HashSet<u32>,
    pub referrals: HashMap<u32, (u32, Time)>,
    pub wifi_p: f64,
    pub wifi_cum: Vec<f64>,
    pub insiders: Vec<InsiderInfo>,
    pub insider_shops: HashMap<u32, InsiderShop>,
    pub service: Vec<u32>,
    pub units: Vec<(u32, Unit)>,
}

/// Registration distribution: front-loaded within 2017 (everything stays inside the year).
fn base_reg(seed: u64, i: u32, role: u8) -> Time {
    let x = h(seed, tag::REG, i as u64, 0);
    let u = unit(x);
    let v = unit(x.rotate_left(29));
    match role {
        STAFF => (u * 5.0 * DAY as f64) as Time,
        SELLER if v < 0.7 => (u * 20.0 * DAY as f64) as Time,
        _ => (u.powf(2.2) * at(11, 30, 0, 0) as f64) as Time,
    }
}

impl World {
    pub(crate) fn new(
        seed: u64,
        opts: &GenerateOptions,
        tune: Tuning,
        named: Vec<Named>,
    ) -> io::Result<World> {
        let n_bg: u32 = opts
            .accounts
            .try_into()
            .ok()
            .filter(|&n: &u32| n < u32::MAX / 2)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "too many accounts"))?;
        if n_bg < 500 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "generate needs at least 500 accounts",
            ));
        }
        let n = n_bg + named.len() as u32;
        let mut rng = super::util::rng_for(seed, tag::PLAN, 0);

        // roles
        let mut role = vec![BUYER; n as usize];
        for (i, r) in role.iter_mut().enumerate().take(n_bg as usize) {
            if unit(h(seed, tag::ROLE, i as u64, 0)) < 0.11 {
                *r = SELLER;
            }
        }
        let n_staff = ((n_bg as f64 * 0.0005).round() as u32).max(8);
        let mut staff = Vec::new();
        while staff.len() < n_staff as usize {
            let i = rng.random_range(0..n_bg);
            if role[i as usize] == BUYER {
                role[i as usize] = STAFF;
                staff.push(i);
            }
        }
        for (k, nm) in named.iter().enumerate() {
            role[n_bg as usize + k] = nm.role;
            if nm.role == STAFF {
                staff.push(n_bg + k as u32);
            }
        }
        staff.sort_unstable();

        let mut reg: Vec<i32> = (0..n)
            .map(|i| base_reg(seed, i, role[i as usize]) as i32)
            .collect();
        for (k, nm) in named.iter().enumerate() {
            reg[n_bg as usize + k] = nm.reg as i32;
        }

        // shops
        let mut first_shop = vec![u32::MAX; n as usize];
        let mut shops = Vec::new();
        for i in 0..n_bg {
            if role[i as usize] != SELLER {
                continue;
            }
            first_shop[i as usize] = shops.len() as u32;
            let x = h(seed, tag::SHOP, i as u64, 0);
            let count = if unit(x) < 0.7 { 1 } else { 2 };
            for k in 0..count {
                let y = h(seed, tag::SHOP, i as u64, 1 + k);
                let cat = (y % CATEGORIES.len() as u64) as u8;
                let quality = if unit(y.rotate_left(17)) < 0.03 {
                    Q_BAD
                } else {
                    Q_NORMAL
                };
                let opened = (reg[i as usize] as Time
                    + (unit(y.rotate_left(41)) * 15.0 * DAY as f64) as Time)
                    .min(at(11, 30, 0, 0));
                shops.push(Shop {
                    owner: i,
                    opened,
                    cat,
                    quality,
                    flags: 0,
                });
            }
        }
        let mut by_rank: Vec<u32> = (0..shops.len() as u32).collect();
        by_rank.shuffle(&mut rng);
        let mut weight = vec![0.0; shops.len()];
        for (rank, &s) in by_rank.iter().enumerate() {
            let q = if shops[s as usize].quality == Q_BAD {
                0.5
            } else {
                1.0
            };
            weight[s as usize] = q / (rank as f64 + 10.0).powf(1.1);
        }

        let mut w = World {
            seed,
            opts: opts.clone(),
            tune,
            n_bg,
            n,
            named,
            role,
            reg,
            first_shop,
            shops,
            by_rank,
            weight,
            cum: Vec::new(),
            staff,
            staff_cum: Vec::new(),
            busy: Vec::new(),
            proactive: Vec::new(),
            ov: HashMap::new(),
            reserved: HashSet::new(),
            referrals: HashMap::new(),
            wifi_p: 0.0,
            wifi_cum: Vec::new(),
            insiders: Vec::new(),
            insider_shops: HashMap::new(),
            service: Vec::new(),
            units: Vec::new(),
        };
        let mut acc = 0.0;
        w.cum = w
            .weight
            .iter()
            .map(|x| {
                acc += x;
                acc
            })
            .collect();
        for k in 0..w.named.len() as u32 {
            w.reserved.insert(n_bg + k);
        }
        // freelance service providers (photographers, ad agencies) paid by many sellers
        let n_service = (n_bg / 3000).max(3);
        for _ in 0..n_service {
            let s = w.take_buyer(&mut rng)?;
            w.service.push(s);
        }
        Ok(w)
    }

    /// Finish the plan: popularity table, complaint-handler weights, unit order.
    pub(crate) fn finalize(&mut self) {
        let mut acc = 0.0;
        self.cum = self
            .shops
            .iter()
            .zip(&self.weight)
            .map(|(s, &wt)| {
                acc += if s.flags & F_BRIBER != 0 {
                    wt * self.tune.briber_boost
                } else {
                    wt
                };
                acc
            })
            .collect();
        let insiders: HashSet<u32> = self.insiders.iter().map(|i| i.employee).collect();
        let b = self.busy.len() as f64;
        let s = self.staff.len() as f64;
        let busy_w = if b > 0.0 {
            (0.8 * (s - b) / b).max(6.0)
        } else {
            1.0
        };
        let mut acc = 0.0;
        self.staff_cum = self
            .staff
            .iter()
            .map(|st| {
                acc += if self.busy.contains(st) { busy_w } else { 1.0 };
                acc
            })
            .collect();
        self.proactive = self
            .staff
            .iter()
            .copied()
            .filter(|st| !self.busy.contains(st) && !insiders.contains(st))
            .collect();
        self.units.sort_by_key(|(pos, _)| *pos);
    }

    pub(crate) fn add_unit(&mut self, rng: &mut ChaCha8Rng, unit: Unit) {
        let pos = rng.random_range(0..self.n);
        self.units.push((pos, unit));
    }

    pub(crate) fn reg(&self, i: u32) -> Time {
        self.reg[i as usize] as Time
    }

    pub(crate) fn is_planted(&self, i: u32) -> bool {
        self.ov.get(&i).is_some_and(|o| o.planted)
    }

    pub(crate) fn ov_mut(&mut self, i: u32) -> &mut Ov {
        self.ov.entry(i).or_default()
    }

    pub(crate) fn mark_planted(&mut self, i: u32) {
        self.reserved.insert(i);
        self.ov_mut(i).planted = true;
    }

    /// An unused ordinary buyer account (reserved on return).
    pub(crate) fn take_buyer(&mut self, rng: &mut ChaCha8Rng) -> io::Result<u32> {
        for _ in 0..100_000 {
            let i = rng.random_range(0..self.n_bg);
            if self.role[i as usize] == BUYER
                && !self.reserved.contains(&i)
                && !self.service.contains(&i)
            {
                self.reserved.insert(i);
                return Ok(i);
            }
        }
        Err(io::Error::other(
            "not enough free buyer accounts for the planted cases; use more accounts",
        ))
    }

    /// An unused seller whose shops all satisfy `ok` (reserved on return, shops flagged).
    pub(crate) fn take_seller(
        &mut self,
        rng: &mut ChaCha8Rng,
        ok: impl Fn(&World, u32) -> bool,
    ) -> Option<u32> {
        for _ in 0..100_000 {
            let i = rng.random_range(0..self.n_bg);
            if self.role[i as usize] == SELLER && !self.reserved.contains(&i) && ok(self, i) {
                self.reserved.insert(i);
                for s in self.shops_of(i) {
                    self.shops[s as usize].flags |= F_RESERVED;
                }
                return Some(i);
            }
        }
        None
    }

    /// Shop indices owned by account `i`.
    pub(crate) fn shops_of(&self, i: u32) -> std::ops::Range<u32> {
        let f = self.first_shop[i as usize];
        if f == u32::MAX {
            return 0..0;
        }
        let mut e = f + 1;
        while (e as usize) < self.shops.len() && self.shops[e as usize].owner == i {
            e += 1;
        }
        f..e
    }

    /// A shop drawn by popularity whose owner is free and which `ok` accepts; flagged reserved.
    pub(crate) fn take_shop(
        &mut self,
        rng: &mut ChaCha8Rng,
        ok: impl Fn(&World, u32) -> bool,
    ) -> Option<u32> {
        for _ in 0..20_000 {
            let s = super::util::pick_cum(rng, &self.cum) as u32;
            let shop = self.shops[s as usize];
            if shop.flags != 0 || self.reserved.contains(&shop.owner) || !ok(self, s) {
                continue;
            }
            self.shops[s as usize].flags |= F_RESERVED;
            self.reserved.insert(shop.owner);
            return Some(s);
        }
        None
    }

    /// `inviter` invited `invitee` at `t`: the invitee registers then; the inviter earlier.
    pub(crate) fn refer(
        &mut self,
        rng: &mut ChaCha8Rng,
        inviter: u32,
        invitee: u32,
        t: Time,
    ) -> Time {
        let t = t.max(2 * DAY);
        if self.reg(inviter) >= t - HOUR {
            let r = (t - between(rng, DAY, 20 * DAY)).max(0);
            self.reg[inviter as usize] = r as i32;
        }
        self.reg[invitee as usize] = t as i32;
        self.referrals.insert(invitee, (inviter, t));
        t
    }

    /// Make sure `i` is registered by `t` (planted actors exist before they act).
    pub(crate) fn registered_by(&mut self, rng: &mut ChaCha8Rng, i: u32, t: Time) {
        if self.reg(i) >= t {
            self.reg[i as usize] = (t - between(rng, 5 * DAY, 40 * DAY)).max(0) as i32;
        }
    }

    /// The identifier key of account `i` for a link kind (first device etc.), honouring overrides.
    pub(crate) fn key(&self, i: u32, kind: LinkKind) -> u64 {
        let o = self.ov.get(&i);
        let (t, ov) = match kind {
            LinkKind::Device => (tag::DEVICE, o.and_then(|o| o.device)),
            LinkKind::Phone => (tag::PHONE, o.and_then(|o| o.phone)),
            LinkKind::Address => (tag::ADDRESS, o.and_then(|o| o.address)),
            LinkKind::Card => (tag::CARD, None),
            LinkKind::Ip => (tag::IP, o.and_then(|o| o.ip)),
        };
        ov.unwrap_or_else(|| h(self.seed, t, i as u64, 0))
    }

    /// Give `b` the same identifier of `kind` as `a` (a relative's shared device/address/phone).
    pub(crate) fn share(&mut self, a: u32, b: u32, kind: LinkKind) {
        let k = self.key(a, kind);
        let o = self.ov_mut(b);
        match kind {
            LinkKind::Device => o.device = Some(k),
            LinkKind::Phone => o.phone = Some(k),
            LinkKind::Address => o.address = Some(k),
            LinkKind::Ip => o.ip = Some(k),
            LinkKind::Card => {}
        }
    }

    /// Public IP index of account `i`, if it uses one (cafés, campuses).
    pub(crate) fn wifi_of(&self, i: u32) -> Option<u32> {
        if self.wifi_cum.is_empty() || i >= self.n_bg || self.role[i as usize] == STAFF {
            return None;
        }
        let x = h(self.seed, tag::WIFI, i as u64, 0);
        if unit(x) >= self.wifi_p {
            return None;
        }
        let total = *self.wifi_cum.last().unwrap_or(&1.0);
        let y = unit(x.rotate_left(32)) * total;
        Some(
            self.wifi_cum
                .partition_point(|&c| c <= y)
                .min(self.wifi_cum.len() - 1) as u32,
        )
    }

    pub(crate) fn owner(&self, shop: u32) -> u32 {
        self.shops[shop as usize].owner
    }

    pub(crate) fn pick_shop(&self, rng: &mut ChaCha8Rng) -> u32 {
        super::util::pick_cum(rng, &self.cum) as u32
    }

    pub(crate) fn pick_staff(&self, rng: &mut ChaCha8Rng) -> u32 {
        self.staff[super::util::pick_cum(rng, &self.staff_cum)]
    }

    /// First batch of insider removals that would catch a review on `shop` posted at `t`.
    pub(crate) fn insider_batch(&self, shop: u32, t: Time) -> Option<(usize, Time)> {
        let is = self.insider_shops.get(&shop)?;
        let k = is.batches.partition_point(|&b| b < t + HOUR);
        let b = *is.batches.get(k)?;
        let prev = if k == 0 {
            b - 30 * DAY
        } else {
            is.batches[k - 1]
        };
        (t > prev && b - t <= 90 * DAY).then_some((is.unit as usize, b))
    }

    /// Top `frac` most popular shops (at least 20).
    pub(crate) fn top_shops(&self, frac: f64) -> &[u32] {
        let k = ((self.shops.len() as f64 * frac) as usize)
            .max(20)
            .min(self.shops.len());
        &self.by_rank[..k]
    }

    pub(crate) fn region_of(&self, i: u32) -> &'static str {
        if i >= self.n_bg {
            return self.named[(i - self.n_bg) as usize].region;
        }
        let total: u32 = REGIONS.iter().map(|r| r.1).sum();
        let mut x = (h(self.seed, tag::REGION, i as u64, 0) % total as u64) as u32;
        for &(r, w) in REGIONS {
            if x < w {
                return r;
            }
            x -= w;
        }
        REGIONS[0].0
    }
}
