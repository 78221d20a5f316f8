//! Re-read generated datasets and check them against the dataset contract.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("gen-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn read(dir: &Path, kind: &str) -> Vec<Value> {
    let text = fs::read_to_string(dir.join(format!("{kind}.ndjson"))).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{kind}:{}: bad JSON: {e}", n + 1))
        })
        .collect()
}

fn s<'a>(r: &'a Value, f: &str) -> &'a str {
    r.get(f)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing/mistyped string field {f}: {r}"))
}

fn opt_s<'a>(r: &'a Value, f: &str) -> Option<&'a str> {
    r.get(f).map(|v| {
        v.as_str()
            .unwrap_or_else(|| panic!("mistyped field {f}: {r}"))
    })
}

/// `2017-MM-DDTHH:MM:SS+08:00`, a real date in 2017; returns a sortable key.
fn time(r: &Value, f: &str) -> String {
    let t = s(r, f);
    let b = t.as_bytes();
    assert_eq!(b.len(), 25, "bad time {t} in {r}");
    assert!(
        t.starts_with("2017-") && t.ends_with("+08:00") && b[10] == b'T',
        "bad time {t}"
    );
    let num = |a: usize, z: usize| {
        t[a..z]
            .parse::<u32>()
            .unwrap_or_else(|_| panic!("bad time {t}"))
    };
    let (m, d, hh, mm, ss) = (num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19));
    let dim = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    assert!(
        (1..=12).contains(&m) && d >= 1 && d <= dim[m as usize - 1],
        "bad date {t}"
    );
    assert!(hh < 24 && mm < 60 && ss < 60, "bad clock {t}");
    t.to_string()
}

/// Money: non-negative decimal with exactly two fraction digits; returns fen.
fn money(r: &Value) -> u64 {
    let a = s(r, "amount");
    let (int, frac) = a
        .split_once('.')
        .unwrap_or_else(|| panic!("amount without fraction: {r}"));
    assert!(
        !int.is_empty() && int.bytes().all(|c| c.is_ascii_digit()),
        "bad amount {a}"
    );
    assert!(
        frac.len() == 2 && frac.bytes().all(|c| c.is_ascii_digit()),
        "bad amount {a}"
    );
    assert_eq!(s(r, "currency"), "CNY");
    let fen = int.parse::<u64>().unwrap() * 100 + frac.parse::<u64>().unwrap();
    assert!(fen > 0, "zero amount {r}");
    fen
}

fn id<'a>(r: &'a Value, f: &str) -> &'a str {
    let v = s(r, f);
    assert!(!v.is_empty() && v.len() <= 128, "bad id {v}");
    v
}

fn ids(rows: &[Value], kind: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        assert!(
            m.insert(id(r, "id").to_string(), k).is_none(),
            "duplicate {kind} id {}",
            s(r, "id")
        );
    }
    m
}

struct Checked {
    accounts: Vec<Value>,
    shops: Vec<Value>,
    payments: Vec<Value>,
    reviews: Vec<Value>,
    events: Vec<Value>,
    labels: Vec<Value>,
    acc: HashMap<String, usize>,
    rev: HashMap<String, usize>,
}

/// Validate every record and every reference of the dataset in `dir`.
fn check(dir: &Path) -> Checked {
    let accounts = read(dir, "accounts");
    let shops = read(dir, "shops");
    let links = read(dir, "links");
    let referrals = read(dir, "referrals");
    let orders = read(dir, "orders");
    let payments = read(dir, "payments");
    let reviews = read(dir, "reviews");
    let complaints = read(dir, "complaints");
    let events = read(dir, "review_events");
    let messages = read(dir, "messages");
    let labels = read(dir, "labels");

    let acc = ids(&accounts, "account");
    for a in &accounts {
        assert!(["buyer", "seller", "staff"].contains(&s(a, "role")));
        s(a, "name");
        s(a, "region");
        time(a, "registeredAt");
    }
    let reg = |id: &str| time(&accounts[acc[id]], "registeredAt");
    let role = |id: &str| s(&accounts[acc[id]], "role").to_string();
    let shop = ids(&shops, "shop");
    for sh in &shops {
        let o = id(sh, "ownerId");
        assert!(acc.contains_key(o), "dangling shop owner {o}");
        assert_eq!(role(o), "seller");
        s(sh, "name");
        s(sh, "category");
        assert!(time(sh, "openedAt") >= reg(o));
    }
    let mut link_keys = HashSet::new();
    for l in &links {
        let a = id(l, "accountId");
        assert!(acc.contains_key(a), "dangling link account {a}");
        let k = s(l, "kind");
        assert!(
            ["device", "ip", "phone", "address", "card"].contains(&k),
            "bad link kind {k}"
        );
        assert!(!s(l, "value").is_empty());
        assert!(time(l, "lastSeen") >= time(l, "firstSeen"));
        assert!(
            link_keys.insert((a.to_string(), k.to_string(), s(l, "value").to_string())),
            "dup link {l}"
        );
    }
    let mut invitees = HashSet::new();
    for r in &referrals {
        let (i, e) = (id(r, "inviterId"), id(r, "inviteeId"));
        assert!(
            acc.contains_key(i) && acc.contains_key(e) && i != e,
            "bad referral {r}"
        );
        assert!(invitees.insert(e.to_string()), "two inviters for {e}");
        let t = time(r, "at");
        assert!(reg(i) < t, "inviter registered after referral: {r}");
        assert!(reg(e) <= t, "invitee registered after referral: {r}");
    }
    let ord = ids(&orders, "order");
    for o in &orders {
        let b = id(o, "buyerId");
        let sh = id(o, "shopId");
        assert!(
            acc.contains_key(b) && shop.contains_key(sh),
            "dangling order ref {o}"
        );
        money(o);
        let st = s(o, "status");
        assert!([
            "placed",
            "paid",
            "shipped",
            "delivered",
            "refunded",
            "cancelled"
        ]
        .contains(&st));
        let t = time(o, "placedAt");
        assert!(t >= reg(b), "order before buyer registered: {o}");
        assert!(
            t >= time(&shops[shop[sh]], "openedAt"),
            "order before shop opened: {o}"
        );
    }
    let pay = ids(&payments, "payment");
    let _ = pay;
    for p in &payments {
        let (f, t) = (id(p, "fromId"), id(p, "toId"));
        assert!(
            acc.contains_key(f) && acc.contains_key(t) && f != t,
            "bad payment parties {p}"
        );
        money(p);
        let at = time(p, "paidAt");
        assert!(
            at >= reg(f) && at >= reg(t),
            "payment before registration: {p}"
        );
        if let Some(c) = opt_s(p, "channel") {
            assert!(["alipay", "wechat", "bank", "cash", "other"].contains(&c));
        }
        opt_s(p, "memo");
        if let Some(o) = opt_s(p, "orderId") {
            let order = &orders[*ord.get(o).unwrap_or_else(|| panic!("dangling orderId {o}"))];
            let owner = s(&shops[shop[s(order, "shopId")]], "ownerId");
            let buyer = s(order, "buyerId");
            assert!(
                (f == buyer && t == owner) || (f == owner && t == buyer),
                "purchase parties mismatch {p}"
            );
        }
    }
    let rev = ids(&reviews, "review");
    for r in &reviews {
        let o = &orders[*ord
            .get(id(r, "orderId"))
            .unwrap_or_else(|| panic!("dangling review order {r}"))];
        assert_eq!(
            s(r, "authorId"),
            s(o, "buyerId"),
            "review author is not the buyer: {r}"
        );
        assert_eq!(s(r, "shopId"), s(o, "shopId"));
        let rating = r.get("rating").and_then(Value::as_u64).expect("rating");
        assert!((1..=5).contains(&rating));
        s(r, "text");
        assert!(time(r, "postedAt") >= time(o, "placedAt"));
        assert!(
            ["delivered", "refunded"].contains(&s(o, "status")),
            "review on undelivered order {r}"
        );
    }
    let comp = ids(&complaints, "complaint");
    for c in &complaints {
        let r = &reviews[*rev
            .get(id(c, "reviewId"))
            .expect("dangling complaint review")];
        let f = id(c, "filedById");
        assert!(acc.contains_key(f));
        assert_eq!(
            f,
            s(&shops[shop[s(r, "shopId")]], "ownerId"),
            "complaint not by the shop owner"
        );
        let filed = time(c, "filedAt");
        assert!(filed >= time(r, "postedAt"));
        let st = s(c, "status");
        assert!(["pending", "upheld", "rejected"].contains(&st));
        if let Some(hd) = opt_s(c, "handledById") {
            assert_eq!(role(hd), "staff");
            assert!(time(c, "resolvedAt") >= filed);
        } else {
            assert_eq!(st, "pending");
        }
    }
    ids(&events, "review_event");
    for e in &events {
        let r = &reviews[*rev.get(id(e, "reviewId")).expect("dangling event review")];
        let a = id(e, "actorId");
        assert!(acc.contains_key(a));
        let action = s(e, "action");
        let t = time(e, "at");
        assert!(t >= time(r, "postedAt"), "event before review {e}");
        match action {
            "revised" => {
                let n = e
                    .get("newRating")
                    .and_then(Value::as_u64)
                    .expect("newRating");
                assert!((1..=5).contains(&n));
                assert_eq!(a, s(r, "authorId"));
            }
            "withdrawn" => assert_eq!(a, s(r, "authorId")),
            "removed" | "restored" => assert_eq!(role(a), "staff"),
            other => panic!("bad action {other}"),
        }
        if let Some(c) = opt_s(e, "complaintId") {
            let c = &complaints[*comp.get(c).expect("dangling complaintId")];
            assert_eq!(s(c, "reviewId"), s(e, "reviewId"));
            assert_eq!(s(c, "status"), "upheld");
            assert_eq!(
                opt_s(c, "handledById"),
                Some(a),
                "removal by someone else than the handler"
            );
        }
        opt_s(e, "reason");
    }
    ids(&messages, "message");
    for m in &messages {
        let (f, t) = (id(m, "fromId"), id(m, "toId"));
        assert!(
            acc.contains_key(f) && acc.contains_key(t) && f != t,
            "bad message {m}"
        );
        let at = time(m, "sentAt");
        assert!(
            at >= reg(f) && at >= reg(t),
            "message before registration: {m}"
        );
        assert!(["im", "phone", "sms", "other"].contains(&s(m, "channel")));
        s(m, "text");
    }
    for l in &labels {
        let e = id(l, "entityId");
        assert!(
            acc.contains_key(e) || shop.contains_key(e) || rev.contains_key(e),
            "dangling label {l}"
        );
        let label = s(l, "label");
        assert!(
            [
                "extortion_crew",
                "extortion_review",
                "extortion_victim",
                "hired_agents",
                "hired_review",
                "hired_victim",
                "insider",
                "removed_legit",
                "benign"
            ]
            .contains(&label),
            "unknown label {label}"
        );
        s(l, "group");
        opt_s(l, "role");
    }
    Checked {
        accounts,
        shops,
        payments,
        reviews,
        events,
        labels,
        acc,
        rev,
    }
}

/// Every kind of benign trap is planted at least twice.
fn assert_every_trap_present(c: &Checked) {
    let benign = groups(c, "benign");
    for kind in [
        "household-",
        "public_wifi-",
        "friends-",
        "busy_moderator-",
        "resolved_dispute-",
    ] {
        assert!(
            benign.keys().filter(|g| g.starts_with(kind)).count() >= 2,
            "trap {kind} missing"
        );
    }
}

fn groups(c: &Checked, label: &str) -> HashMap<String, Vec<(String, String)>> {
    let mut g: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for l in &c.labels {
        if s(l, "label") == label {
            let role = opt_s(l, "role").unwrap_or("").to_string();
            g.entry(s(l, "group").to_string())
                .or_default()
                .push((s(l, "entityId").to_string(), role));
        }
    }
    g
}

fn rating(c: &Checked, r: &str) -> u64 {
    c.reviews[c.rev[r]]["rating"].as_u64().unwrap()
}

#[test]
fn generated_dataset_is_valid_and_labelled() {
    let dir = TempDir::new("valid");
    let opts = GenerateOptions::for_accounts(4000, 7);
    let sum = generate(&opts, &dir.0).expect("generate");
    assert_eq!(sum.files.len(), 11);
    let c = check(&dir.0);
    assert_eq!(c.accounts.len() as u64, sum.files[0].1);

    let crews = groups(&c, "extortion_crew");
    assert_eq!(crews.len(), opts.crews as usize);
    for m in crews.values() {
        let roles: HashSet<&str> = m.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(roles, HashSet::from(["organizer", "operative", "recruit"]));
    }
    for l in groups(&c, "extortion_review").values().flatten() {
        assert!(rating(&c, &l.0) <= 2);
        assert!(l.1 == "complete" || l.1 == "partial");
    }
    assert_eq!(groups(&c, "extortion_victim").len(), opts.crews as usize);
    let camps = groups(&c, "hired_agents");
    assert_eq!(camps.len(), opts.campaigns as usize);
    for m in camps.values() {
        for role in ["beneficiary", "intermediary", "organizer", "operative"] {
            assert!(m.iter().any(|(_, r)| r == role), "campaign without {role}");
        }
    }
    for l in groups(&c, "hired_review").values().flatten() {
        assert!(rating(&c, &l.0) <= 3);
    }
    let ins = groups(&c, "insider");
    assert_eq!(ins.len(), opts.insiders as usize);
    // each removed_legit review was removed by that group's employee
    let employees: HashMap<&String, &String> = ins
        .iter()
        .map(|(g, m)| {
            (
                g,
                &m.iter().find(|(_, r)| r == "employee").expect("employee").0,
            )
        })
        .collect();
    let removed = groups(&c, "removed_legit");
    let mut removers: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &c.events {
        if s(e, "action") == "removed" {
            removers
                .entry(s(e, "reviewId"))
                .or_default()
                .push(s(e, "actorId"));
        }
    }
    for (g, rs) in &removed {
        for (r, _) in rs {
            assert!(rating(&c, r) <= 2);
            assert!(removers[r.as_str()].contains(&employees[g].as_str()));
        }
    }
    assert_every_trap_present(&c);
    let benign = groups(&c, "benign");
    // busy moderators: every removal complaint-backed, and no money from anyone
    for m in benign
        .iter()
        .filter(|(g, _)| g.starts_with("busy_moderator-"))
        .flat_map(|(_, m)| m)
    {
        for e in &c.events {
            if s(e, "action") == "removed" && s(e, "actorId") == m.0 {
                assert!(opt_s(e, "complaintId").is_some());
            }
        }
        assert!(c.payments.iter().all(|p| s(p, "toId") != m.0));
    }
    assert!(c.shops.len() > 100);
    assert!(c.acc.len() >= 4000);
}

#[test]
fn same_options_same_bytes() {
    let a = TempDir::new("det-a");
    let b = TempDir::new("det-b");
    let mut opts = GenerateOptions::for_accounts(2500, 99);
    opts.crews = 4;
    generate(&opts, &a.0).expect("generate a");
    generate(&opts, &b.0).expect("generate b");
    for f in writer::FILES {
        let x = fs::read(a.0.join(f)).expect("read a");
        let y = fs::read(b.0.join(f)).expect("read b");
        assert!(x == y, "{f} differs between runs");
    }
    let c = TempDir::new("det-c");
    opts.seed = 100;
    generate(&opts, &c.0).expect("generate c");
    assert_ne!(
        fs::read(a.0.join("orders.ndjson")).unwrap(),
        fs::read(c.0.join("orders.ndjson")).unwrap()
    );
}

#[test]
fn without_traps_or_camouflage() {
    let dir = TempDir::new("plain");
    let mut opts = GenerateOptions::for_accounts(3000, 3);
    opts.traps = false;
    opts.camouflage = false;
    generate(&opts, &dir.0).expect("generate");
    let c = check(&dir.0);
    assert!(c.labels.iter().all(|l| s(l, "label") != "benign"));
    assert_eq!(groups(&c, "extortion_crew").len(), 3);
}

#[test]
fn seed_dataset_has_the_reported_cases() {
    let dir = TempDir::new("seed");
    let sum = write_seed_dataset(&dir.0).expect("seed");
    let c = check(&dir.0);
    for id in [
        "a-du",
        "a-qiu",
        "a-zhang",
        "a-staff-insider",
        "a-insider-proxy",
        "a-hz-organizer",
        "a-hz-recruit",
    ] {
        assert!(c.acc.contains_key(id), "{id} missing");
    }
    // Haimen: five victims paid a-du 600..8800, a little over 20,000 in total
    let haimen: u64 = c
        .payments
        .iter()
        .filter(|p| s(p, "toId") == "a-du" && opt_s(p, "orderId").is_none())
        .filter(|p| c.shops.iter().any(|sh| s(sh, "ownerId") == s(p, "fromId")))
        .map(money)
        .sum();
    assert_eq!(haimen, 2_040_000);
    let crew = groups(&c, "extortion_crew");
    assert_eq!(crew["crew-haimen"].len(), 3);
    assert_eq!(crew["network-hangzhou"].len(), 7);
    assert_eq!(groups(&c, "extortion_victim")["crew-haimen"].len(), 5);
    assert!(groups(&c, "hired_agents")["network-hangzhou"].len() >= 9);
    // insider: RMB 1,240,000 from the bribers, about 1,000 removals
    let ins = &groups(&c, "insider")["insider-taobao"];
    let bribers: HashSet<&str> = ins
        .iter()
        .filter(|(_, r)| r == "briber")
        .map(|(a, _)| a.as_str())
        .collect();
    assert!(
        (20..=25).contains(&bribers.len()),
        "{} bribers",
        bribers.len()
    );
    let paid: u64 = c
        .payments
        .iter()
        .filter(|p| bribers.contains(s(p, "fromId")))
        .filter(|p| ["a-staff-insider", "a-insider-proxy"].contains(&s(p, "toId")))
        .map(money)
        .sum();
    assert_eq!(paid, 124_000_000);
    let removed = groups(&c, "removed_legit")["insider-taobao"].len();
    assert!((900..=1150).contains(&removed), "{removed} removals");
    assert_every_trap_present(&c);
    let bytes: u64 = sum
        .files
        .iter()
        .map(|(f, _)| fs::metadata(dir.0.join(f)).unwrap().len())
        .sum();
    assert!(bytes < 15 << 20, "seed data is {bytes} bytes");
}

#[test]
fn several_seeds_validate() {
    for seed in [11u64, 12, 13, 14] {
        let dir = TempDir::new(&format!("seeds-{seed}"));
        let mut opts = GenerateOptions::for_accounts(1200 + seed * 100, seed);
        opts.camouflage = seed % 2 == 0;
        generate(&opts, &dir.0).expect("generate");
        check(&dir.0);
    }
}

/// `GEN_VALIDATE_DIR=/tmp/x cargo test --release -- --ignored validate_dir`
#[test]
#[ignore]
fn validate_dir() {
    let dir = std::env::var("GEN_VALIDATE_DIR").expect("GEN_VALIDATE_DIR");
    let c = check(Path::new(&dir));
    println!(
        "{} accounts, {} reviews, {} labels valid",
        c.accounts.len(),
        c.reviews.len(),
        c.labels.len()
    );
}

#[test]
fn every_pattern_is_planted_and_labelled() {
    let dir = TempDir::new("patterns");
    let mut opts = GenerateOptions::for_accounts(6000, 11);
    opts.crews = 6;
    opts.patterns = super::Patterns::all(6000);
    generate(&opts, &dir.0).expect("generate");
    let c = check(&dir.0);
    let authors: HashSet<&str> = c.reviews.iter().map(|r| s(r, "authorId")).collect();
    let crews = groups(&c, "extortion_crew");
    let split: Vec<_> = crews
        .values()
        .filter(|m| m.iter().any(|(_, r)| r == "negotiator"))
        .collect();
    assert!(!split.is_empty(), "some crews split the roles");
    for m in &split {
        let payee = &m.iter().find(|(_, r)| r == "payee").expect("a payee").0;
        // the owners' money lands on the payee
        assert!(c
            .payments
            .iter()
            .any(|p| s(p, "toId") == payee.as_str() && opt_s(p, "orderId").is_none()));
    }
    // dormant recruits: labelled recruits who wrote no review in their group's work
    let hired_reviews: HashSet<&str> = groups(&c, "hired_review")
        .values()
        .chain(groups(&c, "extortion_review").values())
        .flatten()
        .map(|(r, _)| c.reviews[c.rev[r.as_str()]]["authorId"].as_str().unwrap())
        .collect();
    let dormant = crews
        .values()
        .chain(groups(&c, "hired_agents").values())
        .flatten()
        .filter(|(a, r)| r == "recruit" && !hired_reviews.contains(a.as_str()))
        .count();
    assert!(
        dormant > 0,
        "some recruits have not reviewed for their group"
    );
    let farms: Vec<_> = groups(&c, "hired_agents")
        .into_iter()
        .filter(|(g, _)| g.starts_with("farm-campaign-"))
        .collect();
    assert_eq!(farms.len(), 2);
    for (_, m) in &farms {
        let ops = m.iter().filter(|(_, r)| r == "operative").count();
        assert_eq!(ops, 6);
        assert!(m
            .iter()
            .all(|(a, r)| r != "operative" || authors.contains(a.as_str())));
    }
}
