//! The committed seed dataset: ~3,000 ordinary accounts plus the three reported cases,
//! hand-named (Haimen crew, Hangzhou network, Taobao insider).

use std::io;

use rand_chacha::ChaCha8Rng;

use super::plant::{
    plan_insider, rival_candidates, take_rivals, Campaign, Crew, InsiderSpec, Partial, Victim,
};
use super::util::*;
use super::world::{Named, Unit, World, BUYER, STAFF};
use super::writer::LinkKind;

pub(crate) const SEED: u64 = 20_170_403;
pub(crate) const ACCOUNTS: u64 = 3000;

/// Hand-named accounts, appended after `a0..a2999`.
pub(crate) fn named() -> Vec<Named> {
    let n = |id: &str, role, name, region, reg| Named {
        id: id.to_string(),
        role,
        name,
        region,
        reg,
    };
    vec![
        n("a-du", BUYER, "杜某", "Jiangsu", at(1, 8, 21, 12)),
        n("a-qiu", BUYER, "邱某", "Jiangxi", at(2, 10, 20, 30)),
        n("a-zhang", BUYER, "张某", "Jiangxi", at(3, 28, 19, 5)),
        n("a-hz-organizer", BUYER, "胡某", "Zhejiang", at(1, 5, 10, 0)),
        n(
            "a-hz-negotiator",
            BUYER,
            "陈某",
            "Zhejiang",
            at(1, 20, 15, 40),
        ),
        n("a-hz-op1", BUYER, "王某", "Zhejiang", at(2, 14, 9, 0)),
        n("a-hz-op2", BUYER, "李某", "Anhui", at(2, 21, 22, 10)),
        n("a-hz-op3", BUYER, "刘某", "Zhejiang", at(3, 2, 13, 45)),
        n("a-hz-op4", BUYER, "周某", "Jiangsu", at(3, 9, 11, 20)),
        n("a-hz-recruit", BUYER, "吴某", "Zhejiang", at(5, 6, 20, 0)),
        n("a-staff-insider", STAFF, "郑某", "Zhejiang", at(1, 2, 9, 0)),
        n(
            "a-insider-proxy",
            BUYER,
            "郑某某",
            "Zhejiang",
            at(1, 3, 18, 30),
        ),
    ]
}

fn idx(w: &World, id: &str) -> u32 {
    let k = w
        .named
        .iter()
        .position(|n| n.id == id)
        .expect("named account");
    w.n_bg + k as u32
}

fn victims_at(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    plan: &[(u32, Time, u64, u32, u32, Partial)],
) -> io::Result<Vec<Victim>> {
    let mut out = Vec::new();
    for &(author, placed, fen, contact, payee, partial) in plan {
        let shop = w
            .take_shop(rng, |w, s| w.shops[s as usize].opened + 20 * DAY < placed)
            .ok_or_else(|| io::Error::other("seed: no victim shop"))?;
        out.push(Victim {
            shop,
            author,
            placed,
            fen,
            partial,
            revise: false,
            contact,
            payee,
        });
    }
    Ok(out)
}

pub(crate) fn plan(w: &mut World, rng: &mut ChaCha8Rng) -> io::Result<()> {
    for k in 0..w.named.len() as u32 {
        w.mark_planted(w.n_bg + k);
    }
    // ---- Haimen, April 2017: Du picks shops and negotiates, Qiu buys and pans, Zhang (Qiu's
    // sister-in-law, same address, invited by Qiu) joins. Five merchants, 600-8,800 each.
    let (du, qiu, zhang) = (idx(w, "a-du"), idx(w, "a-qiu"), idx(w, "a-zhang"));
    let t = w.reg(qiu);
    w.refer(rng, du, qiu, t);
    let t = w.reg(zhang);
    w.refer(rng, qiu, zhang, t);
    w.share(qiu, zhang, LinkKind::Address);
    let c = Partial::Complete;
    let victims = victims_at(
        w,
        rng,
        &[
            (qiu, at(4, 2, 20, 14), 180_000, du, du, c),
            (qiu, at(4, 6, 21, 3), 60_000, du, du, c),
            (zhang, at(4, 10, 19, 40), 600_000, du, du, c),
            (qiu, at(4, 15, 12, 25), 320_000, du, du, c),
            (zhang, at(4, 20, 22, 8), 880_000, du, du, c),
        ],
    )?;
    let crew = Crew {
        group: "crew-haimen".into(),
        members: vec![(du, "organizer"), (qiu, "operative"), (zhang, "recruit")],
        organizer: du,
        negotiator: None,
        payee_account: None,
        victims,
    };
    w.add_unit(rng, Unit::Crew(Box::new(crew)));

    // ---- Hangzhou network: organizer, negotiator, 4 operatives, 1 recruit. Extorts five
    // merchants in June, then is hired (via an intermediary) to pan four rivals in August.
    let org = idx(w, "a-hz-organizer");
    let neg = idx(w, "a-hz-negotiator");
    let ops: Vec<u32> = (1..=4).map(|k| idx(w, &format!("a-hz-op{k}"))).collect();
    let rec = idx(w, "a-hz-recruit");
    let t = w.reg(neg);
    w.refer(rng, org, neg, t);
    for &op in &ops {
        let t = w.reg(op);
        w.refer(rng, org, op, t);
    }
    let t = w.reg(rec);
    w.refer(rng, ops[0], rec, t);
    w.share(ops[0], rec, LinkKind::Address);
    w.share(org, neg, LinkKind::Device);
    let amounts = [2_000u64, 3_500, 1_200, 5_000, 800];
    let authors = [ops[0], ops[1], ops[2], ops[3], rec];
    let mut plan = Vec::new();
    for k in 0..5 {
        let placed = at(6, 3 + 5 * k as i64, 0, 0) + between(rng, 9 * HOUR, 23 * HOUR);
        let payee = if k % 2 == 0 { neg } else { org };
        let partial = if k == 3 {
            Partial::NoWithdrawal
        } else {
            Partial::Complete
        };
        plan.push((authors[k], placed, amounts[k] * 100, neg, payee, partial));
    }
    let victims = victims_at(w, rng, &plan)?;
    let mut members = vec![(org, "organizer"), (neg, "negotiator")];
    members.extend(ops.iter().map(|&o| (o, "operative")));
    members.push((rec, "recruit"));
    let crew = Crew {
        group: "network-hangzhou".into(),
        members,
        organizer: org,
        negotiator: Some(neg),
        payee_account: None,
        victims,
    };
    w.add_unit(rng, Unit::Crew(Box::new(crew)));

    let start = at(8, 14, 0, 0);
    let mut free = [0u32; 32];
    for s in &w.shops {
        if s.flags == 0 && !w.reserved.contains(&s.owner) {
            free[s.cat as usize] += 1;
        }
    }
    let ben = w
        .take_seller(rng, |w, i| {
            let r = w.shops_of(i);
            r.len() == 1
                && w.shops[r.start as usize].flags == 0
                && w.shops[r.start as usize].opened + 30 * DAY < start
                && free[w.shops[r.start as usize].cat as usize] >= 12
        })
        .ok_or_else(|| io::Error::other("seed: no beneficiary"))?;
    w.mark_planted(ben);
    let cat = w.shops[w.first_shop[ben as usize] as usize].cat;
    let cands = rival_candidates(w, cat, ben, start);
    let rivals = take_rivals(w, rng, &cands, 4);
    let mule = w.take_buyer(rng)?;
    w.mark_planted(mule);
    w.registered_by(rng, mule, start - 30 * DAY);
    let mut reviewers: Vec<(u32, &'static str)> = ops.iter().map(|&o| (o, "operative")).collect();
    reviewers.push((rec, "recruit"));
    let camp = Campaign {
        group: "network-hangzhou".into(),
        beneficiary: ben,
        mules: vec![mule],
        organizer: org,
        negotiator: Some(neg),
        reviewers,
        dormant: Vec::new(),
        rivals,
        start,
        spread: 3 * DAY,
        camouflage: (1, 3),
        always_camouflage: false,
        targets: None,
        upfront: false,
    };
    w.add_unit(rng, Unit::Campaign(Box::new(camp)));

    // ---- the Taobao insider: ~25 owners paid RMB 1,240,000 (some via a relative) to remove
    // about 1,000 legitimate negative ratings.
    let emp = idx(w, "a-staff-insider");
    let proxy = idx(w, "a-insider-proxy");
    let spec = InsiderSpec {
        group: "insider-taobao".into(),
        employee: emp,
        proxy: Some(proxy),
        intermediary: None,
        bribers: 25,
        start: at(1, 20, 0, 0),
        end: at(12, 24, 0, 0),
        total_fen: Some(124_000_000),
        pays: (6, 10),
        direct: 0.55,
    };
    plan_insider(w, rng, spec)
}
