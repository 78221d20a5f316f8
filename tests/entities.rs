//! The read API over HTTP: entities, neighbourhoods, paging and error codes.

use crate::common;

use common::{app, error_code, small_marketplace};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn account_with_its_neighbourhood() {
    let app = app().await;
    let data = small_marketplace("entities");
    app.load(data.path()).await.unwrap();

    let d = app
        .data(
            r#"query($id: String!) { account(id: $id) {
                id role name region registeredAt
                orders(first: 10) { edges { node { id status amount { amount currency } shop { id } } } }
                reviews { edges { node { id rating events { action actor { id } } } } }
                paymentsReceived(privateOnly: true) { edges { node { id amount { amount } from { id } isPrivate memo } } }
                paymentsSent { edges { node { id orderId isPrivate } } }
                identifiers { kind value accounts }
                linkedAccounts { edges { node { account { id } strength via { kind accounts } } } }
                messages { edges { node { id to { id } text } } }
            } }"#,
            json!({"id": "a-buyer"}),
        )
        .await;
    let a = &d["account"];
    assert_eq!(a["role"], "buyer");
    assert_eq!(
        a["registeredAt"], "2017-04-01T01:00:00Z",
        "times come back in UTC"
    );
    let orders = a["orders"]["edges"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(
        orders[0]["node"]["amount"],
        json!({"amount": "128.50", "currency": "CNY"})
    );
    assert_eq!(
        orders[1]["node"]["amount"]["amount"], "20.00",
        "money is exact, two decimals"
    );
    assert_eq!(
        a["reviews"]["edges"][0]["node"]["events"][0]["action"],
        "withdrawn"
    );
    let received = &a["paymentsReceived"]["edges"][0]["node"];
    assert_eq!(
        (received["id"].as_str(), received["from"]["id"].as_str()),
        (Some("p-2"), Some("a-seller"))
    );
    assert_eq!(received["isPrivate"], true);
    assert_eq!(a["paymentsSent"]["edges"][0]["node"]["orderId"], "o-1");
    let idents = a["identifiers"].as_array().unwrap();
    assert_eq!(idents.len(), 2);
    let device = idents.iter().find(|i| i["kind"] == "device").unwrap();
    assert_eq!(device["accounts"], 2, "dev:1 is shared by two accounts");
    let linked = &a["linkedAccounts"]["edges"][0]["node"];
    assert_eq!(linked["account"]["id"], "a-buyer2");
    assert_eq!(linked["via"][0]["kind"], "device");
    assert_eq!(a["messages"]["edges"][0]["node"]["to"]["id"], "a-seller");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shop_order_and_review_lookups() {
    let app = app().await;
    let data = small_marketplace("lookups");
    app.load(data.path()).await.unwrap();

    let d = app
        .data(
            r#"{ shop(id: "s-tea") { name category owner { id } shops: reviews(maxRating: 2) { edges { node { id rating } } }
                   orders(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }
                 order(id: "o-1") { buyer { id } payments { id amount { amount } } review { id } }
                 review(id: "r-1") { author { id } order { id } complaints { status handledBy { id } filedBy { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["shop"]["owner"]["id"], "a-seller");
    let negative: Vec<_> = d["shop"]["shops"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(
        negative,
        vec![json!("r-1")],
        "maxRating: 2 keeps only negative reviews"
    );
    assert_eq!(d["shop"]["orders"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(d["order"]["payments"][0]["id"], "p-1");
    assert_eq!(d["order"]["review"]["id"], "r-1");
    assert_eq!(d["review"]["complaints"][0]["handledBy"]["id"], "a-staff");
    assert_eq!(d["review"]["order"]["id"], "o-1");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn paging_walks_every_item_once() {
    let app = app().await;
    let data = small_marketplace("paging");
    app.load(data.path()).await.unwrap();
    let q = r#"query($after: String) { shop(id: "s-tea") { orders(first: 1, after: $after) {
        edges { node { id } } pageInfo { hasNextPage endCursor hasPreviousPage } } } }"#;
    let mut seen = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let d = app.data(q, json!({"after": after})).await;
        let conn = &d["shop"]["orders"];
        for e in conn["edges"].as_array().unwrap() {
            seen.push(e["node"]["id"].as_str().unwrap().to_string());
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, vec!["o-3", "o-2", "o-1"], "newest first, no repeats");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_carry_stable_codes() {
    let app = app().await;
    let missing = app
        .gql(r#"{ account(id: "nobody") { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    assert_eq!(missing["errors"][0]["extensions"]["kind"], "account");
    // the id asked for is never echoed (masked, it would tell a guess from the data)
    assert!(
        missing["errors"][0]["extensions"].get("id").is_none(),
        "{missing}"
    );

    let too_big = app
        .gql(
            r#"{ shop(id: "s") { orders(first: 1000) { edges { cursor } } } }"#,
            json!({}),
        )
        .await;
    // The shop does not exist, so NOT_FOUND comes first; page size is checked on a real one.
    assert_eq!(error_code(&too_big), "NOT_FOUND");
    let data = small_marketplace("errors");
    app.load(data.path()).await.unwrap();
    let too_big = app
        .gql(
            r#"{ shop(id: "s-tea") { orders(first: 1000) { edges { cursor } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&too_big), "BAD_USER_INPUT");
    assert_eq!(too_big["errors"][0]["extensions"]["field"], "first");
    let forged = app
        .gql(
            r#"{ shop(id: "s-tea") { orders(after: "zzz") { edges { cursor } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&forged), "BAD_USER_INPUT");
    let long_id = "x".repeat(200);
    let bad = app
        .gql(
            "query($id: String!) { account(id: $id) { id } }",
            json!({"id": long_id}),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn identifiers_are_masked_without_unmask() {
    let app = common::app().await;
    let data = small_marketplace("masking");
    app.load(data.path()).await.unwrap();
    let analyst = app
        .token(
            "masked-analyst",
            &[investigator::access::Role::Analyst],
            false,
        )
        .await;
    let body = app
        .gql_as(
            &analyst,
            r#"{ account(id: "a-buyer") { name identifiers { kind key value } } }"#,
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let d = &body["data"];
    let phone = d["account"]["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "phone")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(phone, "13800000001");
    assert!(phone.contains('*'), "{phone}");
    assert_ne!(d["account"]["name"], "Li Wei");
    app.stop().await;
}

/// A shop with `buyers` buyers of two orders each; every order paid, every other one reviewed,
/// the reviews with an event and a complaint.
fn busy_shop(name: &str, buyers: usize) -> common::Dataset {
    use common::t;
    let d = common::Dataset::new(name);
    let mut accounts = vec![json!({"id": "seller", "role": "seller"})];
    let (mut orders, mut payments, mut reviews, mut events, mut complaints) =
        (vec![], vec![], vec![], vec![], vec![]);
    for b in 0..buyers {
        let buyer = format!("b-{b:02}");
        accounts.push(json!({"id": buyer, "role": "buyer"}));
        for k in 0..2u32 {
            let o = format!("o-{b:02}-{k}");
            orders.push(json!({"id": o, "buyerId": buyer, "shopId": "s-big", "amount": "10", "placedAt": t(2 + k, b as u32 % 20), "status": "delivered"}));
            payments.push(json!({"id": format!("p-{b:02}-{k}"), "fromId": buyer, "toId": "seller", "amount": "10", "paidAt": t(2 + k, b as u32 % 20), "orderId": o}));
            if k == 0 {
                let r = format!("r-{b:02}");
                reviews.push(json!({"id": r, "orderId": o, "authorId": buyer, "shopId": "s-big", "rating": 1, "postedAt": t(5, b as u32 % 20)}));
                events.push(json!({"id": format!("e-{b:02}"), "reviewId": r, "action": "withdrawn", "actorId": buyer, "at": t(6, b as u32 % 20)}));
                complaints.push(json!({"id": format!("c-{b:02}"), "reviewId": r, "filedById": "seller", "filedAt": t(6, b as u32 % 20), "status": "pending"}));
            }
        }
    }
    d.add("accounts", &accounts)
        .add(
            "shops",
            &[json!({"id": "s-big", "ownerId": "seller", "name": "Big"})],
        )
        .add("orders", &orders)
        .add("payments", &payments)
        .add("reviews", &reviews)
        .add("complaints", &complaints)
        .add("review_events", &events);
    d
}

/// Each item's own lists (an order's payments and review, a review's order, events and
/// complaints, a buyer's orders) cost one statement per list of items, not one per item: a
/// page of 40 orders used to cost over 200 statements and could fill the whole pool.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_of_orders_with_their_neighbours_costs_a_few_statements() {
    let app = app().await;
    app.load(busy_shop("batched", 20).path()).await.unwrap();
    let query = r#"{ shop(id: "s-big") { orders(first: 40) { edges { node { id
        payments { id orderId from { id } }
        review { id order { id } events { id } complaints { id } }
        buyer { id orders(first: 5) { edges { node { id payments { id } } } } }
    } } } } }"#;
    app.data("{ apiVersion }", json!({})).await; // the token check, outside the count
    let before = app.graph.statements_started();
    let data = app.data(query, json!({})).await;
    let statements = app.graph.statements_started() - before;
    let orders = common::nodes(&data["shop"], "orders");
    assert_eq!(orders.len(), 40);
    for o in &orders {
        let id = o["id"].as_str().unwrap();
        assert_eq!(o["payments"][0]["id"], id.replacen("o-", "p-", 1));
        assert_eq!(o["payments"][0]["orderId"], id);
        assert_eq!(o["buyer"]["id"], format!("b-{}", &id[2..4]));
        let buyer_orders = common::nodes(&o["buyer"], "orders");
        assert_eq!(buyer_orders.len(), 2, "{o}");
        assert_eq!(buyer_orders[1]["payments"].as_array().unwrap().len(), 1);
        if id.ends_with("-0") {
            assert_eq!(o["review"]["order"]["id"], id);
            assert_eq!(o["review"]["events"].as_array().unwrap().len(), 1);
            assert_eq!(o["review"]["complaints"].as_array().unwrap().len(), 1);
        } else {
            assert!(o["review"].is_null(), "{o}");
        }
    }
    // Ten lists of items, one statement each; a little slack for readiness polling.
    assert!(statements <= 20, "{statements} statements for one request");
    app.stop().await;
}

/// When a batched lookup fails, every field that waited on it reports the lookup's own code
/// (here TIMEOUT), not INTERNAL.
#[tokio::test(flavor = "multi_thread")]
async fn siblings_of_a_failed_lookup_share_its_code() {
    let mut config = common::test_config();
    // Spent before the first statement: every lookup times out.
    config.api.request_timeout_ms = 1;
    let app = common::app_with(config).await;
    app.load(small_marketplace("sibling-codes").path())
        .await
        .unwrap();
    let body = app
        .gql(
            r#"{ a: shop(id: "s-tea") { id } b: shop(id: "s-tea") { id } c: shop(id: "s-tea") { id } }"#,
            json!({}),
        )
        .await;
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 3, "{body}");
    for e in errors {
        assert_eq!(e["extensions"]["code"], "TIMEOUT", "{body}");
    }
    app.stop().await;
}
