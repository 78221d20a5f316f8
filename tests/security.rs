//! Identity, roles, masking that holds, and the audit trail (issue 10), over HTTP against the
//! real server and Neo4j, and through the CLI the README documents.

use crate::common::{self, cli, error_code, small_marketplace};
use investigator::access::Role;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread")]
async fn requests_without_a_valid_token_get_401_except_health_and_the_explorer() {
    let app = common::app().await;
    let client = app.client();
    let post = |token: Option<&str>| {
        let mut r = client
            .post(format!("{}/graphql", app.base))
            .json(&json!({"query": "{ stats { accounts } }"}));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    for token in [None, Some("inv_0000"), Some("not-even-a-token")] {
        let r = post(token).await.unwrap();
        assert_eq!(r.status(), 401, "{token:?}");
        assert!(r.headers().get("www-authenticate").is_some());
        let body: Value = r.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
        assert!(body.get("data").is_none());
    }
    let r = client
        .get(format!("{}/schema.graphql", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    for open in ["/healthz", "/readyz", "/graphiql"] {
        let r = client
            .get(format!("{}{open}", app.base))
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), 401, "{open} needs no token");
    }
    assert_eq!(post(Some(&app.token)).await.unwrap().status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_may_do_only_what_it_is_for() {
    let app = common::app().await;
    let analyst = app.token("r-analyst", &[Role::Analyst], false).await;
    let auditor = app.token("r-auditor", &[Role::Auditor], false).await;
    let admin = app.token("r-admin", &[Role::Admin], false).await;
    let detect = r#"mutation { detect(only: ["insider"]) { detector } }"#;
    let ingest = r#"mutation { ingest(records: [{kind: "accounts", json: "{\"id\":\"a-x\",\"role\":\"buyer\"}"}]) { written } }"#;
    let audit = "{ auditLog(first: 1) { edges { node { seq } } } }";
    let read = "{ stats { accounts } rings(first: 1) { edges { node { id } } } }";
    let cases: &[(&str, &str, &str, bool)] = &[
        ("analyst", &analyst, read, true),
        ("analyst", &analyst, detect, false),
        ("analyst", &analyst, ingest, false),
        ("analyst", &analyst, audit, false),
        ("auditor", &auditor, read, true),
        ("auditor", &auditor, audit, true),
        ("auditor", &auditor, ingest, false),
        ("admin", &admin, read, true),
        ("admin", &admin, ingest, true),
        ("admin", &admin, detect, true),
        ("admin", &admin, audit, false),
    ];
    for (role, token, query, allowed) in cases {
        let body = app.gql_as(token, query, json!({})).await;
        if *allowed {
            assert!(body.get("errors").is_none(), "{role} {query}: {body}");
        } else {
            assert_eq!(error_code(&body), "FORBIDDEN", "{role} {query}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(
                message.contains("role"),
                "says which role is needed: {message}"
            );
        }
    }
    // The analyst's refused ingest wrote nothing.
    let d = app.data("{ account(id: \"a-x\") { id } }", json!({})).await;
    assert_eq!(d["account"]["id"], "a-x", "the admin's ingest did write");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_created_once_listed_without_secrets_and_revoked() {
    let app = common::app().await;
    let name = common::unique("cli-alice");
    let out = cli(
        &app,
        &["token", "create", "--name", &name, "--roles", "analyst"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let secret = stdout.lines().last().unwrap().trim().to_string();
    assert!(secret.starts_with("inv_") && secret.len() > 40, "{stdout}");
    let body = app
        .gql_as(&secret, "{ stats { accounts } }", json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    let out = cli(&app, &["token", "list"]);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains(&name) && listing.contains("analyst"),
        "{listing}"
    );
    assert!(
        !listing.contains(&secret[4..]),
        "the list never shows a secret"
    );
    // The database holds only the hash.
    let stored: Vec<String> = app
        .graph
        .column(
            &investigator::graph::Cypher {
                name: "test_token_hash",
                text: "MATCH (t:ApiToken {name: $name}) RETURN t.hash AS h",
            },
            investigator::graph::Params::new().with("name", name.as_str()),
            "h",
            std::time::Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(
        stored,
        vec![investigator::access::sha256_hex(secret.as_bytes())]
    );

    let out = cli(&app, &["token", "revoke", &name]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(
        investigator::access::tokens::CACHE_TTL + std::time::Duration::from_millis(300),
    )
    .await;
    let r = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&secret)
        .json(&json!({"query": "{ stats { accounts } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a revoked token is refused");
    assert!(
        !cli(&app, &["token", "revoke", &name]).status.success(),
        "nothing left to revoke"
    );
    app.stop().await;
}

async fn audit_entries(app: &common::TestApp, auditor: &str, actor: &str) -> Vec<Value> {
    let d = app
        .gql_as(
            auditor,
            "query($a: String) { auditLog(actor: $a, first: 100) { edges { node { seq at actor operation clientOperationName variables entities outcome unmasked durationMs hash prevHash } } } }",
            json!({"a": actor}),
        )
        .await;
    assert!(d.get("errors").is_none(), "{d}");
    common::nodes(&d["data"], "auditLog")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_records_reads_unmasked_reads_refusals_and_mutations() {
    let app = common::app().await;
    app.load(small_marketplace("audit").path()).await.unwrap();
    let (masked_name, unmask_name, admin_name) = (
        common::unique("au-masked"),
        common::unique("au-unmask"),
        common::unique("au-admin"),
    );
    let masked = app.token(&masked_name, &[Role::Analyst], false).await;
    let unmasking = app.token(&unmask_name, &[Role::Analyst], true).await;
    let admin = app.token(&admin_name, &[Role::Admin], false).await;
    let auditor = app.token("au-auditor", &[Role::Auditor], false).await;
    let q = "query Look($id: String!) { account(id: $id) { id name identifiers { value } } }";
    app.gql_as(&masked, q, json!({"id": "a-buyer"})).await;
    app.gql_as(&unmasking, q, json!({"id": "a-buyer"})).await;
    app.gql_as(&masked, "mutation { detect { detector } }", json!({}))
        .await;
    app.gql_as(&admin, r#"mutation Load { ingest(records: [{kind: "accounts", json: "{\"id\":\"a-new\",\"role\":\"buyer\"}"}]) { written } }"#, json!({})).await;

    let e = audit_entries(&app, &auditor, &masked_name).await;
    assert_eq!(e.len(), 2, "{e:?}");
    let (refused, read) = (&e[0], &e[1]);
    assert_eq!(read["operation"], "query account");
    assert_eq!(read["clientOperationName"], "Look");
    assert_eq!(read["outcome"], "ok");
    assert_eq!(read["unmasked"], false);
    assert_eq!(read["variables"], r#"{"id":"a-buyer"}"#);
    assert!(read["entities"].as_str().unwrap().contains("a-buyer"));
    assert_eq!(refused["operation"], "mutation detect");
    assert_eq!(refused["outcome"], "error:FORBIDDEN");

    let e = audit_entries(&app, &auditor, &unmask_name).await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["unmasked"], true, "an unmasked read is flagged");

    let e = audit_entries(&app, &auditor, &admin_name).await;
    assert_eq!(
        (e[0]["operation"].as_str(), e[0]["outcome"].as_str()),
        (Some("mutation ingest"), Some("ok"))
    );
    assert!(e[0]["durationMs"].as_f64().unwrap() >= 0.0);

    // The chain links every entry to the one before.
    let all = audit_entries(&app, &auditor, &masked_name).await;
    assert_ne!(all[0]["prevHash"], "");
    // Nothing in the API writes to the log.
    let schema = app.get("/schema.graphql").await.text().await.unwrap();
    let mutation = schema
        .split("type Mutation")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    assert!(!mutation.to_lowercase().contains("audit"), "{mutation}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_passes_on_an_intact_chain_and_fails_on_an_edited_or_removed_entry() {
    let app = common::app().await;
    for _ in 0..3 {
        app.gql("{ stats { accounts } }", json!({})).await;
    }
    let ok = cli(&app, &["audit", "verify"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    let graph = app.graph.clone();
    let run = |text: &'static str| {
        let graph = graph.clone();
        async move {
            graph
                .run(
                    &investigator::graph::Cypher {
                        name: "test_tamper",
                        text,
                    },
                    investigator::graph::Params::new(),
                )
                .await
                .unwrap()
        }
    };
    // Someone with database access rewrites who made a request.
    run("MATCH (a:AuditEntry) WITH a ORDER BY a.seq DESC LIMIT 1 SET a.actor = 'nobody'").await;
    let bad = cli(&app, &["audit", "verify"]);
    assert!(!bad.status.success());
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(msg.contains("edited"), "{msg}");
    // Restoring it would need the hash; deleting an entry instead breaks the chain too.
    run("MATCH (a:AuditEntry) WITH a ORDER BY a.seq DESC LIMIT 1 SET a.actor = 'test-all'").await;
    assert!(
        cli(&app, &["audit", "verify"]).status.success(),
        "restored exactly"
    );
    run("MATCH (a:AuditEntry) WITH a ORDER BY a.seq DESC SKIP 1 LIMIT 1 DELETE a").await;
    let bad = cli(&app, &["audit", "verify"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("missing"));
    // Leave a clean log for the tests that follow.
    run("MATCH (a:AuditEntry) DETACH DELETE a").await;
    run("MATCH (h:AuditHead) DETACH DELETE h").await;
    app.stop().await;
}

/// Every raw identifier value and person's name of the seed data.
fn seed_personal_values() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seed-data");
    let mut out = BTreeSet::new();
    let read = |file: &str| std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
    for line in read("links.ndjson").lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        out.insert(v["value"].as_str().unwrap().to_string());
    }
    for line in read("accounts.ndjson").lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if let Some(n) = v["name"].as_str() {
            out.insert(n.to_string());
        }
    }
    out
}

/// Walks the seed cases the way an analyst would: every finding list with everything it can
/// show, lineage from every ring member, traces of every suspect, and each member's record
/// with its identifiers, links, payments and messages. Returns every response body.
async fn walk_seed_cases(app: &common::TestApp, token: &str) -> Vec<String> {
    let evidence = "evidence { nodes { id label caption } edges { from to kind recordId at amount currency } reasons }";
    let mut bodies = Vec::new();
    let mut ask = |b: Value| {
        bodies.push(b.to_string());
        b
    };
    let rings = ask(app.gql_as(token, &format!("{{ rings(first: 50, minScore: 0) {{ edges {{ node {{ id kind score reasons members {{ role account {{ id name }} }} {evidence} }} }} }} }}"), json!({})).await);
    let incidents = ask(app.gql_as(token, &format!("{{ extortionIncidents(first: 50, minConfidence: 0) {{ edges {{ node {{ id reasons {evidence} }} }} }} }}"), json!({})).await);
    let _ = incidents;
    let suspects = ask(app.gql_as(token, &format!("{{ insiderSuspects(first: 20, minScore: 0) {{ edges {{ node {{ employee {{ id name }} reasons {evidence} }} }} }} }}"), json!({})).await);
    let mut members = BTreeSet::new();
    for r in rings["data"]["rings"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for m in r["node"]["members"].as_array().into_iter().flatten() {
            members.insert(m["account"]["id"].as_str().unwrap().to_string());
        }
    }
    assert!(
        members.len() >= 5,
        "the walk reaches the seed crews: {members:?}"
    );
    for s in suspects["data"]["insiderSuspects"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = s["node"]["employee"]["id"].as_str().unwrap();
        ask(app.gql_as(token, "query($e: String!) { removalTrace(employeeId: $e, first: 100) { proxies payments { from via to } removals { edges { node { reason reasons review { text author { id name } } } } } } }", json!({"e": id})).await);
        members.insert(id.to_string());
    }
    for id in &members {
        ask(app.gql_as(token, &format!("query($a: String!) {{ agentLineage(accountId: $a) {{ accounts {{ role reasons account {{ id name }} }} edges {{ from to kind recordId }} {evidence} }} }}"), json!({"a": id})).await);
        ask(app.gql_as(token, "query($a: String!) { account(id: $a) { id name identifiers { kind key value } linkedAccounts(first: 20) { edges { node { account { id name } via { kind key value } } } } paymentsSent(first: 20) { edges { node { memo to { id name } } } } paymentsReceived(first: 20) { edges { node { memo from { id name } } } } messages(first: 20) { edges { node { text } } } } }", json!({"a": id})).await);
    }
    bodies
}

#[tokio::test(flavor = "multi_thread")]
async fn masking_holds_over_a_full_walk_of_the_seed_cases() {
    let app = common::app().await;
    app.load_seed_with_findings().await;
    let personal = seed_personal_values();
    assert!(personal.len() > 1000);
    let masked = app.token("walk-masked", &[Role::Analyst], false).await;
    let bodies = walk_seed_cases(&app, &masked).await;
    for b in &bodies {
        assert!(
            !b.contains("\"errors\""),
            "the walk must succeed: {}",
            &b[..b.len().min(400)]
        );
    }
    let leaks: Vec<&String> = personal
        .iter()
        .filter(|v| bodies.iter().any(|b| b.contains(v.as_str())))
        .collect();
    assert!(
        leaks.is_empty(),
        "raw personal values in masked responses: {leaks:?}"
    );
    // The same walk with `unmask` shows them (so the search above can find them).
    let unmasking = app.token("walk-unmask", &[Role::Analyst], true).await;
    let bodies = walk_seed_cases(&app, &unmasking).await;
    let shown = personal
        .iter()
        .filter(|v| bodies.iter().any(|b| b.contains(v.as_str())))
        .count();
    assert!(
        shown > 20,
        "an unmasking caller sees raw values ({shown} found)"
    );
    app.stop().await;
}

/// The server's own log (debug level, as an operator might run it) never carries a raw
/// identifier value or name: not from query strings, variables, driver errors or decoders.
#[tokio::test(flavor = "multi_thread")]
async fn the_server_log_carries_no_personal_data() {
    let app = common::app().await;
    app.load(small_marketplace("log").path()).await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_investigator"))
        .arg("serve")
        .env("NEO4J_URI", &app.config.neo4j.uri)
        .env("INVESTIGATOR_BIND", addr.to_string())
        .env("INVESTIGATOR_LOG", "debug,h2=info,hyper=info,reqwest=info")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://{addr}");
    for _ in 0..100 {
        if app
            .client()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let masked = app
        .token(&common::unique("log-analyst"), &[Role::Analyst], false)
        .await;
    let q = "query($id: String!, $v: String) { account(id: $id) { name identifiers { value } } }";
    let vars = r#"{"id":"a-buyer","v":"13800000001 Li Wei"}"#;
    // In a GET query string, in POST variables, in a document that fails to parse.
    let _ = app
        .client()
        .get(format!("{base}/graphql"))
        .bearer_auth(&masked)
        .query(&[("query", q), ("variables", vars)])
        .send()
        .await
        .unwrap();
    let _ = app
        .client()
        .post(format!("{base}/graphql"))
        .bearer_auth(&masked)
        .json(&json!({"query": q, "variables": {"id": "a-buyer", "v": "13800000001 Li Wei"}}))
        .send()
        .await
        .unwrap();
    let _ = app
        .client()
        .post(format!("{base}/graphql"))
        .bearer_auth(&masked)
        .json(&json!({"query": "{ account(id: \"13800000001 Li Wei\") { { } }"}))
        .send()
        .await
        .unwrap();
    server.start_kill().unwrap();
    let out = server.wait_with_output().await.unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("request finished"),
        "the access log was captured: {log}"
    );
    for raw in ["13800000001", "Li Wei", "dev:1"] {
        assert!(!log.contains(raw), "{raw:?} in the server log:\n{log}");
    }
    app.stop().await;
}

/// Requests refused before any document ran (bad JSON, media types, batch size, a mutation
/// over GET, an oversized body) used to leave no audit entry.
#[tokio::test(flavor = "multi_thread")]
async fn refused_requests_of_known_callers_are_audited_with_their_code() {
    let mut config = common::test_config();
    config.api.max_body_bytes = 64 * 1024;
    let app = common::app_with(config).await;
    let name = common::unique("refused");
    let token = app.token(&name, &[Role::Analyst], false).await;
    let auditor = app
        .token(&common::unique("r-auditor"), &[Role::Auditor], false)
        .await;
    let url = format!("{}/graphql", app.base);
    let post = |body: Vec<u8>, content_type: &str, accept: &str| {
        app.client()
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .header("accept", accept)
            .body(body)
            .send()
    };
    let json_ct = "application/json";
    let batch = serde_json::to_vec(&vec![json!({"query": "{ apiVersion }"}); 11]).unwrap();
    let cases: Vec<(reqwest::Response, u16, &str)> = vec![
        (
            post(b"{nope".to_vec(), json_ct, json_ct).await.unwrap(),
            400,
            "error:BAD_REQUEST",
        ),
        (
            post(b"{}".to_vec(), "text/plain", json_ct).await.unwrap(),
            415,
            "error:BAD_REQUEST",
        ),
        (
            post(b"{}".to_vec(), json_ct, "text/html").await.unwrap(),
            406,
            "error:BAD_REQUEST",
        ),
        (
            post(batch, json_ct, json_ct).await.unwrap(),
            400,
            "error:QUERY_TOO_COMPLEX",
        ),
        (
            post(vec![b' '; 100_000], json_ct, json_ct).await.unwrap(),
            413,
            "error:PAYLOAD_TOO_LARGE",
        ),
        (
            app.client()
                .get(&url)
                .bearer_auth(&token)
                .query(&[("query", "mutation { detect { found } }")])
                .send()
                .await
                .unwrap(),
            405,
            "error:METHOD_NOT_ALLOWED",
        ),
        (
            app.client()
                .put(&url)
                .bearer_auth(&token)
                .body("{}")
                .send()
                .await
                .unwrap(),
            405,
            "error:METHOD_NOT_ALLOWED",
        ),
    ];
    let mut expected = Vec::new();
    for (r, status, outcome) in cases {
        assert_eq!(r.status().as_u16(), status, "{outcome}");
        expected.push(outcome);
    }
    let entries = audit_entries(&app, &auditor, &name).await;
    let mut outcomes: Vec<&str> = entries
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    outcomes.sort_unstable();
    expected.sort_unstable();
    assert_eq!(
        outcomes, expected,
        "one entry per refused request: {entries:#?}"
    );
    assert!(entries
        .iter()
        .all(|e| ["POST /graphql", "GET /graphql", "PUT /graphql"]
            .contains(&e["operation"].as_str().unwrap())));
    assert!(entries.iter().any(|e| e["operation"] == "PUT /graphql"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_hygiene_scheme_case_no_store_explorer_csp_and_json_404() {
    let app = common::app().await;
    let client = app.client();
    // The auth scheme is case-insensitive (RFC 7235).
    let r = client
        .post(format!("{}/graphql", app.base))
        .header("Authorization", format!("BEARER {}", app.token))
        .json(&json!({"query": "{ stats { accounts } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Answers carry personal data: no cache may keep them.
    assert_eq!(r.headers()["cache-control"], "no-store");
    // The explorer may not be framed and runs only its own scripts.
    let r = client
        .get(format!("{}/graphiql", app.base))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline'; connect"),
        "{csp}"
    );
    let page = r.text().await.unwrap();
    assert!(
        !page.contains("<script>"),
        "no inline script: the CSP would block it"
    );
    let r = app.get("/graphiql/assets/explorer.js").await;
    assert_eq!(r.status(), 200);
    // Unknown paths answer in the API's error shape.
    for path in ["/no/such/path", "/graphiql/assets/nope.js"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(error_code(&body), "NOT_FOUND", "{path}");
    }
    app.stop().await;
}

/// `body` with the echoed `guess` blanked out (raw, or in the audited variables as the
/// data-independent masking stores it), so the answers to a right and a wrong guess compare.
fn blanked(body: &str, guess: &str) -> String {
    let stored = investigator::api::guard::mask_patterns(guess);
    body.replace(&format!(r#"\"g\":\"{stored}\""#), "G")
        .replace(guess, "?")
}

/// Pairs of (right, wrong) guesses at a-buyer's identifiers and name in `small_marketplace`.
const GUESSES: [(&str, &str); 5] = [
    ("phone:13800000001", "phone:13800000002"),
    ("device:dev:1", "device:dev:2"),
    ("13800000001", "13800000002"),
    ("dev:1", "dev:2"),
    ("Li Wei", "Li Wen"),
];

#[tokio::test(flavor = "multi_thread")]
async fn a_masked_caller_cannot_test_a_guess_against_the_data() {
    let app = common::app().await;
    app.load(small_marketplace("oracle").path()).await.unwrap();
    let analyst = app.token("or-analyst", &[Role::Analyst], false).await;
    let auditor = app.token("or-auditor", &[Role::Auditor], false).await;
    // The guess sits next to the real values, which the guard has seen and masks.
    let probe = "query Probe($g: String!) { a: account(id: \"a-buyer\") { name identifiers { key value } } x: account(id: $g) { id } }";
    let read_back = "{ a: account(id: \"a-buyer\") { name identifiers { key value } } auditLog(actor: \"or-auditor\", first: 1) { edges { node { operation variables } } } }";
    for (right, wrong) in GUESSES {
        let mut answers = Vec::new();
        for guess in [right, wrong] {
            let graphql = app.gql_as(&analyst, probe, json!({"g": guess})).await;
            assert_eq!(error_code(&graphql), "NOT_FOUND", "{graphql}");
            let batch = app
                .client()
                .post(format!("{}/graphql", app.base))
                .bearer_auth(&analyst)
                .json(&json!([
                    {"query": "{ account(id: \"a-buyer\") { name identifiers { key value } } }"},
                    {"query": "query($g: String!) { account(id: $g) { id } }", "variables": {"g": guess}},
                    {"query": "query($g: String!) { case(id: $g) { id } }", "variables": {"g": guess}},
                    {"query": "query($g: String!) { ring(id: $g) { id } }", "variables": {"g": guess}}
                ]))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let export = app
                .client()
                .get(format!("{}/export/case/{guess}", app.base))
                .bearer_auth(&analyst)
                .send()
                .await
                .unwrap();
            let export = format!("{} {}", export.status(), export.text().await.unwrap());
            app.gql_as(&auditor, probe, json!({"g": guess})).await;
            let audited = app.gql_as(&auditor, read_back, json!({})).await;
            let all = [graphql.to_string(), batch, export, audited.to_string()];
            answers.push(all.map(|a| blanked(&a, guess)));
        }
        assert_eq!(
            answers[0], answers[1],
            "the answer depends on whether {right:?} is right"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn free_text_on_a_case_is_masked_for_masked_readers_in_graphql_the_bundle_and_the_audit_log()
{
    let app = common::app().await;
    app.load(small_marketplace("freetext").path())
        .await
        .unwrap();
    let unmasking = app.token("ft-unmask", &[Role::Analyst], true).await;
    let masked = app.token("ft-masked", &[Role::Analyst], false).await;
    let auditor = app.token("ft-auditor", &[Role::Auditor], false).await;
    // Raw values as people type them: a-buyer's name, phone and device, and generic patterns.
    let raw = [
        "Li Wei",
        "13800000001",
        "138-0000-0001",
        "dev:1",
        "117.145.64.208",
        "2001:db8::8a2e:370:7334",
        "li.wei@example.com",
        "4111 1111 1111 1111",
    ];
    let title = "Li Wei 13800000001 at 117.145.64.208";
    let note = "Called Li Wei on +86 138-0000-0001 (phone:13800000001), device dev:1, IP 117.145.64.208 and 2001:db8::8a2e:370:7334, li.wei@example.com, card 4111 1111 1111 1111";
    let opened = app
        .gql_as(
            &unmasking,
            "mutation($t: String!, $a: String) { openCase(title: $t, item: {kind: ACCOUNT, id: \"a-buyer\"}, assignee: $a) { id title } }",
            json!({"t": title, "a": "Li Wei"}),
        )
        .await;
    assert!(opened.get("errors").is_none(), "{opened}");
    let id = opened["data"]["openCase"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (q, v) in [
        (
            "mutation($c: String!, $t: String!) { addCaseNote(caseId: $c, text: $t) { id } }",
            json!({"c": id, "t": note}),
        ),
        (
            "mutation($c: String!, $r: String) { setCaseStatus(caseId: $c, status: DISMISSED, reason: $r) { id } }",
            json!({"c": id, "r": format!("not fraud: {note}")}),
        ),
    ] {
        let r = app.gql_as(&unmasking, q, v).await;
        assert!(r.get("errors").is_none(), "{r}");
    }
    let leaks = |what: &str, text: &str| {
        for v in raw {
            assert!(!text.contains(v), "{v} leaks into {what}: {text}");
        }
    };
    let read = app
        .gql_as(
            &masked,
            "query($c: String!) { case(id: $c) { title dismissReason assignee notes { edges { node { text } } } history { detail } } cases(first: 5) { edges { node { title } } } }",
            json!({"c": id}),
        )
        .await;
    assert!(read.get("errors").is_none(), "{read}");
    leaks("the masked read", &read.to_string());
    assert!(
        read.to_string().contains("L****i"),
        "masked like the rest of the API: {read}"
    );

    let r = app
        .client()
        .get(format!("{}/export/case/{id}", app.base))
        .bearer_auth(&masked)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    for (name, data) in investigator::export::tar::entries(&bytes) {
        leaks(&name, &String::from_utf8_lossy(&data));
    }
    let files: std::collections::BTreeMap<String, Vec<u8>> =
        investigator::export::tar::entries(&bytes)
            .into_iter()
            .collect();
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(
        manifest["personalDataMasked"], false,
        "free text cannot promise it: {manifest}"
    );
    assert!(manifest["freeTextMasking"].is_string(), "{manifest}");

    let audited = app
        .gql_as(
            &auditor,
            "{ auditLog(actor: \"ft-unmask\", first: 10) { edges { node { operation variables } } } }",
            json!({}),
        )
        .await;
    assert!(audited.get("errors").is_none(), "{audited}");
    assert!(audited.to_string().contains("not fraud"), "{audited}");
    leaks("the audit log", &audited.to_string());

    // The writer may unmask: it reads what it wrote.
    let own = app
        .gql_as(
            &unmasking,
            "query($c: String!) { case(id: $c) { title } }",
            json!({"c": id}),
        )
        .await;
    assert_eq!(own["data"]["case"]["title"], title);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn names_in_marketplace_text_are_masked_whoever_they_belong_to() {
    let app = common::app().await;
    let d = small_marketplace("names");
    d.add(
        "accounts",
        &[json!({"id":"a-cn","role":"buyer","name":"胡雅琪"})],
    )
    .add(
        "messages",
        &[json!({"id":"m-names","fromId":"a-buyer","toId":"a-seller","sentAt":common::t(7,7),"channel":"im","text":"Wang Fang和胡雅琪 will post more, ask Zhang Wei"})],
    );
    app.load(d.path()).await.unwrap();
    let masked = app.token("nm-masked", &[Role::Analyst], false).await;
    let unmasking = app.token("nm-unmask", &[Role::Analyst], true).await;
    // Neither Wang Fang (a-buyer2) nor 胡雅琪 (a-cn) is shown anywhere else in the response.
    let q = "{ account(id: \"a-buyer\") { messages(first: 10) { edges { node { id text } } } } }";
    let text_of = |r: &Value| -> String {
        r["data"]["account"]["messages"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["id"] == "m-names")
            .map(|e| e["node"]["text"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("m-names missing: {r}"))
    };
    let shown = text_of(&app.gql_as(&masked, q, json!({})).await);
    assert!(
        !shown.contains("Wang Fang") && !shown.contains("胡雅琪"),
        "{shown}"
    );
    // masked like a name anywhere else; words that are nobody's name stay readable
    assert!(
        shown.contains("Wa*****ng") && shown.contains("胡*琪"),
        "{shown}"
    );
    assert!(shown.contains("will post more, ask Zhang Wei"), "{shown}");
    let raw = text_of(&app.gql_as(&unmasking, q, json!({})).await);
    assert_eq!(raw, "Wang Fang和胡雅琪 will post more, ask Zhang Wei");

    // The same rule in an evidence bundle: the extortion incident's evidence holds the
    // message as the contact.
    investigator::detect::run(&app.graph, &investigator::detect::Detector::ALL, "test")
        .await
        .unwrap();
    let listed = app
        .gql_as(
            &masked,
            "{ extortionIncidents(minConfidence: 0) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let id = listed["data"]["extortionIncidents"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an incident: {listed}"))
        .to_string();
    let bundle = |token: String| {
        let (app, id) = (&app, &id);
        async move {
            let r = app
                .client()
                .get(format!("{}/export/incident/{id}", app.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let bytes = r.bytes().await.unwrap();
            investigator::export::tar::entries(&bytes)
                .into_iter()
                .map(|(_, data)| String::from_utf8_lossy(&data).to_string())
                .collect::<String>()
        }
    };
    let all = bundle(unmasking.clone()).await;
    assert!(
        all.contains("Wang Fang和胡雅琪"),
        "the bundle holds the message"
    );
    let all = bundle(masked.clone()).await;
    assert!(
        all.contains("will post more"),
        "the bundle holds the message"
    );
    assert!(!all.contains("Wang Fang") && !all.contains("胡雅琪"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_masked_analyst_cannot_test_a_guess_through_its_own_case_text() {
    let app = common::app().await;
    app.load(small_marketplace("own-text").path())
        .await
        .unwrap();
    let analyst = app.token("ot-analyst", &[Role::Analyst], false).await;
    let other = app.token("ot-other", &[Role::Analyst], false).await;
    // The case is about a-buyer, so its name is a subject the free-text rule masks.
    let open = "mutation($g: String!) { openCase(title: $g, item: {kind: ACCOUNT, id: \"a-buyer\"}, assignee: $g) { id } }";
    let read = "query($c: String!) { case(id: $c) { title dismissReason assignee notes { edges { node { text } } } } }";
    for (right, wrong) in GUESSES {
        let mut answers = Vec::new();
        for guess in [right, wrong] {
            let opened = app.gql_as(&analyst, open, json!({"g": guess})).await;
            let id = opened["data"]["openCase"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{opened}"))
                .to_string();
            for (q, v) in [
                (
                    "mutation($c: String!, $t: String!) { addCaseNote(caseId: $c, text: $t) { id } }",
                    json!({"c": id, "t": format!("note {guess}")}),
                ),
                (
                    "mutation($c: String!, $t: String) { setCaseStatus(caseId: $c, status: DISMISSED, reason: $t) { id } }",
                    json!({"c": id, "t": format!("reason {guess}")}),
                ),
            ] {
                let r = app.gql_as(&analyst, q, v).await;
                assert!(r.get("errors").is_none(), "{r}");
            }
            let own = app.gql_as(&analyst, read, json!({"c": id})).await;
            let bundle = app
                .client()
                .get(format!("{}/export/case/{id}", app.base))
                .bearer_auth(&analyst)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let files: std::collections::BTreeMap<String, Vec<u8>> =
                investigator::export::tar::entries(&bundle)
                    .into_iter()
                    .collect();
            let case: Value = serde_json::from_slice(&files["case.json"]).unwrap();
            let texts = json!([
                case["title"],
                case["dismissReason"],
                case["assignee"],
                case["notes"][0]["text"]
            ]);
            // the guess as typed, or masked by pattern (a function of the guess alone)
            let stored = investigator::api::guard::mask_patterns(guess);
            answers.push(
                [own.to_string(), texts.to_string()]
                    .map(|a| a.replace(&stored, "?").replace(guess, "?")),
            );
            // another masked analyst gets the whole rule: the subject's name is masked
            if guess == "Li Wei" {
                let theirs = app.gql_as(&other, read, json!({"c": id})).await;
                assert!(!theirs.to_string().contains("Li Wei"), "{theirs}");
            }
        }
        assert_eq!(
            answers[0], answers[1],
            "the answer depends on whether {right:?} is right"
        );
    }
    app.stop().await;
}
