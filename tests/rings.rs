//! Ring detection over HTTP: each signal on a small hand-built marketplace, each benign
//! look-alike kept below the default threshold, filters, paging and re-runs.

use crate::common;
use crate::market;

use common::{app, error_code, TestApp};
use market::Market;
use serde_json::{json, Value};

const RINGS: &str = r#"query($minScore: Float, $kind: RingKind, $shopId: String, $memberId: String, $first: Int, $after: String, $from: String, $to: String) {
  rings(minScore: $minScore, kind: $kind, shopId: $shopId, memberId: $memberId, first: $first, after: $after, from: $from, to: $to) {
    edges { cursor node {
      id kind score firstAt lastAt reasons
      moneyIn { amount currency } moneyOut { amount }
      members { account { id } role contribution }
      victimShops { id }
      evidence { nodes { id label } edges { from to kind recordId at amount } reasons }
    } }
    pageInfo { hasNextPage endCursor }
  } }"#;

async fn detect(app: &TestApp) -> Value {
    app.data("mutation { detect { detector found } }", json!({}))
        .await["detect"]
        .clone()
}

async fn rings(app: &TestApp, vars: Value) -> Vec<Value> {
    let d = app.data(RINGS, vars).await;
    d["rings"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Account → role of a lineage traced from `start` at the default depth (accounts without a
/// role left out).
async fn lineage_roles(app: &TestApp, start: &str) -> std::collections::BTreeMap<String, String> {
    let d = app
        .data(
            "query($a: String) { agentLineage(accountId: $a) { accounts { account { id } role } } }",
            json!({ "a": start }),
        )
        .await;
    d["agentLineage"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            Some((
                a["account"]["id"].as_str()?.to_string(),
                a["role"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn role_of(ring: &Value, id: &str) -> String {
    ring["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account"]["id"] == id)
        .map(|m| m["role"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A campaign: seller `ben` (shop in `phone`) pays mule → organizer, who invites and pays
/// five reviewers panning three rival phone shops within two days.
fn campaign(m: &Market, p: &str) {
    let ben = format!("{p}-ben");
    m.shop(&ben, &format!("{p}-benshop"), "phone");
    let (mule, org) = (format!("{p}-mule"), format!("{p}-org"));
    m.buyers(&[&mule, &org]);
    m.transfer(&format!("{p}-fund1"), &ben, &mule, "3000.00", 5, 10)
        .transfer(&format!("{p}-fund2"), &mule, &org, "2900.00", 6, 10);
    let rivals: Vec<(String, String)> = (0..3)
        .map(|k| (format!("{p}-rival-own{k}"), format!("{p}-rival{k}")))
        .collect();
    for (own, shop) in &rivals {
        m.shop(own, shop, "phone");
    }
    for i in 0..5 {
        let r = format!("{p}-agent{i}");
        m.buyers(&[&r]);
        m.refer(&org, &r, 2);
        m.message(&format!("{p}-brief{i}"), &org, &r, 9, 10);
        for (k, (own, shop)) in rivals.iter().enumerate() {
            m.review(
                &format!("{p}-rv{i}-{k}"),
                &r,
                shop,
                own,
                1,
                10 + (i as u32 % 2),
                12 + k as u32,
            );
        }
        m.transfer(&format!("{p}-fee{i}"), &org, &r, "150.00", 13, 10);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn extortion_crew_is_found_with_roles_and_evidence() {
    let app = app().await;
    let m = Market::new("rings-crew");
    m.crew("c", 3, 3);
    m.buyers(&["bystander"]);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;

    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(r["kind"], "EXTORTION_CREW");
    assert!(r["score"].as_f64().unwrap() >= 0.9, "{}", r["score"]);
    assert_eq!(common::ring_members(r), vec!["c-op", "c-org", "c-rec"]);
    assert_eq!(role_of(r, "c-org"), "ORGANIZER");
    assert_eq!(role_of(r, "c-op"), "OPERATIVE");
    assert_eq!(role_of(r, "c-rec"), "RECRUIT");
    assert_eq!(
        r["members"][0]["account"]["id"], "c-org",
        "largest contribution first"
    );
    assert_eq!(
        r["moneyIn"],
        json!([{"amount": "2400.00", "currency": "CNY"}]),
        "one amount per currency"
    );
    assert_eq!(r["moneyOut"][0]["amount"], "600.00");
    let shops: Vec<&str> = r["victimShops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(shops, vec!["c-shop0", "c-shop1", "c-shop2"]);
    let paid = r["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["recordId"] == "c-pay0")
        .expect("the owner's payment is evidence");
    assert_eq!(paid["kind"], "PAID");
    assert_eq!(
        (paid["from"].as_str(), paid["to"].as_str()),
        (Some("c-own0"), Some("c-org"))
    );
    assert_eq!(paid["amount"], "800.00");
    assert_eq!(paid["at"], "2017-04-04T02:00:00Z");
    let reasons = r["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|x| x
            .as_str()
            .unwrap()
            .contains("privately paid c-org 800.00 CNY (payment c-pay0")),
        "{reasons:#?}"
    );
    assert!(reasons
        .iter()
        .any(|x| x.as_str().unwrap().contains("c-org messaged c-own0")));
    assert_eq!(r["firstAt"], "2017-04-03T02:00:00Z");

    let one = app
        .data(
            "query($id: String!) { ring(id: $id) { id members { role } } }",
            json!({"id": r["id"]}),
        )
        .await;
    assert_eq!(one["ring"]["id"], r["id"]);
    let missing = app
        .gql("{ ring(id: \"ring-nope\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hired_campaign_is_found_with_the_sellers_money() {
    let app = app().await;
    let m = Market::new("rings-campaign");
    campaign(&m, "h");
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;

    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(r["kind"], "HIRED_CAMPAIGN");
    assert!(r["score"].as_f64().unwrap() >= 0.8);
    let ms = common::ring_members(r);
    for i in 0..5 {
        let a = format!("h-agent{i}");
        assert!(ms.contains(&a), "{ms:?}");
        assert_eq!(role_of(r, &a), "OPERATIVE");
    }
    assert_eq!(role_of(r, "h-org"), "ORGANIZER");
    assert_eq!(role_of(r, "h-mule"), "INTERMEDIARY");
    assert_eq!(role_of(r, "h-ben"), "BENEFICIARY");
    assert_eq!(r["victimShops"].as_array().unwrap().len(), 3);
    let reasons: Vec<&str> = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|x| x.contains("lockstep") && x.contains("all rivals in category phone")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|x| x
                .contains("Seller h-ben, a competitor of the targeted shops, funded the group")),
        "{reasons:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn household_panning_a_bad_shop_is_no_ring() {
    let app = app().await;
    let m = Market::new("rings-household");
    m.shop("bad-owner", "bad-shop", "food");
    m.buyers(&["h1", "h2", "h3"]);
    m.share("device", "family-tablet", &["h1", "h2", "h3"])
        .share("address", "family-home", &["h1", "h2", "h3"])
        .refer("h1", "h2", 1)
        .refer("h1", "h3", 1);
    for (i, h) in ["h1", "h2", "h3"].iter().enumerate() {
        m.review(
            &format!("hr{i}"),
            h,
            "bad-shop",
            "bad-owner",
            1,
            5,
            10 + i as u32,
        );
        // the owner reaches out and the family answers: no money changes hands
        m.message(&format!("ho{i}"), "bad-owner", h, 5, 20);
        m.message(&format!("hm{i}"), h, "bad-owner", 5, 21);
    }
    m.transfer("h-pocket-money", "h1", "h2", "200.00", 8, 9);
    for i in 0..6 {
        let b = format!("stranger{i}");
        m.buyers(&[&b]);
        m.review(
            &format!("sr{i}"),
            &b,
            "bad-shop",
            "bad-owner",
            1,
            3 + i as u32,
            10,
        );
    }
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    assert!(rings(&app, json!({})).await.is_empty());
    for r in rings(&app, json!({"minScore": 0.0})).await {
        assert!(r["score"].as_f64().unwrap() < 0.5, "{r:#?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn public_wifi_hub_ties_nobody_to_a_crew() {
    let app = app().await;
    let m = Market::new("rings-wifi");
    m.crew("w", 3, 3);
    m.shop("cafe-owner", "cafe-shop", "food");
    let mut users = vec!["w-org".to_string(), "w-op".to_string()];
    for i in 0..30 {
        let u = format!("cafe{i}");
        m.buyers(&[&u]);
        m.review(
            &format!("cr{i}"),
            &u,
            "cafe-shop",
            "cafe-owner",
            5,
            4 + (i as u32 % 5),
            11,
        );
        users.push(u);
    }
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    m.share("ip", "10.0.0.1", &refs);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({"minScore": 0.0})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        common::ring_members(&found[0]),
        vec!["w-op", "w-org", "w-rec"],
        "the hub IP ties no café user in"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn friends_paying_each_other_are_no_ring() {
    let app = app().await;
    let m = Market::new("rings-friends");
    m.buyers(&["f1", "f2", "f3", "f4"]);
    m.shop("owner", "shop", "books");
    m.share("ip", "office", &["f1", "f2", "f3", "f4"]);
    let pairs = [
        ("f1", "f2"),
        ("f2", "f3"),
        ("f3", "f4"),
        ("f4", "f1"),
        ("f1", "f3"),
    ];
    for (i, (a, b)) in pairs.iter().enumerate() {
        m.transfer(&format!("fp{i}"), a, b, "120.00", 3 + i as u32, 12);
        m.message(&format!("fm{i}"), a, b, 3 + i as u32, 11);
    }
    m.review("fr", "f1", "shop", "owner", 2, 6, 10);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    assert!(rings(&app, json!({})).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resolved_dispute_with_refund_is_no_ring() {
    let app = app().await;
    let m = Market::new("rings-dispute");
    m.buyers(&["buyer", "spouse"]);
    m.share("device", "home-pc", &["buyer", "spouse"]);
    m.shop("owner", "shop", "shoes");
    let order = m.review("dr", "buyer", "shop", "owner", 1, 5, 10);
    m.message("dm1", "owner", "buyer", 5, 14)
        .message("dm2", "buyer", "owner", 5, 15)
        .refund("refund", "owner", "buyer", "50.00", &order, 6, 10)
        .revise("dr", "buyer", 4, 6, 12);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    assert!(rings(&app, json!({"minScore": 0.0})).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_and_paging() {
    let app = app().await;
    let m = Market::new("rings-filters");
    m.crew("c", 3, 3);
    campaign(&m, "h");
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;

    let all = rings(&app, json!({})).await;
    assert_eq!(all.len(), 2);
    assert!(
        all[0]["score"].as_f64() >= all[1]["score"].as_f64(),
        "highest score first"
    );
    let by_member = rings(&app, json!({"memberId": "c-rec"})).await;
    assert_eq!(by_member.len(), 1);
    assert_eq!(by_member[0]["kind"], "EXTORTION_CREW");
    let by_shop = rings(&app, json!({"shopId": "h-rival1"})).await;
    assert_eq!(by_shop.len(), 1);
    assert_eq!(by_shop[0]["kind"], "HIRED_CAMPAIGN");
    assert_eq!(
        rings(&app, json!({"kind": "HIRED_CAMPAIGN"})).await.len(),
        1
    );
    assert_eq!(rings(&app, json!({"kind": "MIXED"})).await.len(), 0);
    let low = all
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .fold(1.0, f64::min);
    assert_eq!(
        rings(&app, json!({"minScore": (low + 1.0) / 2.0}))
            .await
            .len(),
        1
    );
    // crew active 3–10 April, campaign funded from the 5th: only the crew before the 5th
    assert_eq!(
        rings(&app, json!({"to": "2017-04-04T00:00:00+08:00"}))
            .await
            .len(),
        1
    );
    assert_eq!(
        rings(&app, json!({"from": "2017-05-01T00:00:00Z"}))
            .await
            .len(),
        0
    );

    let first = app.data(RINGS, json!({"first": 1})).await;
    let conn = &first["rings"];
    assert_eq!(conn["edges"].as_array().unwrap().len(), 1);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    let next = app
        .data(
            RINGS,
            json!({"first": 1, "after": conn["pageInfo"]["endCursor"]}),
        )
        .await;
    assert_eq!(next["rings"]["edges"][0]["node"]["id"], all[1]["id"]);
    assert_eq!(next["rings"]["pageInfo"]["hasNextPage"], false);

    let bad = app.gql(RINGS, json!({"minScore": 2.0})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "minScore");
    let bad = app.gql(RINGS, json!({"from": "yesterday"})).await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "from");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rerunning_detect_replaces_rings() {
    let app = app().await;
    let m = Market::new("rings-rerun");
    m.crew("c", 3, 3);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let before = rings(&app, json!({"minScore": 0.0})).await;
    detect(&app).await;
    let again = rings(&app, json!({"minScore": 0.0})).await;
    assert_eq!(before.len(), 1);
    assert_eq!(again.len(), 1, "no duplicates after a second run");
    assert_eq!(before[0]["id"], again[0]["id"], "ids are stable");

    // new data: a fourth member joins (invited by the organizer, paid by a victim's owner)
    let more = Market::new("rings-rerun-2");
    more.buyers(&["c-new"]);
    more.refer("c-org", "c-new", 12);
    more.shop("late-owner", "late-shop", "tea");
    more.review("late-r", "c-new", "late-shop", "late-owner", 1, 14, 10);
    more.transfer("late-pay", "late-owner", "c-org", "900.00", 15, 10);
    app.load(more.data.path()).await.unwrap();
    detect(&app).await;
    let after = rings(&app, json!({"minScore": 0.0})).await;
    assert_eq!(after.len(), 1, "{after:#?}");
    assert!(common::ring_members(&after[0]).contains(&"c-new".to_string()));
    assert_ne!(
        after[0]["id"], before[0]["id"],
        "a new member set is a new ring id"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn split_crew_includes_the_negotiator_and_its_payee_account() {
    let app = app().await;
    let m = Market::new("rings-split");
    m.split_crew("s", 3, 3);
    m.buyers(&["bystander"]);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(r["kind"], "EXTORTION_CREW");
    assert_eq!(
        common::ring_members(r),
        vec!["s-neg", "s-op", "s-org", "s-pay"]
    );
    assert_eq!(role_of(r, "s-org"), "ORGANIZER");
    assert_eq!(role_of(r, "s-op"), "OPERATIVE");
    assert_eq!(role_of(r, "s-neg"), "NEGOTIATOR");
    assert_eq!(role_of(r, "s-pay"), "NEGOTIATOR");
    let reasons: Vec<&str> = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|x| x.starts_with("s-neg messaged s-own0")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|x| x.starts_with("s-neg is NEGOTIATOR:")),
        "each role says why: {reasons:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dormant_household_recruit_joins_with_a_lower_contribution() {
    let app = app().await;
    let m = Market::new("rings-dormant");
    m.crew("c", 3, 3);
    // invited by the operative and living with it: a recruit before its first review
    m.dormant_recruit("c-op", "c-sleeper", 20);
    // invited but a stranger, and a flatmate who was never invited: neither joins
    m.buyers(&["c-invitee", "c-flatmate"]);
    m.refer("c-op", "c-invitee", 21)
        .share("address", "addr-c-op", &["c-flatmate"]);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(
        common::ring_members(r),
        vec!["c-op", "c-org", "c-rec", "c-sleeper"]
    );
    assert_eq!(role_of(r, "c-sleeper"), "RECRUIT");
    let contribution = |id: &str| {
        r["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["account"]["id"] == id)
            .unwrap()["contribution"]
            .as_f64()
            .unwrap()
    };
    assert!(contribution("c-sleeper") < contribution("c-rec"));
    assert!(r["reasons"].as_array().unwrap().iter().any(|x| x
        .as_str()
        .unwrap()
        .contains("c-sleeper is RECRUIT: invited by operative c-op and shares their household; no negative review yet")));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn farm_campaign_without_lockstep_is_found_with_its_funding() {
    let app = app().await;
    let m = Market::new("rings-farms");
    m.farm_campaign("f");
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(r["kind"], "HIRED_CAMPAIGN");
    let mut expected: Vec<String> = (0..6).map(|i| format!("f-op{i}")).collect();
    expected.extend(["f-ben", "f-mule1", "f-mule2", "f-org"].map(String::from));
    expected.sort();
    assert_eq!(common::ring_members(r), expected);
    assert_eq!(role_of(r, "f-ben"), "BENEFICIARY");
    assert_eq!(role_of(r, "f-mule1"), "INTERMEDIARY");
    assert_eq!(role_of(r, "f-mule2"), "INTERMEDIARY");
    assert_eq!(role_of(r, "f-org"), "ORGANIZER");
    assert_eq!(role_of(r, "f-op3"), "OPERATIVE");
    let reasons = r["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|x| {
            let x = x.as_str().unwrap();
            x.starts_with("f-org privately paid 6 accounts for ")
                && x.contains("reviews of shops in category phone")
        }),
        "{reasons:#?}"
    );
    // lineage walks the same money back: the same beneficiary and mules
    let roles = lineage_roles(&app, "f-op2").await;
    let role = |id: &str| roles.get(id).cloned();
    assert_eq!(role("f-ben").as_deref(), Some("BENEFICIARY"));
    assert_eq!(role("f-mule1").as_deref(), Some("INTERMEDIARY"));
    assert_eq!(role("f-mule2").as_deref(), Some("INTERMEDIARY"));
    assert_eq!(role("f-org").as_deref(), Some("ORGANIZER"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seller_funding_through_a_relative_and_three_mules_is_the_beneficiary() {
    let app = app().await;
    let m = Market::new("rings-relative");
    m.farm_campaign_through_a_relative("h");
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    assert_eq!(role_of(r, "h-ben"), "BENEFICIARY");
    for hand in ["h-rel", "h-mule1", "h-mule2", "h-mule3"] {
        assert_eq!(role_of(r, hand), "INTERMEDIARY", "{hand}");
    }
    assert_eq!(role_of(r, "h-org"), "ORGANIZER");
    let reasons = r["reasons"].to_string();
    assert!(
        reasons.contains("Seller h-ben, a competitor of the targeted shops, funded the group through h-rel, who owns no shop and shares the address"),
        "{reasons}"
    );
    // lineage, from an operative at the default depth, names the same sponsor
    let roles = lineage_roles(&app, "h-op2").await;
    for (id, role) in [
        ("h-ben", "BENEFICIARY"),
        ("h-rel", "INTERMEDIARY"),
        ("h-mule1", "INTERMEDIARY"),
    ] {
        assert_eq!(
            roles.get(id).map(String::as_str),
            Some(role),
            "{id}: {roles:?}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crew_paid_together_weeks_after_its_campaign_is_found() {
    let app = app().await;
    let m = Market::new("rings-payroll");
    m.shop("pr-target-own", "pr-target", "cosmetics");
    m.shop("pr-rival", "pr-rival-shop", "cosmetics");
    m.buyers(&["pr-org", "pr-mule"]);
    // The rival pays through a middleman; the organizer recruited four reviewers, who pan the
    // target twice each over two weeks and are paid together two weeks after the last review.
    m.transfer("pr-fund", "pr-rival", "pr-mule", "10000.00", 1, 12);
    m.transfer("pr-fund2", "pr-mule", "pr-org", "9500.00", 2, 12);
    for i in 0..4u32 {
        let op = format!("pr-op{i}");
        m.buyers(&[&op]);
        m.refer("pr-org", &op, 1);
        for k in 0..2u32 {
            let day = 2 + i * 3 + k * 2;
            m.review(
                &format!("pr-r{i}-{k}"),
                &op,
                "pr-target",
                "pr-target-own",
                2,
                day,
                10,
            );
        }
        m.transfer(&format!("pr-pay{i}"), "pr-org", &op, "250.00", 29, 12 + i);
    }
    // Counter-case: someone paying three reviewers of one shop weeks after their reviews, but
    // on days far apart (rent, an allowance): no payroll, so nobody is hired.
    m.shop("pr-noodle-own", "pr-noodles", "food");
    m.buyers(&["pr-landlord"]);
    for (i, day) in [22u32, 26, 30].into_iter().enumerate() {
        let tenant = format!("pr-tenant{i}");
        m.buyers(&[&tenant]);
        m.review(
            &format!("pr-nr{i}"),
            &tenant,
            "pr-noodles",
            "pr-noodle-own",
            1,
            2 + i as u32,
            10,
        );
        m.transfer(
            &format!("pr-rent{i}"),
            "pr-landlord",
            &tenant,
            "1500.00",
            day,
            9,
        );
    }
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let r = &found[0];
    let mut expected: Vec<String> = (0..4).map(|i| format!("pr-op{i}")).collect();
    expected.extend(["pr-mule", "pr-org", "pr-rival"].map(String::from));
    expected.sort();
    assert_eq!(common::ring_members(r), expected);
    assert_eq!(role_of(r, "pr-org"), "ORGANIZER");
    assert_eq!(role_of(r, "pr-op0"), "OPERATIVE");
    assert_eq!(role_of(r, "pr-rival"), "BENEFICIARY");
    let reasons = r["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|x| x
            .as_str()
            .unwrap()
            .starts_with("pr-org privately paid 4 accounts for 8 negative or neutral reviews")),
        "{reasons:#?}"
    );
    // Every payroll payment is an evidence edge.
    let paid: Vec<&str> = r["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "PAID" && e["from"] == "pr-org")
        .map(|e| e["recordId"].as_str().unwrap())
        .collect();
    for i in 0..4 {
        assert!(paid.contains(&format!("pr-pay{i}").as_str()), "{paid:?}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cashback_to_reviewers_is_no_ring() {
    let app = app().await;
    let m = Market::new("rings-cashback");
    // a seller hands a few yuan to buyers who reviewed rival shops of its category
    m.shop("seller", "seller-shop", "phone");
    m.shop("rival-own", "rival", "phone");
    for i in 0..5 {
        let b = format!("buyer{i}");
        m.buyers(&[&b]);
        m.review(
            &format!("cr{i}"),
            &b,
            "rival",
            "rival-own",
            2,
            5 + i as u32,
            10,
        );
        m.transfer(&format!("cb{i}"), "seller", &b, "8.00", 6 + i as u32, 10);
    }
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    assert!(rings(&app, json!({"minScore": 0.0})).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn money_in_different_currencies_is_never_added_up() {
    let app = app().await;
    let m = Market::new("rings-currency");
    m.crew("c", 3, 3);
    m.shop("usd-owner", "usd-shop", "tea");
    m.review("c-usd", "c-op", "usd-shop", "usd-owner", 1, 20, 10);
    m.data.add(
        "payments",
        &[json!({"id": "usd-pay", "fromId": "usd-owner", "toId": "c-org", "amount": "150.00", "currency": "USD", "paidAt": common::t(21, 10), "channel": "bank"})],
    );
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;
    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["moneyIn"],
        json!([
            {"amount": "2400.00", "currency": "CNY"},
            {"amount": "150.00", "currency": "USD"}
        ])
    );
    app.stop().await;
}

/// A victim that pays the organizer less than the hush-money minimum is still a victim: its
/// money is no sponsor's, though it sells what the crew's other victims sell.
#[tokio::test(flavor = "multi_thread")]
async fn a_victim_paying_under_the_minimum_is_no_sponsor() {
    let app = app().await;
    let m = Market::new("rings-small-victim");
    m.crew("c", 3, 3);
    m.shop("tiny-own", "tiny-shop", "tea");
    // before the crew's other attacks, as a sponsor's money would come
    m.review("c-tiny", "c-op", "tiny-shop", "tiny-own", 1, 1, 10);
    m.transfer("tiny-pay", "tiny-own", "c-org", "50.00", 2, 10);
    app.load(m.data.path()).await.unwrap();
    detect(&app).await;

    let found = rings(&app, json!({})).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        common::ring_members(&found[0]),
        vec!["c-op", "c-org", "c-rec"]
    );
    let reasons = found[0]["reasons"].to_string();
    assert!(!reasons.contains("funded the group"), "{reasons}");
    app.stop().await;
}
