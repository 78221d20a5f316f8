//! Synthetic marketplace generator: a realistic background of buyers, sellers, shops, orders,
//! payments, reviews, complaints, moderation events and messages, with planted collusion cases
//! (extortion crews, competitor-hired review campaigns, bribed insiders) and benign look-alikes
//! ("traps"), written as NDJSON in the ingest contract's format (`<kind>.ndjson`, see
//! `docs/DATASET-FORMAT.md`) plus `labels.ndjson` (ground truth, never loaded).
//! The model is described in `docs/DATASET-GENERATION.md`.
//!
//! Generation streams: only compact per-account/per-shop tables are kept in memory; each
//! account's records are produced on the fly, and each planted/trap unit is emitted at a random
//! point of the account stream (so its record ids interleave with background ids).

mod background;
mod plant;
mod seed;
mod text;
mod traps;
mod util;
mod world;
mod writer;

#[cfg(test)]
mod tests;

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::{info, warn};

use background::Ctx;
use text::{CATEGORIES, CATEGORY_ZH, SHOP_PREFIX, SHOP_SUFFIX};
use util::{h, rng_for};
use world::{tag, Tuning, Unit, World};
use writer::{Kind, Out};

/// Options of [`generate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Total accounts (background + planted), approximately.
    pub accounts: u64,
    /// RNG seed: same options ⇒ byte-identical output.
    pub seed: u64,
    /// Planted extortion crews (default: accounts/20_000, min 3).
    pub crews: u32,
    /// Planted competitor-hired campaigns (default: accounts/40_000, min 2).
    pub campaigns: u32,
    /// Planted insider employees (default: max(1, accounts/200_000)).
    pub insiders: u32,
    /// Planted actors also behave normally; payments routed via intermediaries.
    pub camouflage: bool,
    /// Benign look-alikes (households, public wifi, friends, busy moderators, resolved disputes).
    pub traps: bool,
    /// Behaviours of real crews beyond the basic cases (all off by default, so existing
    /// datasets keep their bytes).
    pub patterns: Patterns,
}

/// Optional behaviours of real crews (see `docs/DATASET-GENERATION.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patterns {
    /// Crews split the roles (60% of crews): a negotiator messages the victims while the
    /// money lands on a second account tied to it (shared device, phone or address, and a
    /// transfer between them).
    pub split_negotiator: bool,
    /// Crews and campaigns bring in a recruit (60% of them) invited by an operative and
    /// sharing its household, who has not posted a review yet.
    pub dormant_recruits: bool,
    /// Transfers from the beneficiary to a campaign's organizer, min and max (1 = paid
    /// directly, 3 = through two mules). Default 2..=3.
    pub mule_hops: (u8, u8),
    /// Extra small campaigns: six operatives from three device farms (two per farm device
    /// and IP), hired without referrals, panning 3–5 rivals of one category over a week, each
    /// also leaving 2–4 five-star reviews on popular shops.
    pub farm_campaigns: u32,
    /// Crews meet a refusal (half of them): one more owner is panned and contacted but never
    /// pays, and 60% of the time the author pans the shop again 1–3 days later. The review is
    /// labelled `extortion_review` with role `attempt`.
    pub refusals: bool,
}

impl Default for Patterns {
    fn default() -> Self {
        Patterns {
            split_negotiator: false,
            dormant_recruits: false,
            mule_hops: (2, 3),
            farm_campaigns: 0,
            refusals: false,
        }
    }
}

impl Patterns {
    /// Every pattern on, scaled to `accounts`.
    pub fn all(accounts: u64) -> Self {
        Patterns {
            split_negotiator: true,
            dormant_recruits: true,
            mule_hops: (1, 3),
            farm_campaigns: (accounts / 40_000).max(2) as u32,
            refusals: true,
        }
    }
}

impl GenerateOptions {
    /// Defaults for `accounts` accounts: counts scale with size; camouflage and traps on.
    pub fn for_accounts(accounts: u64, seed: u64) -> Self {
        GenerateOptions {
            accounts,
            seed,
            crews: (accounts / 20_000).max(3) as u32,
            campaigns: (accounts / 40_000).max(2) as u32,
            insiders: (accounts / 200_000).max(1) as u32,
            camouflage: true,
            traps: true,
            patterns: Patterns::default(),
        }
    }
}

/// What was written: `(file name, records)` per file, in load order, `labels.ndjson` last.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    /// `(file name, records written)`, e.g. `("orders.ndjson", 371026)`.
    pub files: Vec<(String, u64)>,
}

impl GenerateSummary {
    /// Records in the data files (labels excluded).
    pub fn records(&self) -> u64 {
        self.files
            .iter()
            .filter(|(f, _)| f != "labels.ndjson")
            .map(|(_, n)| n)
            .sum()
    }
}

/// Generate a synthetic dataset into `out_dir` (created if missing; existing files overwritten).
///
/// Streams: memory stays bounded (tens of MB for a million accounts). Needs at least 500
/// accounts; below ~1,000 some planted units may not fit and are skipped with a warning
/// (`labels.ndjson` always lists exactly what was planted).
pub fn generate(opts: &GenerateOptions, out_dir: &Path) -> io::Result<GenerateSummary> {
    let started = Instant::now();
    let mut w = World::new(opts.seed, opts, Tuning::default(), Vec::new())?;
    let mut rng = rng_for(opts.seed, tag::PLAN, 1);
    // A unit that cannot be placed (tiny datasets) is skipped with a warning: labels.ndjson
    // always describes exactly what was planted.
    for k in 0..opts.insiders {
        if let Err(e) = plant::plan_insider_random(&mut w, &mut rng, k + 1) {
            warn!(insider = k + 1, error = %e, "insider not planted");
        }
    }
    for k in 0..opts.crews {
        if let Err(e) = plant::plan_crew(&mut w, &mut rng, k + 1) {
            warn!(crew = k + 1, error = %e, "crew not planted");
        }
    }
    for k in 0..opts.campaigns {
        if let Err(e) = plant::plan_campaign(&mut w, &mut rng, k + 1) {
            warn!(campaign = k + 1, error = %e, "campaign not planted");
        }
    }
    for k in 0..opts.patterns.farm_campaigns {
        if let Err(e) = plant::plan_farm_campaign(&mut w, &mut rng, k + 1) {
            warn!(farm_campaign = k + 1, error = %e, "farm campaign not planted");
        }
    }
    traps::plan_traps(&mut w, &mut rng)?;
    w.finalize();
    info!(
        accounts = w.n,
        shops = w.shops.len(),
        units = w.units.len(),
        plan_ms = started.elapsed().as_millis() as u64,
        "generator planned"
    );
    run(&w, out_dir)
}

/// Write the committed seed dataset (~3,000 ordinary accounts, traps, and the three reported
/// cases with hand-named ids) into `out_dir`.
pub fn write_seed_dataset(out_dir: &Path) -> io::Result<GenerateSummary> {
    let opts = GenerateOptions {
        accounts: seed::ACCOUNTS,
        seed: seed::SEED,
        crews: 0,
        campaigns: 0,
        insiders: 0,
        camouflage: true,
        traps: true,
        patterns: Patterns::default(),
    };
    let tune = Tuning {
        orders_mean: 6.0,
        briber_boost: 11.0,
        insider_remove_p: 0.92,
    };
    let mut w = World::new(seed::SEED, &opts, tune, seed::named())?;
    let mut rng = rng_for(seed::SEED, tag::PLAN, 1);
    seed::plan(&mut w, &mut rng)?;
    traps::plan_traps(&mut w, &mut rng)?;
    w.finalize();
    run(&w, out_dir)
}

fn run(w: &World, dir: &Path) -> io::Result<GenerateSummary> {
    let started = Instant::now();
    let names = w.named.iter().map(|n| n.id.clone()).collect();
    let mut out = Out::create(dir, w.n_bg, names)?;
    for (k, s) in w.shops.iter().enumerate() {
        let x = h(w.seed, tag::SHOP, k as u64, 99);
        let name = [
            SHOP_PREFIX[(x % SHOP_PREFIX.len() as u64) as usize],
            CATEGORY_ZH[s.cat as usize],
            SHOP_SUFFIX[((x >> 24) % SHOP_SUFFIX.len() as u64) as usize],
        ];
        out.shop(
            k as u32,
            s.owner,
            &name,
            CATEGORIES[s.cat as usize].0,
            s.opened,
        )?;
    }
    let pb = if io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(w.n as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} generating [{bar:40}] {pos}/{len} accounts, {msg} ({eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut rng = rng_for(w.seed, tag::STREAM, 0);
    let mut next = 0usize;
    let tenth = (w.n / 10).max(1);
    {
        let mut cx = Ctx { w, out: &mut out };
        for i in 0..w.n {
            cx.account(&mut rng, i)?;
            while next < w.units.len() && w.units[next].0 <= i {
                emit_unit(&mut cx, next, &w.units[next].1)?;
                next += 1;
            }
            if i % 4096 == 4095 {
                pb.set_position(i as u64 + 1);
                pb.set_message(format!("{} records", cx.out.total()));
            }
            if (i + 1) % tenth == 0 {
                info!(
                    accounts_done = i + 1,
                    records = cx.out.total(),
                    "generating"
                );
            }
        }
        while next < w.units.len() {
            emit_unit(&mut cx, next, &w.units[next].1)?;
            next += 1;
        }
    }
    pb.finish_and_clear();
    let total = out.total();
    let labels = out.count(Kind::Labels);
    let files = out.finish()?;
    info!(records = total, labels, secs = started.elapsed().as_secs_f64(), dir = %dir.display(), "dataset written");
    Ok(GenerateSummary { files })
}

fn emit_unit(cx: &mut Ctx, idx: usize, unit: &Unit) -> io::Result<()> {
    let mut rng = rng_for(cx.w.seed, tag::UNIT, idx as u64);
    match unit {
        Unit::Crew(c) => c.emit(cx, &mut rng),
        Unit::Campaign(c) => c.emit(cx, &mut rng),
        Unit::Insider(c) => c.emit(cx, &mut rng),
        Unit::Household(c) => c.emit(cx, &mut rng),
        Unit::Friends(c) => c.emit(cx, &mut rng),
        Unit::Dispute(c) => c.emit(cx, &mut rng),
        Unit::WifiBuy(c) => c.emit(cx, &mut rng),
        Unit::BusyLabels => traps::emit_busy_labels(cx),
    }
}
