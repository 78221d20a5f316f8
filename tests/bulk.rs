//! `load --bulk`: Neo4j's importer into an empty store. It refuses a store with nodes, refuses
//! an invalid dataset with the transactional path's very errors (Neo4j untouched), and builds
//! the graph a transactional load builds: the same census of labels, properties and
//! relationships, and the same API answers, detection findings included.
//!
//! Needs the bundled test Neo4j (`tools/dev test` exports its NEO4J_DEV_HOME and port): the
//! test stops, wipes and restarts it through `tools/neo4j/neo4j-dev`.

use crate::common::{self, t, unique};
use investigator::access::{tokens, Role};
use investigator::config::Config;
use investigator::eval::Labels;
use investigator::graph::{self, read, Graph};
use investigator::ingest::{self, BulkError, BulkOptions, LoadError, LoadOptions, Source};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seed-data");
const NEO4J_DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/neo4j/neo4j-dev");

fn opts() -> LoadOptions {
    LoadOptions {
        skip_invalid: false,
        batch_size: 2000,
        writers: 2,
        progress: false,
    }
}

fn bulk(name: &str) -> BulkOptions {
    BulkOptions {
        importer: vec![NEO4J_DEV.into(), "import".into()],
        staging: std::env::temp_dir().join(unique(name)),
        keep_staging: false,
    }
}

/// Runs `neo4j-dev ARGS` on the test instance (NEO4J_DEV_HOME/PORT come from `tools/dev test`).
fn neo4j_dev(args: &[&str]) {
    let status = std::process::Command::new(NEO4J_DEV)
        .args(args)
        .status()
        .expect("run neo4j-dev");
    assert!(status.success(), "neo4j-dev {args:?} failed");
}

/// A GraphQL server over an already loaded database (no wipe), with an all-roles token.
async fn answers(config: &Config, graph: &Graph, accounts: &[String], shops: &[String]) -> Value {
    graph::schema::apply(graph).await.expect("schema");
    // `eval` runs every detector, then scores it against the seed data's labels.
    let labels = Labels::read(Path::new(SEED)).expect("labels");
    let report = investigator::eval::evaluate(graph, &labels, "seed")
        .await
        .expect("eval");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // The server gets its own pool: actix workers run their own runtimes, and connections
    // opened on one die with it when the server stops; the caller's pool must outlive it.
    let server_graph = Graph::connect(&config.neo4j).await.expect("server pool");
    let state = investigator::http::AppState::new(server_graph, Arc::new(config.clone()))
        .await
        .expect("app state");
    let server = investigator::http::server(actix_web::web::Data::new(state), listener, Some(1))
        .expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    let token = tokens::create(graph, &unique("bulk"), &Role::ALL, true, false)
        .await
        .expect("token")
        .secret;
    let client = reqwest::Client::new();
    let query = r#"query {
      stats { accounts shops identifiers orders payments reviews complaints reviewEvents messages relationships }
      rings(minScore: 0, first: 100) { edges { node { id kind score members { account { id } role contribution } victimShops { id } } } }
      extortionIncidents(minConfidence: 0, first: 100) { edges { node { id confidence complete review { id } shop { id } reviewer { id } contact { id } } } }
      insiderSuspects(minScore: 0, first: 50) { edges { node { employee { id } score removalsTotal removalsLegitimate moneyTraced { amount currency } } } }
    }"#;
    // Scores, not notes: a note carries the run's latency.
    let scores: Vec<Value> = report
        .metrics
        .iter()
        .map(|m| {
            json!([
                m.name,
                m.true_positives,
                m.false_positives,
                m.false_negatives
            ])
        })
        .collect();
    let mut out = json!({ "eval": scores });
    let body: Value = common::post_graphql(&client, &base, &token, query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    out["findings"] = body["data"].clone();
    // One request per record: the account and shop resolvers, as a user calls them.
    let account = r#"query($id: String!) { account(id: $id) { id role name registeredAt region
      orders(first: 50) { edges { node { id amount { amount currency } placedAt status } } }
      reviews(first: 50) { edges { node { id rating text postedAt } } }
      paymentsSent(first: 50) { edges { node { id amount { amount currency } } } }
      identifiers { key kind value accounts }
      linkedAccounts(first: 20) { edges { node { account { id } strength } } }
      shops { id name category openedAt } } }"#;
    for id in accounts {
        let body = common::post_graphql(&client, &base, &token, account, json!({"id": id})).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        out[format!("account:{id}")] = body["data"].clone();
    }
    let shop = r#"query($id: String!) { shop(id: $id) { id name category
      reviews(first: 50) { edges { node { id rating author { id } } } } } }"#;
    for id in shops {
        let body = common::post_graphql(&client, &base, &token, shop, json!({"id": id})).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        out[format!("shop:{id}")] = body["data"].clone();
    }
    handle.stop(true).await;
    out
}

/// The first `n` ids of `<kind>.ndjson` in the seed data, plus every labelled one of that
/// kind's prefix (the planted cases).
fn ids(kind: &str, field: &str, n: usize, prefix: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(SEED).join(format!("{kind}.ndjson"))).unwrap();
    let labels = std::fs::read_to_string(Path::new(SEED).join("labels.ndjson")).unwrap();
    let all: std::collections::HashSet<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v[field].as_str().map(String::from))
        .collect();
    let mut out: Vec<String> = text
        .lines()
        .take(n)
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v[field].as_str().map(String::from))
        .collect();
    for l in labels
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if let Some(id) = l["entityId"].as_str() {
            if id.starts_with(prefix) && all.contains(id) && !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
    }
    out.truncate(40);
    out
}

#[tokio::test]
async fn bulk_load_refuses_a_store_with_nodes_and_invalid_datasets_and_builds_the_same_graph() {
    let _serial = common::exclusive().await;
    let config = common::test_config();
    let graph = Graph::connect(&config.neo4j).await.expect("test Neo4j");

    // A store with any node (here a token) is refused before anything is read or stopped.
    tokens::create(
        &graph,
        &unique("bulk-refusal"),
        &[Role::Analyst],
        false,
        false,
    )
    .await
    .expect("token");
    let err = ingest::load_bulk(
        &config.neo4j,
        Source::dir(Path::new(SEED)).unwrap(),
        &opts(),
        &bulk("bulk-refused"),
    )
    .await
    .err()
    .expect("refused");
    assert!(matches!(err, BulkError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("empty"), "{err}");

    // Empty the store (tokens and the audit log included) the bundled way.
    drop(graph);
    neo4j_dev(&["wipe"]);
    neo4j_dev(&["start"]);

    // An invalid dataset: the same errors as the transactional path, and nothing imported.
    let bad = common::small_marketplace("bulk-invalid");
    bad.add("orders", &[json!({"id":"o-bad","buyerId":"a-nobody","shopId":"s-tea","amount":"1.00","placedAt":t(3, 1),"status":"paid"})]);
    bad.add_raw("reviews", &["{not json".to_string()]);
    let bulk_errors = match ingest::load_bulk(
        &config.neo4j,
        Source::dir(bad.path()).unwrap(),
        &opts(),
        &bulk("bulk-invalid"),
    )
    .await
    {
        Err(BulkError::Load(LoadError::Invalid { errors, .. })) => {
            errors.iter().map(ToString::to_string).collect::<Vec<_>>()
        }
        other => panic!("expected Invalid, got {:?}", other.map(|r| r.1)),
    };
    let graph = Graph::connect(&config.neo4j).await.expect("test Neo4j");
    let tx_errors = match ingest::load(&graph, Source::dir(bad.path()).unwrap(), &opts()).await {
        Err(LoadError::Invalid { errors, .. }) => {
            errors.iter().map(ToString::to_string).collect::<Vec<_>>()
        }
        other => panic!("expected Invalid, got {:?}", other.map(|r| r.written())),
    };
    assert_eq!(bulk_errors, tx_errors);
    assert!(
        bulk_errors
            .iter()
            .any(|e| e.starts_with("orders.ndjson:4: buyerId: ")),
        "{bulk_errors:?}"
    );
    assert_eq!(
        read::census(&graph).await.unwrap().node_properties,
        vec![],
        "nothing written"
    );
    drop(graph);

    // Every edge the importer's CSV could get wrong, bulk and then transactional: the same
    // nodes, relationships and properties, value by value and type by type.
    let edgy = edge_cases("bulk-edges");
    let staging = bulk("bulk-edges");
    let (graph, _) = ingest::load_bulk(
        &config.neo4j,
        Source::dir(edgy.path()).unwrap(),
        &opts(),
        &staging,
    )
    .await
    .expect("bulk load");
    assert!(!staging.staging.exists(), "the importer's input is removed");
    let bulk_dump = read::dump(&graph).await.unwrap();
    read::wipe(&graph).await.unwrap();
    ingest::load(&graph, Source::dir(edgy.path()).unwrap(), &opts())
        .await
        .expect("transactional load");
    let tx_dump = read::dump(&graph).await.unwrap();
    assert!(tx_dump.nodes.len() > 10, "{tx_dump:?}");
    assert_eq!(bulk_dump.nodes, tx_dump.nodes);
    assert_eq!(bulk_dump.relationships, tx_dump.relationships);
    read::wipe(&graph).await.unwrap();
    drop(graph);

    // The seed data, bulk: the census and the answers (eval's scores and the API's).
    let (graph, report) = ingest::load_bulk(
        &config.neo4j,
        Source::dir(Path::new(SEED)).unwrap(),
        &opts(),
        &bulk("bulk-seed"),
    )
    .await
    .expect("bulk load");
    assert!(report.records > 70_000, "{report:?}");
    let accounts = ids("accounts", "id", 10, "a");
    let shops = ids("shops", "id", 5, "s");
    let bulk_census = read::census(&graph).await.unwrap();
    let bulk_answers = answers(&config, &graph, &accounts, &shops).await;

    // The same dataset, transactional, on the same (wiped) store.
    read::wipe(&graph).await.unwrap();
    ingest::load(&graph, Source::dir(Path::new(SEED)).unwrap(), &opts())
        .await
        .expect("transactional load");
    let tx_census = read::census(&graph).await.unwrap();
    let tx_answers = answers(&config, &graph, &accounts, &shops).await;

    assert!(!tx_census.node_properties.is_empty());
    assert_eq!(bulk_census.node_properties, tx_census.node_properties);
    assert_eq!(bulk_census.relationships, tx_census.relationships);
    assert!(
        tx_answers["findings"]["rings"]["edges"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "the seed data has rings: {tx_answers:#}"
    );
    for (key, tx) in tx_answers.as_object().unwrap() {
        assert_eq!(&bulk_answers[key], tx, "{key}");
    }
    // The next test finds the database running, with its schema, and empty of data.
    read::wipe(&graph).await.unwrap();
}

/// The small marketplace plus what CSV makes hard: quotes, commas, line breaks (LF, CRLF,
/// CR), tabs, backslashes, non-ASCII, empty and padded strings, absent optional fields, a
/// repeated (account, identifier) pair whose window widens, and a repeated referral.
fn edge_cases(name: &str) -> common::Dataset {
    let d = common::small_marketplace(name);
    d.add(
        "accounts",
        &[
            json!({"id":"a-\"quoted\", comma","role":"buyer","name":"","region":"  padded  "}),
            json!({"id":"a-unicode-买家","role":"buyer","name":"王芳 \\ back\\slash","registeredAt":t(1,1)}),
        ],
    )
    .add(
        "links",
        &[
            json!({"accountId":"a-buyer","kind":"device","value":"dev:1","firstSeen":t(1,1),"lastSeen":t(9,1)}),
            json!({"accountId":"a-buyer","kind":"device","value":"dev:1"}),
            json!({"accountId":"a-buyer2","kind":"device","value":"dev:1","lastSeen":t(2,2)}),
            json!({"accountId":"a-\"quoted\", comma","kind":"address","value":"1 \"Tea\" Rd, Hangzhou"}),
        ],
    )
    .add(
        "referrals",
        &[
            json!({"inviterId":"a-buyer","inviteeId":"a-buyer2","at":t(3,9)}),
            json!({"inviterId":"a-unicode-买家","inviteeId":"a-buyer","at":t(2,1)}),
        ],
    )
    .add(
        "payments",
        &[
            json!({"id":"p-3","fromId":"a-unicode-买家","toId":"a-\"quoted\", comma","amount":"0.01","paidAt":t(9,1),"memo":"line one\r\nline \"two\"\rthree\ttab"}),
            json!({"id":"p-4","fromId":"a-buyer","toId":"a-buyer","amount":"1","paidAt":t(9,2),"memo":""}),
        ],
    )
    .add(
        "reviews",
        &[json!({"id":"r-2","orderId":"o-2","authorId":"a-buyer","shopId":"s-tea","rating":3,"text":"\"good\",\nbut, slow\n\n","postedAt":t(9,3)})],
    )
    .add(
        "messages",
        &[
            json!({"id":"m-2","fromId":"a-seller","toId":"a-unicode-买家","sentAt":t(9,4),"text":"\\\"\\"}),
            json!({"id":"m-3","fromId":"a-seller","toId":"a-buyer","sentAt":t(9,5),"text":""}),
        ],
    );
    d
}
