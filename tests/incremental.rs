//! Incremental detection (issue 12): after a "day" of records, `detect(since:)` recomputes
//! only what they touch and stores findings identical to a full run's.

use crate::common::{self, error_code, t, TestApp};
use crate::insider::removals;
use crate::market::Market;
use serde_json::{json, Value};

const EVIDENCE: &str = "evidence { nodes { id label caption } edges { id from to kind recordId at amount } reasons nodesTotal edgesTotal }";

fn rings_query() -> String {
    format!(
        "{{ rings(minScore: 0, first: 50) {{ edges {{ node {{ id kind score firstAt lastAt reasons \
         moneyIn {{ amount currency }} moneyOut {{ amount currency }} \
         members {{ account {{ id }} role contribution }} victimShops {{ id }} {EVIDENCE} }} }} }} }}"
    )
}

fn incidents_query() -> String {
    format!(
        "{{ extortionIncidents(minConfidence: 0, first: 50) {{ edges {{ node {{ id confidence complete paymentId \
         review {{ id }} shop {{ id }} reviewer {{ id }} contact {{ id }} payee {{ id }} \
         amount {{ amount currency }} reviewedAt contactedAt paidAt retractedAt \
         ties {{ from to kind detail strength }} reasons {EVIDENCE} }} }} }} }}"
    )
}

fn insiders_query() -> String {
    format!(
        "{{ insiderSuspects(minScore: 0, first: 10) {{ edges {{ node {{ employee {{ id }} score \
         removalsTotal removalsLegitimate shopsBenefited {{ shop {{ id }} removals }} \
         moneyTraced {{ amount currency }} reasons {EVIDENCE} }} }} }} }}"
    )
}

const RUNS: &str = "{ detectionRuns(first: 5) { edges { node { id status mode since basedOn scopeAccounts scopeShops carried counts } } } }";

/// Every finding of the current run, in a canonical order (the ids are stable across runs:
/// a ring's is the hash of its members).
async fn findings(app: &TestApp) -> Value {
    let key = |v: &Value, k: &str| v[k].to_string();
    let mut rings = common::nodes(&app.data(&rings_query(), json!({})).await, "rings");
    rings.sort_by_key(|r| key(r, "id"));
    let mut incidents = common::nodes(
        &app.data(&incidents_query(), json!({})).await,
        "extortionIncidents",
    );
    incidents.sort_by_key(|r| key(r, "id"));
    let mut insiders = common::nodes(
        &app.data(&insiders_query(), json!({})).await,
        "insiderSuspects",
    );
    insiders.sort_by_key(|r| r["employee"]["id"].to_string());
    json!({"rings": rings, "incidents": incidents, "insiders": insiders})
}

/// The incident about `review` among `findings`' (it must be there).
fn incident_of<'f>(findings: &'f Value, review: &str) -> &'f Value {
    findings["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["review"]["id"] == review)
        .unwrap_or_else(|| panic!("no incident for {review}: {}", findings["incidents"]))
}

async fn detect(app: &TestApp, since: Option<&str>) -> Value {
    let d = app
        .data(
            "mutation($since: String) { detect(since: $since) { runId detector found } }",
            json!({ "since": since }),
        )
        .await;
    d["detect"].clone()
}

async fn last_run(app: &TestApp) -> Value {
    common::nodes(&app.data(RUNS, json!({})).await, "detectionRuns")[0].clone()
}

fn members_of(rings: &Value) -> Vec<Vec<String>> {
    rings
        .as_array()
        .unwrap()
        .iter()
        .map(common::ring_members)
        .collect()
}

/// The base marketplace: an extortion crew, a split crew, a funded campaign, an insider, and
/// a second extortion crew `c5` that also squeezed one of `c1`'s victims (`c1-shop1`).
fn base() -> (Market, common::Dataset) {
    let m = Market::new("incr-base");
    m.crew("c1", 3, 2);
    m.split_crew("c2", 2, 3);
    m.farm_campaign("f");
    m.crew("c5", 2, 12);
    m.review("c5-rx", "c5-op", "c1-shop1", "c1-own1", 1, 17, 10);
    m.message("c5-mx", "c5-org", "c1-own1", 17, 15);
    m.transfer("c5-payx", "c1-own1", "c5-org", "600.00", 18, 10);
    m.withdraw("c5-rx", "c5-op", 18, 14);
    // two owners with relatives: hh-rel already shares hh-own's address; hh2-rel paid a lone
    // extortionist after its 1-star review of hh2-shop, but is not (yet) known to share
    // anything with hh2-own (no record but that link will touch hh2-shop)
    m.shop("hh-own", "hh-shop", "tea")
        .shop("hh2-own", "hh2-shop", "tea");
    m.buyers(&["hh-rel", "hh2-rel", "lone"]);
    m.share("address", "addr-hh", &["hh-own", "hh-rel"])
        .share("address", "addr-hh2", &["hh2-own"]);
    m.review("hh2-r", "lone", "hh2-shop", "hh2-own", 1, 15, 10);
    m.message("hh2-m", "lone", "hh2-own", 15, 15);
    m.transfer("hh2-pay", "hh2-rel", "lone", "700.00", 16, 10)
        .withdraw("hh2-r", "lone", 16, 14);
    // a hired crew paid on completion: four recruits panned pw-shop on the 4th to the 8th;
    // two are paid on the 20th, the other two in the day (a payroll across the boundary)
    m.shop("pw-own", "pw-shop", "beauty");
    m.buyers(&["pw-org"]);
    for i in 0..4u32 {
        let op = format!("pw-op{i}");
        m.buyers(&[&op]);
        m.refer("pw-org", &op, 1);
        for k in 0..2u32 {
            m.review(
                &format!("pw-r{i}-{k}"),
                &op,
                "pw-shop",
                "pw-own",
                2,
                4 + i + k,
                10,
            );
        }
    }
    m.transfer("pw-pay0", "pw-org", "pw-op0", "250.00", 20, 12)
        .transfer("pw-pay1", "pw-org", "pw-op1", "250.00", 20, 13);
    // a crew that stockpiles two reviews of ik-shop early in the month (sold off in the day),
    // and asks small sums elsewhere
    m.shop("ik-own", "ik-shop", "toys")
        .shop("it-own", "it-shop", "toys");
    m.buyers(&["ik-org", "ik-op0", "ik-op1"]);
    for (i, op) in ["ik-op0", "ik-op1"].into_iter().enumerate() {
        m.refer("ik-org", op, 1);
        m.review(
            &format!("ik-r{i}"),
            op,
            "ik-shop",
            "ik-own",
            1,
            3 + i as u32,
            10,
        );
    }
    (m, removals("incr-insider"))
}

/// One "day" (the 21st and the days after it): `c1` gains a recruit who pans one of its old
/// victims (a new member and a new incident on an existing shop), a new crew `c3` starts, and
/// the insider removes one more review of a paying owner, who pays the proxy again.
fn day() -> Market {
    let m = Market::new("incr-day");
    m.buyers(&["c1-new"]);
    m.refer("c1-op", "c1-new", 21);
    m.data.add(
        "links",
        &[json!({"accountId": "c1-new", "kind": "address", "value": "addr-c1", "firstSeen": t(21, 8)})],
    );
    m.review("c1-r9", "c1-new", "c1-shop0", "c1-own0", 1, 21, 10);
    m.message("c1-m9", "c1-org", "c1-own0", 21, 15);
    m.transfer("c1-pay9", "c1-own0", "c1-org", "800.00", 22, 10);
    m.withdraw("c1-r9", "c1-new", 22, 14);
    m.transfer("c1-share9", "c1-org", "c1-new", "200.00", 23, 10);
    m.crew("c3", 2, 21);
    m.transfer("pw-pay2", "pw-org", "pw-op2", "250.00", 22, 12)
        .transfer("pw-pay3", "pw-org", "pw-op3", "250.00", 22, 13);
    m.message("ik-m", "ik-org", "ik-own", 22, 9);
    m.transfer("ik-pay", "ik-own", "ik-org", "2000.00", 22, 12)
        .withdraw("ik-r0", "ik-op0", 22, 14)
        .withdraw("ik-r1", "ik-op1", 22, 16);
    m.review("it-r", "ik-op0", "it-shop", "it-own", 1, 21, 10);
    m.message("it-m", "ik-op0", "it-own", 21, 12);
    m.transfer("it-pay", "it-own", "ik-org", "60.00", 22, 10)
        .withdraw("it-r", "ik-op0", 22, 18);
    // c1 squeezes hh-own, whose relative pays; hh2-rel's address turns out to be hh2-own's,
    // which makes the old payment hh2-own's side's
    m.review("hh-r", "c1-op", "hh-shop", "hh-own", 1, 22, 10);
    m.message("hh-m", "c1-org", "hh-own", 22, 15);
    m.transfer("hh-pay", "hh-rel", "c1-org", "900.00", 23, 10)
        .withdraw("hh-r", "c1-op", 23, 14);
    m.data.add(
        "links",
        &[json!({"accountId": "hh2-rel", "kind": "address", "value": "addr-hh2", "firstSeen": t(21, 9)})],
    );
    m.data
        .add(
            "orders",
            &[json!({"id": "o-late", "buyerId": "a-b19", "shopId": "s-1", "amount": "80.00", "placedAt": t(21, 8), "status": "delivered"})],
        )
        .add(
            "reviews",
            &[json!({"id": "r-late", "orderId": "o-late", "authorId": "a-b19", "shopId": "s-1", "rating": 1, "text": "broke at once", "postedAt": t(21, 9)})],
        )
        .add(
            "review_events",
            &[json!({"id": "e-late", "reviewId": "r-late", "action": "removed", "actorId": "a-emp", "at": t(21, 15), "reason": "spam"})],
        )
        .add(
            "payments",
            &[json!({"id": "p-late", "fromId": "a-o1", "toId": "a-proxy", "amount": "2000.00", "paidAt": t(21, 20), "channel": "wechat"})],
        );
    m
}

#[tokio::test(flavor = "multi_thread")]
async fn incremental_run_stores_the_findings_of_a_full_run() {
    let app = common::app().await;
    let (m, ins) = base();
    app.load(m.data.path()).await.unwrap();
    app.load(ins.path()).await.unwrap();

    // nothing to build on: a full run, and the run says so
    let first = detect(&app, Some(&t(21, 0))).await;
    assert_eq!(first.as_array().unwrap().len(), 3, "{first}");
    let base_run = last_run(&app).await;
    assert_eq!(base_run["mode"], "full", "{base_run}");
    let before = findings(&app).await;
    assert!(!members_of(&before["rings"])
        .iter()
        .any(|m| m.contains(&"c1-new".to_string())));
    assert!(
        !before["rings"].to_string().contains("pw-org"),
        "half a payroll hires nobody"
    );

    let d = day();
    app.load(d.data.path()).await.unwrap();
    let inc = detect(&app, Some(&t(21, 0))).await;
    let run = last_run(&app).await;
    assert_eq!(run["status"], "COMPLETE", "{run}");
    assert_eq!(run["mode"], "incremental", "{run}");
    assert_eq!(run["basedOn"], base_run["id"], "{run}");
    assert!(run["since"]
        .as_str()
        .unwrap()
        .starts_with("2017-04-20T16:00:00"));
    assert_eq!(inc[0]["runId"], run["id"]);
    // the untouched campaign and split crew are carried, not recomputed
    let total_shops = app.data("{ stats { shops } }", json!({})).await["stats"]["shops"]
        .as_f64()
        .unwrap();
    let scope_shops = run["scopeShops"].as_i64().unwrap();
    assert!(
        scope_shops > 0 && (scope_shops as f64) < total_shops,
        "{run} of {total_shops} shops"
    );
    // c1 is recomputed (it grew); c5 shares an untouched victim with it and is carried
    let carried: Value = serde_json::from_str(run["carried"].as_str().unwrap()).unwrap();
    let base_rings = before["rings"].as_array().unwrap().len();
    assert!(
        members_of(&before["rings"])
            .iter()
            .any(|m| m.contains(&"c5-org".to_string())),
        "c5 is a ring before the day"
    );
    assert_eq!(
        carried["rings"],
        base_rings as i64 - 1,
        "{run}: before {:?}, after {:?}",
        members_of(&before["rings"]),
        members_of(&findings(&app).await["rings"])
    );
    let incremental = findings(&app).await;

    // what the day changed is there
    let rings = members_of(&incremental["rings"]);
    assert!(
        rings
            .iter()
            .any(|m| m.contains(&"c1-new".to_string()) && m.contains(&"c1-org".to_string())),
        "c1 grew: {rings:?}"
    );
    assert!(
        rings.iter().any(|m| m.contains(&"c3-org".to_string())),
        "c3 is new: {rings:?}"
    );
    assert!(
        rings
            .iter()
            .any(|m| (0..4).all(|i| m.contains(&format!("pw-op{i}")))
                && m.contains(&"pw-org".to_string())),
        "the payroll completed in the day hires the whole crew: {rings:?}"
    );
    assert!(incremental["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["review"]["id"] == "c1-r9" && i["shop"]["id"] == "c1-shop0"));
    // a relative's payment is the owner's side's: a new one, and an old one a new link explains
    for (review, payer) in [("hh-r", "hh-rel"), ("hh2-r", "hh2-rel")] {
        let i = incident_of(&incremental, review);
        assert!(
            i["ties"].to_string().contains("owner_household:address")
                && i["ties"].to_string().contains(payer),
            "{i:#}"
        );
    }
    assert!(
        !before["incidents"].to_string().contains("hh2-r"),
        "no household was known before the day"
    );
    // stockpiled reviews sold off in the day, and a crew's small takings
    for review in ["ik-r0", "ik-r1", "it-r"] {
        let i = incident_of(&incremental, review);
        assert_eq!(i["payee"]["id"], "ik-org", "{i:#}");
    }
    assert_ne!(before["insiders"], incremental["insiders"]);

    detect(&app, None).await;
    assert_eq!(last_run(&app).await["mode"], "full");
    let full = findings(&app).await;
    // the pages hold every finding, so the comparison below is whole
    assert!(full["incidents"].as_array().unwrap().len() < 50);
    assert!(full["rings"].as_array().unwrap().len() < 50);
    for kind in ["rings", "incidents", "insiders"] {
        assert_eq!(
            incremental[kind].as_array().unwrap().len(),
            full[kind].as_array().unwrap().len(),
            "{kind}: incremental {} vs full {}",
            incremental[kind],
            full[kind]
        );
        for (a, b) in incremental[kind]
            .as_array()
            .unwrap()
            .iter()
            .zip(full[kind].as_array().unwrap())
        {
            assert_eq!(
                a, b,
                "{kind} differs between the incremental and the full run"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn since_must_be_a_time_and_comes_without_only() {
    let app = common::app().await;
    let bad = app
        .gql(
            r#"mutation { detect(since: "yesterday") { detector } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT", "{bad}");
    let both = app
        .gql(
            r#"mutation { detect(since: "2017-04-21T00:00:00Z", only: ["rings"]) { detector } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&both), "BAD_USER_INPUT", "{both}");
}
