//! The loader and the `ingest` mutation: validation with precise errors, all-or-nothing by
//! default, idempotent reloads, `skip_invalid`, and references into the existing graph.

mod common;

use common::{app, error_code, small_marketplace, t, Dataset};
use investigator::ingest::{self, LoadError, LoadOptions, Source};
use serde_json::json;

async fn counts(app: &common::TestApp) -> serde_json::Value {
    app.data(
        "{ stats { accounts shops identifiers orders payments reviews complaints reviewEvents messages relationships } }",
        json!({}),
    )
    .await["stats"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_dataset_is_rejected_precisely_and_nothing_is_written() {
    let app = app().await;
    let d = Dataset::new("malformed");
    d.add(
        "accounts",
        &[
            json!({"id":"a1","role":"buyer"}),
            json!({"id":"a2","role":"seller"}),
        ],
    );
    d.add_raw("accounts", &["{\"id\":\"a3\",\"role\":".to_string()]); // line 3: bad JSON
    d.add("shops", &[json!({"id":"s1","ownerId":"a2"})]); // missing name
    d.add(
        "orders",
        &[
            json!({"id":"o1","buyerId":"a1","shopId":"s-ghost","amount":"10.00","placedAt":t(3,9),"status":"paid"}),
            json!({"id":"o2","buyerId":"a1","shopId":"s1","amount":"-5","placedAt":t(3,9),"status":"paid"}),
        ],
    );
    d.add(
        "reviews",
        &[json!({"id":"r1","orderId":"o1","authorId":"a1","shopId":"s1","rating":9,"postedAt":t(4,9)})],
    );
    let err = app.load(d.path()).await.unwrap_err();
    let LoadError::Invalid { errors, total } = err else {
        panic!("expected Invalid, got {err}")
    };
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(total, 5, "{lines:#?}");
    let expect = [
        ("accounts.ndjson:3: -: malformed JSON", "bad JSON"),
        ("shops.ndjson:1: name: is required", "missing field"),
        (
            "orders.ndjson:1: shopId: refers to Shop \"s-ghost\"",
            "dangling reference",
        ),
        ("orders.ndjson:2: amount: is negative", "negative amount"),
        (
            "reviews.ndjson:1: rating: must be an integer from 1 to 5, got 9",
            "rating 9",
        ),
    ];
    for (prefix, what) in expect {
        assert!(
            lines.iter().any(|l| l.starts_with(prefix)),
            "{what}: no line starting {prefix:?} in {lines:#?}"
        );
    }
    assert_eq!(
        counts(&app).await["accounts"],
        0.0,
        "an invalid dataset writes nothing"
    );
    assert_eq!(counts(&app).await["relationships"], 0.0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn loading_twice_equals_loading_once() {
    let app = app().await;
    let d = small_marketplace("idempotent");
    app.load(d.path()).await.unwrap();
    let once = counts(&app).await;
    assert_eq!(once["accounts"], 4.0);
    assert_eq!(
        once["identifiers"], 2.0,
        "dev:1 used by two accounts is one node"
    );
    assert!(once["relationships"].as_f64().unwrap() > 20.0);
    let report = app.load(d.path()).await.unwrap();
    assert_eq!(report.written(), 19, "every record is upserted again");
    assert_eq!(counts(&app).await, once, "a reload changes no count");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_invalid_loads_the_rest_and_rejects_dependants() {
    let app = app().await;
    let d = Dataset::new("skip");
    d.add(
        "accounts",
        &[
            json!({"id":"a1","role":"buyer"}),
            json!({"id":"a2","role":"nobody"}),
        ],
    );
    d.add(
        "links",
        &[
            json!({"accountId":"a1","kind":"ip","value":"1.2.3.4"}),
            json!({"accountId":"a2","kind":"ip","value":"1.2.3.4"}),
        ],
    );
    let opts = LoadOptions {
        skip_invalid: true,
        batch_size: 10,
        writers: 2,
        progress: false,
    };
    let report = ingest::load(&app.graph, Source::dir(d.path()).unwrap(), &opts)
        .await
        .unwrap();
    assert_eq!(report.written(), 2, "a1 and its link");
    let rejected: Vec<String> = report.rejected.iter().map(|e| e.to_string()).collect();
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert!(rejected[0].starts_with("accounts.ndjson:2: role"));
    assert!(
        rejected[1].starts_with("links.ndjson:2: accountId"),
        "a link to a rejected account is rejected too"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn references_may_point_into_the_existing_graph() {
    let app = app().await;
    let first = Dataset::new("base");
    first.add(
        "accounts",
        &[
            json!({"id":"a1","role":"buyer"}),
            json!({"id":"a2","role":"seller"}),
        ],
    );
    first.add("shops", &[json!({"id":"s1","ownerId":"a2","name":"S"})]);
    app.load(first.path()).await.unwrap();
    let later = Dataset::new("later");
    later.add(
        "orders",
        &[json!({"id":"o1","buyerId":"a1","shopId":"s1","amount":"1.00","placedAt":t(3,9),"status":"paid","newField":"ignored"})],
    );
    app.load(later.path()).await.unwrap();
    let d = app
        .data(
            r#"{ order(id: "o1") { buyer { id } shop { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["order"]["shop"]["id"], "s1");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ingest_mutation_shares_the_loader_rules() {
    let app = app().await;
    let m = r#"mutation($records: [IngestRecord!]!, $skip: Boolean!) {
        ingest(records: $records, skipInvalid: $skip) { written kinds { kind written } rejected { location field reason } } }"#;
    let good = json!([
        {"kind": "accounts", "json": json!({"id":"a1","role":"buyer"}).to_string()},
        {"kind": "accounts", "json": json!({"id":"a2","role":"seller"}).to_string()},
        {"kind": "shops", "json": json!({"id":"s1","ownerId":"a2","name":"S"}).to_string()},
    ]);
    let d = app.data(m, json!({"records": good, "skip": false})).await;
    assert_eq!(d["ingest"]["written"], 3);

    let bad = json!([
        {"kind": "orders", "json": json!({"id":"o1","buyerId":"a1","shopId":"s1","amount":"abc","placedAt":t(3,9),"status":"paid"}).to_string()},
        {"kind": "reviews", "json": json!({"id":"r1","orderId":"o-none","authorId":"a1","shopId":"s1","rating":2,"postedAt":t(3,9)}).to_string()},
    ]);
    let body = app.gql(m, json!({"records": bad, "skip": false})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let ext = &body["errors"][0]["extensions"];
    assert_eq!(ext["field"], "amount");
    assert_eq!(ext["errors"][0]["location"], "records[0]");
    assert_eq!(ext["errors"][1]["field"], "orderId");
    assert_eq!(counts(&app).await["orders"], 0.0);

    let unknown = app
        .gql(
            m,
            json!({"records": [{"kind": "widgets", "json": "{}"}], "skip": false}),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
    assert_eq!(
        unknown["errors"][0]["extensions"]["field"],
        "records[0].kind"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ingest_mutation_caps_batch_size() {
    let mut config = common::test_config();
    config.api.max_ingest_records = 2;
    let app = common::app_with(config).await;
    let records: Vec<_> = (0..3)
        .map(|i| json!({"kind": "accounts", "json": json!({"id": format!("a{i}"), "role": "buyer"}).to_string()}))
        .collect();
    let body = app
        .gql(
            "mutation($r: [IngestRecord!]!) { ingest(records: $r) { written } }",
            json!({"r": records}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "records");
    app.stop().await;
}
