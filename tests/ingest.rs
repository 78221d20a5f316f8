//! The loader and the `ingest` mutation: validation with precise errors, all-or-nothing by
//! default, idempotent reloads, `skip_invalid`, and references into the existing graph.

use crate::common;

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
    assert_eq!(created(&report), 0, "nothing is new the second time");
    assert_eq!(counts(&app).await, once, "a reload changes no count");
    app.stop().await;
}

fn created(report: &ingest::LoadReport) -> u64 {
    report.kinds.iter().map(|k| k.created).sum()
}

fn created_of(report: &ingest::LoadReport, kind: &str) -> u64 {
    report
        .kinds
        .iter()
        .find(|k| k.kind == kind)
        .map_or(0, |k| k.created)
}

/// An account's identifiers as (kind, accounts sharing it, firstSeen set, lastSeen set).
async fn identifiers(app: &common::TestApp, account: &str) -> Vec<(String, i64, bool, bool)> {
    let d = app
        .data(
            "query($id: String!) { account(id: $id) { identifiers { kind accounts firstSeen lastSeen } } }",
            json!({"id": account}),
        )
        .await;
    d["account"]["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["accounts"].as_i64().unwrap(),
                i["firstSeen"].is_string(),
                i["lastSeen"].is_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn new_records_are_created_and_known_ones_upserted() {
    let app = app().await;
    let d = small_marketplace("routes");
    let report = app.load(d.path()).await.unwrap();
    for k in report.kinds.iter().filter(|k| k.read > 0) {
        let expected = if k.kind == "referrals" { 0 } else { k.written };
        assert_eq!(
            k.created, expected,
            "{}: an empty graph makes every record new",
            k.kind
        );
    }
    let before = counts(&app).await;

    // Half known, half new; a repeated link; a link of an account this load did not create.
    let mixed = Dataset::new("mixed");
    mixed
        .add(
            "accounts",
            &[
                json!({"id":"a-buyer","role":"buyer","name":"Li Wei (renamed)"}),
                json!({"id":"a-new","role":"buyer"}),
            ],
        )
        .add(
            "links",
            &[
                json!({"accountId":"a-new","kind":"device","value":"dev:1","firstSeen":t(9,9)}),
                json!({"accountId":"a-new","kind":"device","value":"dev:1","lastSeen":t(9,10)}),
                json!({"accountId":"a-buyer","kind":"ip","value":"10.0.0.9"}),
                json!({"accountId":"a-buyer","kind":"device","value":"dev:1"}),
            ],
        )
        .add(
            "orders",
            &[
                json!({"id":"o-1","buyerId":"a-buyer","shopId":"s-tea","amount":"128.50","placedAt":t(3,10),"status":"refunded"}),
                json!({"id":"o-9","buyerId":"a-new","shopId":"s-tea","amount":"9.00","placedAt":t(9,10),"status":"paid"}),
            ],
        );
    let report = app.load(mixed.path()).await.unwrap();
    assert_eq!(created_of(&report, "accounts"), 1, "only a-new is new");
    assert_eq!(created_of(&report, "orders"), 1, "only o-9 is new");
    assert_eq!(
        created_of(&report, "links"),
        1,
        "a-new's first dev:1 link; its repeat and a-buyer's links are upserts"
    );
    let after = counts(&app).await;
    assert_eq!(
        after["accounts"],
        before["accounts"].as_f64().unwrap() + 1.0
    );
    assert_eq!(after["orders"], before["orders"].as_f64().unwrap() + 1.0);
    assert_eq!(
        after["identifiers"],
        before["identifiers"].as_f64().unwrap() + 1.0
    );
    // a-new: one USES to dev:1 despite two lines, seen from the first line's firstSeen to
    // the second's lastSeen; a-buyer's dev:1 link was not duplicated.
    assert_eq!(
        identifiers(&app, "a-new").await,
        vec![("device".to_string(), 3, true, true)]
    );
    let buyer = identifiers(&app, "a-buyer").await;
    assert_eq!(buyer.len(), 3, "{buyer:?}");
    assert!(
        buyer.contains(&("device".to_string(), 3, true, false)),
        "{buyer:?}"
    );
    let o1 = app
        .data(
            r#"{ order(id: "o-1") { status } account(id: "a-buyer") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        o1["order"]["status"], "refunded",
        "known records are updated"
    );
    assert_eq!(o1["account"]["name"], "Li Wei (renamed)");

    let again = app.load(mixed.path()).await.unwrap();
    assert_eq!(created(&again), 0);
    assert_eq!(
        counts(&app).await,
        after,
        "reloading the mixed dataset changes nothing"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_loads_of_one_dataset_equal_one_load() {
    let app = app().await;
    let d = small_marketplace("race");
    app.load(d.path()).await.unwrap();
    let once = counts(&app).await;
    investigator::graph::read::wipe(&app.graph).await.unwrap();
    // Both loads find the graph empty and take the create route; the unique constraints
    // refuse one of each pair of batches, which is then written again as an upsert. Links
    // are created only by the load whose account batch won.
    let (a, b) = tokio::join!(app.load(d.path()), app.load(d.path()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(created_of(&a, "accounts") + created_of(&b, "accounts"), 4);
    assert_eq!(
        counts(&app).await,
        once,
        "no duplicate node or relationship"
    );
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
        ingest(records: $records, skipInvalid: $skip) { written kinds { kind written created } rejected { location field reason } } }"#;
    let good = json!([
        {"kind": "accounts", "json": json!({"id":"a1","role":"buyer"}).to_string()},
        {"kind": "accounts", "json": json!({"id":"a2","role":"seller"}).to_string()},
        {"kind": "shops", "json": json!({"id":"s1","ownerId":"a2","name":"S"}).to_string()},
    ]);
    let d = app.data(m, json!({"records": good, "skip": false})).await;
    assert_eq!(d["ingest"]["written"], 3);
    assert_eq!(
        d["ingest"]["kinds"],
        json!([{"kind":"accounts","written":2,"created":2},{"kind":"shops","written":1,"created":1}])
    );
    // Sent again, the same records update what is there: nothing new is created.
    let again = app.data(m, json!({"records": good, "skip": false})).await;
    assert_eq!(
        again["ingest"]["kinds"],
        json!([{"kind":"accounts","written":2,"created":0},{"kind":"shops","written":1,"created":0}])
    );
    assert_eq!(counts(&app).await["accounts"], 2.0);

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

/// The ring projection reads `OWNS`, `TRANSFER` and `MESSAGED` by relationship type alone
/// (`queries/rings_shops.cypher` and its neighbours name no labels): each type must join only
/// the labels docs/GRAPH_MODEL.md gives it, or those reads would pick up foreign nodes.
#[tokio::test(flavor = "multi_thread")]
async fn relationships_read_by_type_join_only_their_documented_labels() {
    let app = app().await;
    app.load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed-data"
    )))
    .await
    .unwrap();
    let driver = app.raw_driver().await;
    for (rel, from, to) in [
        ("OWNS", "Account", "Shop"),
        ("TRANSFER", "Account", "Account"),
        ("MESSAGED", "Account", "Message"),
    ] {
        // constants of this test, not input: the type and labels cannot be parameters
        let text = format!(
            "MATCH (a)-[:{rel}]->(b) \
             RETURN count(*) AS total, count(CASE WHEN NOT (a:{from} AND b:{to}) THEN 1 END) AS foreign"
        );
        let mut rows = driver.execute(neo4rs::query(&text)).await.unwrap();
        let row = rows.next().await.unwrap().unwrap();
        let (total, foreign): (i64, i64) = (row.get("total").unwrap(), row.get("foreign").unwrap());
        assert!(total > 0, "the seed data has {rel} relationships");
        assert_eq!(foreign, 0, "{rel} joins only ({from})->({to})");
    }
    app.stop().await;
}

/// The references of `label {id}`: (relationship type, direction, other end's id), sorted.
async fn references(
    driver: &neo4rs::Graph,
    label: &str,
    id: &str,
) -> Vec<(String, String, String)> {
    // the label is a constant of this test, not input: labels cannot be parameters
    let text = format!(
        "MATCH (n:{label} {{id: $id}})-[r]-(x) \
         RETURN type(r) AS rel, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS dir, \
                coalesce(x.id, x.key) AS other \
         ORDER BY rel, dir, other"
    );
    let mut rows = driver
        .execute(neo4rs::query(&text).param("id", id))
        .await
        .unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().await.unwrap() {
        out.push((
            row.get("rel").unwrap(),
            row.get("dir").unwrap(),
            row.get("other").unwrap(),
        ));
    }
    out
}

/// Upsert by id means the record's new version wins, references included: a corrected
/// record must not leave its old payee, author or review attached beside the new one (money
/// traced to two accounts, an event on two reviews).
#[tokio::test(flavor = "multi_thread")]
async fn a_corrected_record_replaces_its_references() {
    let app = app().await;
    app.load(small_marketplace("corrected-base").path())
        .await
        .unwrap();
    let s = |v: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect()
    };
    let driver = app.raw_driver().await;
    assert_eq!(
        references(&driver, "Payment", "p-2").await,
        s(&[("PAID", "in", "a-seller"), ("TO", "out", "a-buyer")])
    );

    // the producer corrects: p-2 went to a-buyer2, r-1 was about o-2, e-1 was on r-3 by
    // a-buyer2, m-1 went to a-staff, s-tea is owned by a-buyer2, o-1 was a-buyer2's, c-1
    // was not handled yet
    let fix = Dataset::new("corrected");
    fix.add(
        "shops",
        &[json!({"id":"s-tea","ownerId":"a-buyer2","name":"Fine Tea","category":"tea","openedAt":t(1,8)})],
    )
    .add(
        "orders",
        &[json!({"id":"o-1","buyerId":"a-buyer2","shopId":"s-tea","amount":"128.50","placedAt":t(3,10),"status":"delivered"})],
    )
    .add(
        "payments",
        &[json!({"id":"p-2","fromId":"a-seller","toId":"a-buyer2","amount":"600.00","paidAt":t(8,10),"channel":"wechat"})],
    )
    .add(
        "reviews",
        &[json!({"id":"r-1","orderId":"o-2","authorId":"a-buyer","shopId":"s-tea","rating":1,"text":"fake goods","postedAt":t(6,21)})],
    )
    .add(
        "complaints",
        &[json!({"id":"c-1","reviewId":"r-1","filedById":"a-seller","filedAt":t(7,9),"status":"pending"})],
    )
    .add(
        "review_events",
        &[json!({"id":"e-1","reviewId":"r-3","action":"withdrawn","actorId":"a-buyer2","at":t(8,12)})],
    )
    .add(
        "messages",
        &[json!({"id":"m-1","fromId":"a-buyer","toId":"a-staff","sentAt":t(7,8),"channel":"im","text":"pay"})],
    );
    let before = counts(&app).await;
    app.load(fix.path()).await.unwrap();
    let after = counts(&app).await;
    assert_eq!(before["payments"], after["payments"]);
    assert_eq!(
        before["relationships"].as_f64().unwrap() - 1.0,
        after["relationships"].as_f64().unwrap(),
        "every reference moved, none added; c-1 lost its handler: {before} -> {after}"
    );

    assert_eq!(
        references(&driver, "Payment", "p-2").await,
        s(&[("PAID", "in", "a-seller"), ("TO", "out", "a-buyer2")])
    );
    // the private transfer's shortcut moved with it: one TRANSFER, to the new payee
    let mut rows = driver
        .execute(neo4rs::query(
            "MATCH (x:Account)-[t:TRANSFER {paymentId: 'p-2'}]->(y:Account) RETURN x.id AS x, y.id AS y",
        ))
        .await
        .unwrap();
    let mut transfers = Vec::new();
    while let Some(row) = rows.next().await.unwrap() {
        transfers.push((
            row.get::<String>("x").unwrap(),
            row.get::<String>("y").unwrap(),
        ));
    }
    assert_eq!(
        transfers,
        vec![("a-seller".to_string(), "a-buyer2".to_string())]
    );

    assert_eq!(
        references(&driver, "Shop", "s-tea")
            .await
            .into_iter()
            .filter(|r| r.0 == "OWNS")
            .collect::<Vec<_>>(),
        s(&[("OWNS", "in", "a-buyer2")])
    );
    let o1 = references(&driver, "Order", "o-1").await;
    assert!(
        o1.contains(&("PLACED".into(), "in".into(), "a-buyer2".into())),
        "{o1:?}"
    );
    assert!(!o1.iter().any(|r| r.2 == "a-buyer"), "{o1:?}");
    assert_eq!(
        references(&driver, "Review", "r-1")
            .await
            .into_iter()
            .filter(|r| r.1 == "out" || r.0 == "WROTE")
            .collect::<Vec<_>>(),
        s(&[
            ("ABOUT", "out", "s-tea"),
            ("OF_ORDER", "out", "o-2"),
            ("WROTE", "in", "a-buyer")
        ])
    );
    assert_eq!(
        references(&driver, "ReviewEvent", "e-1").await,
        s(&[("ON", "out", "r-3"), ("PERFORMED", "in", "a-buyer2")])
    );
    assert_eq!(
        references(&driver, "Complaint", "c-1").await,
        s(&[("AGAINST", "out", "r-1"), ("FILED", "in", "a-seller")])
    );
    assert_eq!(
        references(&driver, "Message", "m-1").await,
        s(&[("MESSAGED", "in", "a-buyer"), ("TO", "out", "a-staff")])
    );

    // and the corrected version loads idempotently
    app.load(fix.path()).await.unwrap();
    assert_eq!(counts(&app).await, after);
    app.stop().await;
}
