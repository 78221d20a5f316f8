//! HTTP surface, the committed SDL, and every query file against the real database.

use crate::common;

use common::app;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn health_readiness_and_graphiql_work_offline() {
    let app = app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    // An empty graph needs no findings: ready as soon as the schema and warm-up are done.
    let mut ready = app.get("/readyz").await;
    for _ in 0..50 {
        if ready.status() == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        ready = app.get("/readyz").await;
    }
    assert_eq!(ready.status(), 200);
    let page = app.get("/graphiql").await.text().await.unwrap();
    assert!(page.contains("/graphiql/assets/graphiql.min.js"));
    assert!(
        !page.contains("https://"),
        "the explorer must not load anything from the internet"
    );
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.min.js",
        "react-dom.min.js",
    ] {
        let r = app.get(&format!("/graphiql/assets/{asset}")).await;
        assert_eq!(r.status(), 200, "{asset}");
        assert!(
            r.bytes().await.unwrap().len() > 1000,
            "{asset} is served in full"
        );
    }
    assert_eq!(app.get("/graphiql/assets/nope.js").await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_over_get_and_post() {
    let app = app().await;
    let r = app.get("/graphql?query=%7BapiVersion%7D").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["data"]["apiVersion"], env!("CARGO_PKG_VERSION"));
    let body = app.gql("{ stats { accounts } }", json!({})).await;
    assert_eq!(body["data"]["stats"]["accounts"], 0.0);
    let invalid = app.gql("{ nosuchfield }", json!({})).await;
    assert!(invalid["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("nosuchfield"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_sdl_matches_the_served_schema() {
    let app = app().await;
    let served = app.get("/schema.graphql").await.text().await.unwrap();
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .unwrap();
    assert!(
        served == committed,
        "schema/schema.graphql is stale: run `cargo run -- schema print > schema/schema.graphql`"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_query_file_plans_against_neo4j() {
    let app = app().await;
    for q in investigator::graph::queries::ALL {
        app.graph
            .explain(q)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", q.name));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_apply_runs_only_what_is_missing() {
    let app = app().await; // applies the schema
    let apply = || investigator::graph::schema::apply(&app.graph);
    assert_eq!(apply().await.unwrap(), 0, "everything is already in place");

    let ddl = |text: &'static str| investigator::graph::Cypher {
        name: "test_ddl",
        text,
    };
    let params = investigator::graph::Params::new;
    // A wanted index gone missing, and a retired one left by an older version.
    app.graph
        .run(&ddl("DROP INDEX review_rating"), params())
        .await
        .unwrap();
    app.graph
        .run(
            &ddl("CREATE INDEX account_role FOR (n:Account) ON (n.role)"),
            params(),
        )
        .await
        .unwrap();
    assert_eq!(apply().await.unwrap(), 2);
    let names: Vec<String> = app
        .graph
        .column(
            &ddl("SHOW INDEXES YIELD name"),
            params(),
            "name",
            std::time::Duration::from_secs(30),
        )
        .await
        .unwrap();
    assert!(names.iter().any(|n| n == "review_rating"));
    assert!(!names.iter().any(|n| n == "account_role"));
    assert_eq!(apply().await.unwrap(), 0);
    app.stop().await;
}
