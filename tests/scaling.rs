//! Past one machine: the API keeps no state of its own, so several server processes on one
//! Neo4j answer alike and share one audit chain; `neo4j://` URIs work; reads run in READ
//! access mode, so a cluster can serve them from followers (docs/SCALING.md).

use crate::common;
use investigator::access::{audit, tokens, Role};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What an analyst reads, masked: findings with members and evidence, an account with its
/// identifiers (pseudonyms), a lineage, the insider ranking.
const READS: &[&str] = &[
    "{ rings(first: 50) { edges { node { id kind score reasons moneyIn { amount currency } members { account { id } role } evidence { nodesTotal edgesTotal } } } } }",
    "{ extortionIncidents(first: 50) { edges { node { id confidence amount { amount currency } reasons } } } }",
    "{ insiderSuspects(first: 10) { edges { node { employee { id } score removalsLegitimate moneyTraced { amount currency } } } } }",
    "{ stats { accounts shops orders reviews } }",
];

/// Two servers on one database: identical answers (masked pseudonyms included, since the
/// key lives in the database), one audit chain that both extend without forking it, and a
/// token revoked through one refused by the other once its short verify cache expires.
#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_database_answer_alike_and_share_one_audit_chain() {
    let app = common::app().await;
    app.load_seed_with_findings().await;
    let other = app.second_server(&app.config.neo4j.uri).await;
    let masked = app.token("two-servers", &[Role::Analyst], false).await;

    let some_member: Value = app
        .data(
            "{ rings(first: 1) { edges { node { members { account { id } } } } } }",
            json!({}),
        )
        .await;
    let member = some_member["rings"]["edges"][0]["node"]["members"][0]["account"]["id"]
        .as_str()
        .expect("the seed has rings")
        .to_string();
    let account = format!(
        "{{ account(id: \"{member}\") {{ id name identifiers {{ kind value accounts }} linkedAccounts(first: 5) {{ edges {{ node {{ account {{ id }} }} }} }} }} }}"
    );
    let lineage = format!("{{ agentLineage(accountId: \"{member}\") {{ accounts {{ account {{ id }} role depth }} }} }}");
    let mut reads: Vec<String> = READS.iter().map(|q| q.to_string()).collect();
    reads.push(account);
    reads.push(lineage);

    for q in &reads {
        let here = app.gql_at(&app.base, &masked, q, json!({})).await;
        let there = app.gql_at(&other, &masked, q, json!({})).await;
        assert!(here.get("errors").is_none(), "{q}: {here:#}");
        assert_eq!(here, there, "the two servers disagree on {q}");
    }

    // Both servers append to the audit chain at once; it stays one intact chain.
    let before = match audit::verify(&app.graph).await.unwrap() {
        audit::Verdict::Intact { entries, .. } => entries,
        broken => panic!("chain broken before the test: {broken:?}"),
    };
    let mut requests = Vec::new();
    for i in 0..40 {
        let base = if i % 2 == 0 {
            app.base.clone()
        } else {
            other.clone()
        };
        let q = reads[i % reads.len()].clone();
        let masked = masked.clone();
        let app_ref = &app;
        requests.push(async move { app_ref.gql_at(&base, &masked, &q, json!({})).await });
    }
    for body in futures::future::join_all(requests).await {
        assert!(body.get("errors").is_none(), "{body:#}");
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match audit::verify(&app.graph).await.unwrap() {
            audit::Verdict::Intact { entries, .. } if entries >= before + 40 => break,
            audit::Verdict::Intact { entries, .. } => {
                assert!(
                    Instant::now() < deadline,
                    "only {} of 40 audit entries arrived",
                    entries - before
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            broken => panic!("two writers forked or broke the audit chain: {broken:?}"),
        }
    }

    // Revocation reaches every server: at once where it was not cached, within the cache
    // lifetime (5 s) where it was.
    let revoked = app
        .token("revoked-everywhere", &[Role::Analyst], false)
        .await;
    let stats = "{ stats { accounts } }";
    assert!(app
        .gql_at(&other, &revoked, stats, json!({}))
        .await
        .get("errors")
        .is_none());
    assert_eq!(
        tokens::revoke(&app.graph, "revoked-everywhere")
            .await
            .unwrap()
            .len(),
        1
    );
    let refused = |status: reqwest::StatusCode| status == reqwest::StatusCode::UNAUTHORIZED;
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let status = app
            .client()
            .post(format!("{other}/graphql"))
            .bearer_auth(&revoked)
            .json(&json!({ "query": stats }))
            .send()
            .await
            .unwrap()
            .status();
        if refused(status) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other server still accepts a revoked token ({status})"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.stop().await;
}

/// A `neo4j://` URI (what a cluster or Aura is reached by) serves reads and writes: the
/// driver sends the routing context and Neo4j routes on the server side.
#[tokio::test(flavor = "multi_thread")]
async fn a_neo4j_scheme_uri_serves_reads_and_writes() {
    let app = common::app().await;
    app.load_seed_with_findings().await;
    let routed_uri = app.config.neo4j.uri.replacen("bolt://", "neo4j://", 1);
    assert!(routed_uri.starts_with("neo4j://"), "{routed_uri}");
    let routed = app.second_server(&routed_uri).await;
    let read = app.gql_at(&routed, &app.token, READS[0], json!({})).await;
    assert!(read.get("errors").is_none(), "{read:#}");
    assert_eq!(read, app.gql(READS[0], json!({})).await);
    let ring = read["data"]["rings"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no ring: {read:#}"));
    let opened = app
        .gql_at(
            &routed,
            &app.token,
            "mutation($ring: String!) { openCase(title: \"via neo4j://\", item: { kind: RING, id: $ring }) { id } }",
            json!({ "ring": ring }),
        )
        .await;
    assert!(opened.get("errors").is_none(), "{opened:#}");
    let id = opened["data"]["openCase"]["id"].as_str().unwrap();
    let back = app
        .data(
            "query($id: String!) { case(id: $id) { title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(back["case"]["title"], "via neo4j://");
    app.stop().await;
}

/// Reads are sent in READ access mode: Neo4j itself refuses a write in one, so a statement
/// routed to a follower can never be a write in disguise. (The catalog's classification is
/// unit-tested in `graph::queries`; here the driver's side is checked against Neo4j.)
#[tokio::test(flavor = "multi_thread")]
async fn reads_run_in_read_access_mode() {
    let app = common::app().await;
    let driver = app.raw_driver().await;
    let refused = driver
        .run(neo4rs::query("CREATE (:ReadModeProbe)").read_only())
        .await
        .expect_err("a write in READ access mode is refused");
    assert!(
        format!("{refused:?}").contains("AccessMode"),
        "refused for the access mode: {refused:?}"
    );
    driver
        .run(neo4rs::query("CREATE (:ReadModeProbe)"))
        .await
        .expect("the same write in WRITE mode runs");
    let mut rows = driver
        .execute(neo4rs::query(
            "MATCH (p:ReadModeProbe) DETACH DELETE p RETURN count(*) AS n",
        ))
        .await
        .unwrap();
    let n: i64 = rows.next().await.unwrap().unwrap().get("n").unwrap();
    assert_eq!(n, 1);
    // And the server's own reads ran in READ mode throughout: a lookup works.
    let body = app.gql("{ stats { accounts } }", json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    app.stop().await;
}
