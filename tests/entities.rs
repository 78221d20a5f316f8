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
    assert_eq!(missing["errors"][0]["extensions"]["id"], "nobody");

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
