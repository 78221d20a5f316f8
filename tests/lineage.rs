//! Hired-agent lineage over HTTP: a beneficiary → mule → organizer → operatives (+ a recruit)
//! campaign against two rival tea shops, with traps: a backward-in-time money chain from
//! another tea seller, a refund (purchase payment) from a tea seller to the organizer, a hub
//! IP shared with outsiders, and an organic negative reviewer of a victim shop.

use crate::common;

use common::{app, error_code, t, Dataset};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn campaign(name: &str) -> Dataset {
    let d = Dataset::new(name);
    let buyer = |id: &str| json!({"id": id, "role": "buyer", "registeredAt": t(1, 1)});
    let seller = |id: &str| json!({"id": id, "role": "seller", "registeredAt": t(1, 1)});
    let mut accounts = vec![
        seller("a-ben"),
        seller("a-ben2"),
        seller("a-tea2"),
        seller("a-v1"),
        seller("a-v2"),
        buyer("a-mule"),
        buyer("a-mule2"),
        buyer("a-org"),
        buyer("a-op1"),
        buyer("a-op2"),
        buyer("a-op3"),
        buyer("a-rec"),
        buyer("a-organic"),
    ];
    for i in 0..8 {
        accounts.push(buyer(&format!("a-cafe{i}")));
    }
    d.add("accounts", &accounts);
    let shop = |id: &str, owner: &str| json!({"id": id, "ownerId": owner, "name": id, "category": "tea", "openedAt": t(1, 2)});
    d.add(
        "shops",
        &[
            shop("s-ben", "a-ben"),
            shop("s-ben2", "a-ben2"),
            shop("s-tea2", "a-tea2"),
            shop("s-v1", "a-v1"),
            shop("s-v2", "a-v2"),
        ],
    );
    let mut links = vec![
        json!({"accountId":"a-op1","kind":"address","value":"addr:op1-home"}),
        json!({"accountId":"a-rec","kind":"address","value":"addr:op1-home"}),
        json!({"accountId":"a-op1","kind":"ip","value":"ip:cafe"}),
        json!({"accountId":"a-ben2","kind":"ip","value":"ip:cafe"}),
    ];
    for i in 0..8 {
        links.push(json!({"accountId": format!("a-cafe{i}"), "kind":"ip","value":"ip:cafe"}));
    }
    d.add("links", &links);
    d.add(
        "referrals",
        &[
            json!({"inviterId":"a-org","inviteeId":"a-op1","at":t(2,9)}),
            json!({"inviterId":"a-org","inviteeId":"a-op2","at":t(2,10)}),
            json!({"inviterId":"a-op1","inviteeId":"a-rec","at":t(3,9)}),
        ],
    );
    let mut orders = vec![
        json!({"id":"o-refund","buyerId":"a-org","shopId":"s-tea2","amount":"9000.00","placedAt":t(1,10),"status":"refunded"}),
    ];
    let mut reviews = Vec::new();
    let attacks = [
        ("a-op1", "s-v1", 1, 5),
        ("a-op1", "s-v2", 2, 5),
        ("a-op2", "s-v1", 1, 6),
        ("a-op2", "s-v2", 1, 6),
        ("a-op3", "s-v1", 2, 6),
        ("a-rec", "s-v2", 1, 6),
        ("a-organic", "s-v1", 1, 7),
    ];
    for (k, (author, shop, rating, day)) in attacks.iter().enumerate() {
        let o = format!("o-{k}");
        orders.push(json!({"id": o, "buyerId": author, "shopId": shop, "amount":"50.00","placedAt":t(*day - 2, 10),"status":"delivered"}));
        reviews.push(json!({"id": format!("r-{k}"), "orderId": o, "authorId": author, "shopId": shop, "rating": rating, "text":"fake goods", "postedAt": t(*day, 20)}));
    }
    d.add("orders", &orders);
    let pay = |id: &str, from: &str, to: &str, amount: &str, day: u32, hour: u32| json!({"id": id, "fromId": from, "toId": to, "amount": amount, "paidAt": t(day, hour), "channel":"alipay"});
    d.add(
        "payments",
        &[
            pay("p-fund", "a-ben", "a-mule", "5000.00", 1, 10),
            pay("p-pass", "a-mule", "a-org", "4900.00", 2, 10),
            // backward in time: a-ben2 pays the mule only after the mule paid the organizer
            pay("p-late", "a-ben2", "a-mule2", "9500.00", 20, 10),
            pay("p-early", "a-mule2", "a-org", "9000.00", 1, 12),
            pay("p-op1", "a-org", "a-op1", "100.00", 8, 10),
            pay("p-op2", "a-org", "a-op2", "100.00", 8, 11),
            pay("p-op3", "a-org", "a-op3", "50.00", 8, 12),
            pay("p-rec", "a-org", "a-rec", "50.00", 8, 13),
            // a refund is a purchase payment (orderId): never a money trail
            json!({"id":"p-refund","fromId":"a-tea2","toId":"a-org","amount":"9000.00","paidAt":t(1,20),"channel":"alipay","orderId":"o-refund"}),
        ],
    );
    d.add("reviews", &reviews);
    let msg = |id: &str, from: &str, to: &str, day: u32| json!({"id": id, "fromId": from, "toId": to, "sentAt": t(day, 9), "channel":"im", "text":"task"});
    d.add(
        "messages",
        &[
            msg("m-1", "a-org", "a-op1", 4),
            msg("m-2", "a-org", "a-op2", 4),
            msg("m-3", "a-org", "a-op3", 4),
            msg("m-4", "a-op3", "a-org", 4),
            msg("m-5", "a-org", "a-rec", 4),
        ],
    );
    d
}

const LINEAGE: &str = r#"query($a: String, $r: String, $d: Int) {
  agentLineage(accountId: $a, reviewId: $r, maxDepth: $d) {
    start
    accounts { account { id } role depth reasons }
    edges { from to kind recordId at amount }
    victimShops { id category }
    reviews { id }
    evidence { reasons nodes { id label } }
  } }"#;

fn roles(l: &Value) -> BTreeMap<String, (String, i64)> {
    l["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"]["id"].as_str().unwrap().to_string(),
                (
                    a["role"].as_str().unwrap().to_string(),
                    a["depth"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

fn r(role: &str, depth: i64) -> (String, i64) {
    (role.to_string(), depth)
}

#[tokio::test(flavor = "multi_thread")]
async fn trace_from_an_operative_finds_every_role_with_depth_and_forward_money() {
    let app = app().await;
    let d = campaign("lineage-op");
    app.load(d.path()).await.unwrap();
    let data = app
        .data(LINEAGE, json!({"a": "a-op1", "r": null, "d": 4}))
        .await;
    let l = &data["agentLineage"];
    let expected: BTreeMap<String, (String, i64)> = [
        ("a-ben", r("BENEFICIARY", 3)),
        ("a-mule", r("INTERMEDIARY", 2)),
        ("a-org", r("ORGANIZER", 1)),
        ("a-op1", r("OPERATIVE", 0)),
        ("a-op2", r("OPERATIVE", 2)),
        ("a-op3", r("OPERATIVE", 2)),
        ("a-rec", r("RECRUIT", 1)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(roles(l), expected, "{l:#}");
    // no trap account: not the backward chain's seller, the refunding seller, the hub IP
    // users, nor the organic reviewer
    let victims: Vec<&str> = l["victimShops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(victims, vec!["s-v1", "s-v2"]);
    let reviews: Vec<&str> = l["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        reviews.len(),
        6,
        "every campaign review, not the organic one: {reviews:?}"
    );
    assert!(!reviews.contains(&"r-6"));
    // the money chain, forward in time, with amounts and payment ids
    let edges = l["edges"].as_array().unwrap();
    let edge = |from: &str, to: &str, kind: &str| {
        edges
            .iter()
            .find(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} edge {from} -> {to}: {edges:#?}"))
    };
    let fund = edge("a-ben", "a-mule", "TRANSFER");
    let pass = edge("a-mule", "a-org", "TRANSFER");
    assert_eq!(
        (fund["amount"].as_str(), fund["recordId"].as_str()),
        (Some("5000.00"), Some("p-fund"))
    );
    assert!(fund["at"].as_str().unwrap() < pass["at"].as_str().unwrap());
    edge("a-org", "a-op2", "REFERRED");
    edge("a-op1", "a-rec", "REFERRED");
    edge("a-op2", "r-2", "WROTE");
    // reasons name the accounts, amounts and the shared category
    let ben = l["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "BENEFICIARY")
        .unwrap();
    let why = ben["reasons"][0].as_str().unwrap();
    assert!(
        why.contains("a-ben paid 5000.00 CNY to a-mule")
            && why.contains("s-ben in category tea")
            && why.contains("s-v1, s-v2"),
        "{why}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn trace_from_a_review_starts_at_its_author() {
    let app = app().await;
    let d = campaign("lineage-review");
    app.load(d.path()).await.unwrap();
    let data = app.data(LINEAGE, json!({"r": "r-2"})).await;
    let l = &data["agentLineage"];
    assert_eq!(l["start"], "a-op2");
    let got = roles(l);
    assert_eq!(got["a-op2"], r("OPERATIVE", 0));
    assert_eq!(got["a-org"], r("ORGANIZER", 1));
    assert_eq!(got["a-ben"].0, "BENEFICIARY");
    assert_eq!(got["a-mule"].0, "INTERMEDIARY");
    assert_eq!(got["a-rec"].0, "RECRUIT");
    assert!(!got.contains_key("a-ben2") && !got.contains_key("a-mule2"));
    assert!(l["evidence"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("traced from review r-2"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backward_money_purchase_payments_and_hubs_are_not_followed() {
    let app = app().await;
    let d = campaign("lineage-traps");
    app.load(d.path()).await.unwrap();
    let data = app.data(LINEAGE, json!({"a": "a-org"})).await;
    let got = roles(&data["agentLineage"]);
    assert_eq!(got["a-org"], r("ORGANIZER", 0));
    assert_eq!(got["a-ben"], r("BENEFICIARY", 2));
    for trap in [
        "a-ben2",
        "a-mule2",
        "a-tea2",
        "a-organic",
        "a-cafe0",
        "a-v1",
    ] {
        assert!(
            !got.contains_key(trap),
            "{trap} must not be returned: {got:?}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn max_depth_bounds_the_expansion_but_the_money_is_followed_to_its_source() {
    let app = app().await;
    let d = campaign("lineage-depth");
    app.load(d.path()).await.unwrap();
    let data = app.data(LINEAGE, json!({"a": "a-op1", "d": 2})).await;
    let got = roles(&data["agentLineage"]);
    assert_eq!(got["a-org"].0, "ORGANIZER");
    // the beneficiary sits 3 levels away, past the expansion: the organizer's money leads there
    assert_eq!(got["a-ben"], r("BENEFICIARY", 3), "{got:?}");
    assert_eq!(got["a-mule"], r("INTERMEDIARY", 2), "{got:?}");
    // nothing else past the depth asked for
    assert!(
        got.iter()
            .all(|(id, (_, depth))| *depth <= 2 || id == "a-ben"),
        "{got:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_arguments_and_unknown_ids() {
    let app = app().await;
    let d = campaign("lineage-errors");
    app.load(d.path()).await.unwrap();
    for vars in [
        json!({"a": "a-op1", "r": "r-1"}),
        json!({}),
        json!({"a": "a-op1", "d": 0}),
        json!({"a": "a-op1", "d": 9}),
    ] {
        let body = app.gql(LINEAGE, vars.clone()).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{vars}: {body}");
    }
    let body = app.gql(LINEAGE, json!({"a": "a-nobody"})).await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let body = app.gql(LINEAGE, json!({"r": "r-nothing"})).await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    // an account with no campaign around it: only itself, with the reason it has no role
    let data = app.data(LINEAGE, json!({"a": "a-cafe3"})).await;
    let accounts = &data["agentLineage"]["accounts"];
    assert_eq!(accounts.as_array().unwrap().len(), 1, "{accounts:#}");
    assert_eq!(accounts[0]["account"]["id"], "a-cafe3");
    assert_eq!(accounts[0]["depth"], 0);
    assert_eq!(accounts[0]["role"], Value::Null);
    assert!(accounts[0]["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("no role found"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trace_past_the_query_time_limit_is_a_timeout() {
    let mut config = common::test_config();
    config.api.query_timeout_ms = 1;
    let app = common::app_with(config).await;
    let d = campaign("lineage-timeout");
    app.load(d.path()).await.unwrap();
    let body = app.gql(LINEAGE, json!({"a": "a-op1"})).await;
    assert_eq!(error_code(&body), "TIMEOUT", "{body}");
    app.stop().await;
}

fn role_and_depth(l: &Value, id: &str) -> Option<(String, i64)> {
    roles_or_none(l).remove(id)
}

/// Every returned account with its role (`-` for the start without one) and depth.
fn roles_or_none(l: &Value) -> BTreeMap<String, (String, i64)> {
    l["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"]["id"].as_str().unwrap().to_string(),
                (
                    a["role"].as_str().unwrap_or("-").to_string(),
                    a["depth"].as_i64().unwrap(),
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn trace_from_an_extortion_organizer_shows_its_own_crew() {
    let app = app().await;
    let m = crate::market::Market::new("lineage-crew");
    m.split_crew("s", 3, 3);
    m.dormant_recruit("s-op", "s-sleeper", 2);
    // a neighbour: a seller paying cashback to the crew's operative and to strangers who
    // panned its rivals, and a campaign in another category
    m.shop("cashback-seller", "cashback-shop", "tea");
    for (i, b) in ["s-op", "fan1", "fan2"].iter().enumerate() {
        if *b != "s-op" {
            m.buyers(&[b]);
        }
        m.review(
            &format!("fan-r{i}"),
            b,
            "s-shop1",
            "s-own1",
            2,
            12,
            10 + i as u32,
        );
        m.transfer(&format!("fan-cb{i}"), "cashback-seller", b, "6.00", 13, 10);
    }
    app.load(m.data.path()).await.unwrap();
    for depth in [4, 2] {
        let data = app
            .data(LINEAGE, json!({"a": "s-org", "r": null, "d": depth}))
            .await;
        let l = &data["agentLineage"];
        let got = roles_or_none(l);
        assert_eq!(got["s-org"], r("ORGANIZER", 0), "depth {depth}: {l:#}");
        assert_eq!(got["s-op"].0, "OPERATIVE");
        assert_eq!(got["s-pay"].0, "NEGOTIATOR");
        assert_eq!(got["s-neg"].0, "NEGOTIATOR");
        assert_eq!(got["s-sleeper"].0, "RECRUIT");
        for outsider in ["cashback-seller", "fan1", "fan2", "s-own0"] {
            assert!(!got.contains_key(outsider), "{outsider}: {got:?}");
        }
        let victims: Vec<&str> = l["victimShops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(victims, vec!["s-shop0", "s-shop1", "s-shop2"]);
    }
    // from the negotiator and from the cashback seller
    let from_neg = app
        .data(LINEAGE, json!({"a": "s-neg", "r": null, "d": 4}))
        .await;
    assert_eq!(
        role_and_depth(&from_neg["agentLineage"], "s-neg"),
        Some(r("NEGOTIATOR", 0))
    );
    assert_eq!(
        role_and_depth(&from_neg["agentLineage"], "s-org").map(|x| x.0),
        Some("ORGANIZER".to_string())
    );
    let seller = app
        .data(LINEAGE, json!({"a": "cashback-seller", "r": null, "d": 4}))
        .await;
    let start = &seller["agentLineage"]["accounts"][0];
    assert_eq!(start["account"]["id"], "cashback-seller");
    assert_eq!(start["role"], Value::Null, "cashback makes no organizer");
    assert!(start["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("no role found"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crew_of_two_at_one_address_is_traced_from_either_side() {
    let app = app().await;
    let m = crate::market::Market::new("lineage-pair");
    // The reviewer pans two shops; its housemate talks to the owners and is paid. Nothing
    // else ties them: no referral, no money between them, no messages.
    m.buyers(&["pr-rev", "pr-talk", "pr-neighbour"]);
    m.share("address", "addr-pair", &["pr-rev", "pr-talk"]);
    for (i, day) in [3u32, 9].into_iter().enumerate() {
        let (own, shop) = (format!("pr-own{i}"), format!("pr-shop{i}"));
        m.shop(&own, &shop, "tea");
        m.review(&format!("pr-r{i}"), "pr-rev", &shop, &own, 1, day, 10);
        m.message(&format!("pr-m{i}"), "pr-talk", &own, day + 1, 9);
        m.transfer(
            &format!("pr-pay{i}"),
            &own,
            "pr-talk",
            "800.00",
            day + 1,
            15,
        )
        .withdraw(&format!("pr-r{i}"), "pr-rev", day + 2, 9);
    }
    // a buyer on the same street (another address) paid by nobody stays out
    m.share("address", "addr-street", &["pr-neighbour"]);
    app.load(m.data.path()).await.unwrap();
    for start in ["pr-talk", "pr-rev"] {
        let data = app
            .data(LINEAGE, json!({"a": start, "r": null, "d": 4}))
            .await;
        let got = roles_or_none(&data["agentLineage"]);
        assert_eq!(got["pr-talk"].0, "ORGANIZER", "from {start}: {got:?}");
        assert_eq!(got["pr-rev"].0, "OPERATIVE", "from {start}: {got:?}");
        assert!(!got.contains_key("pr-neighbour"));
        let reasons = data["agentLineage"]["accounts"].to_string();
        assert!(
            reasons.contains("collected the hush money for its reviews"),
            "{reasons}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_haimen_organizer_traces_its_own_crew_at_every_depth() {
    let app = app().await;
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seed-data"));
    app.load(dir).await.unwrap();
    for depth in [4, 2, 1] {
        let data = app
            .data(LINEAGE, json!({"a": "a-du", "r": null, "d": depth}))
            .await;
        let l = &data["agentLineage"];
        let got = roles_or_none(l);
        let expected: BTreeMap<String, (String, i64)> = [
            ("a-du", r("ORGANIZER", 0)),
            ("a-qiu", r("OPERATIVE", 1)),
            ("a-zhang", r("RECRUIT", 1)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        if depth > 1 {
            assert_eq!(got, expected, "depth {depth}: {l:#}");
        } else {
            // one level sees a-zhang's payments from a-du but not a-qiu's invitation of her
            assert_eq!(got["a-du"], r("ORGANIZER", 0), "{l:#}");
            assert_eq!(got["a-qiu"].0, "OPERATIVE");
            assert!(got.contains_key("a-zhang") && got.len() == 3, "{got:?}");
        }
        assert_eq!(
            l["victimShops"].as_array().unwrap().len(),
            5,
            "the five merchants of the case"
        );
    }
    app.stop().await;
}
