//! The audit log as evidence: an entry says what the server ran (not what the client called
//! it), the document with its inline arguments, every id returned however it was aliased, and
//! which token (not just which name) asked; token names are unique among live tokens; the
//! CLI's token commands are audited; `audit verify` accepts entries written before all that.

use crate::common::{self, cli, small_marketplace};
use investigator::access::{sha256_hex, tokens, Role};
use investigator::graph::{Cypher, Params};
use serde_json::{json, Value};

const ENTRY: &str = "seq actor tokenId operation clientOperationName document documentSha256 variables entities outcome unmasked";

/// Every entry (newest first), read by a fresh auditor.
async fn entries(app: &common::TestApp) -> Vec<Value> {
    let auditor = app
        .token(&common::unique("at-auditor"), &[Role::Auditor], false)
        .await;
    let q = format!("{{ auditLog(first: 100) {{ edges {{ node {{ {ENTRY} }} }} }} }}");
    let d = app.gql_as(&auditor, &q, json!({})).await;
    assert!(d.get("errors").is_none(), "{d}");
    common::nodes(&d["data"], "auditLog")
}

async fn entries_of(app: &common::TestApp, actor: &str) -> Vec<Value> {
    let all = entries(app).await;
    all.into_iter().filter(|e| e["actor"] == actor).collect()
}

async fn token_id(app: &common::TestApp, name: &str) -> String {
    let live: Vec<_> = tokens::list(&app.graph)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.name == name && t.revoked_at.is_none())
        .collect();
    assert_eq!(live.len(), 1, "{live:?}");
    live[0].id.clone()
}

fn ids(entry: &Value) -> Vec<String> {
    let e: Value = serde_json::from_str(entry["entities"].as_str().unwrap()).unwrap();
    serde_json::from_value(e["ids"].clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_aliased_misnamed_read_is_recorded_by_its_real_root_field_and_account_id() {
    let app = common::app().await;
    app.load(small_marketplace("audit-alias").path())
        .await
        .unwrap();
    let name = common::unique("at-unmask");
    let unmasking = app.token(&name, &[Role::Analyst], true).await;
    let query = r#"query stats { s: account(id: "a-buyer") { i: id name identifiers { value } ...More } }
fragment More on Account { ... on Account { again: id } }"#;
    let body = app.gql_as(&unmasking, query, json!({})).await;
    assert_eq!(body["data"]["s"]["i"], "a-buyer", "{body}");

    let e = entries_of(&app, &name).await;
    assert_eq!(e.len(), 1, "{e:#?}");
    let e = &e[0];
    assert_eq!(
        e["operation"], "query account",
        "the server's account, not the client's"
    );
    assert_eq!(e["clientOperationName"], "stats");
    assert_eq!(e["tokenId"], token_id(&app, &name).await);
    assert_eq!(ids(e), vec!["a-buyer".to_string()], "{e}");
    assert_eq!(e["unmasked"], true);
    // The document as sent (an unmasking caller's, so unmasked), with its hash.
    assert_eq!(e["document"], query);
    assert_eq!(e["documentSha256"], sha256_hex(query.as_bytes()));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn inline_arguments_are_recorded_and_masked_like_variables() {
    let app = common::app().await;
    app.load(small_marketplace("audit-inline").path())
        .await
        .unwrap();
    let name = common::unique("at-masked");
    let masked = app.token(&name, &[Role::Analyst], false).await;
    // A case that does not exist returns no id: only the document says what was asked for.
    app.gql_as(&masked, r#"{ case(id: "case-0042") { title } }"#, json!({}))
        .await;
    // An identifier key inline is personal data: recorded as the caller would see it.
    app.gql_as(
        &masked,
        r#"query { n: rings(memberId: "phone:13800138000", first: 1) { edges { node { id } } } }"#,
        json!({}),
    )
    .await;
    let e = entries_of(&app, &name).await;
    assert_eq!(e.len(), 2, "{e:#?}");
    let (rings, case) = (&e[0], &e[1]);
    assert_eq!(case["operation"], "query case");
    assert!(
        case["document"].as_str().unwrap().contains("case-0042"),
        "{case}"
    );
    assert_eq!(rings["operation"], "query rings");
    let doc = rings["document"].as_str().unwrap();
    assert!(!doc.contains("13800138000"), "{doc}");
    // caller input is masked by the data-independent patterns, never keyed (no oracle)
    assert!(doc.contains("phone:") && !doc.contains("phone:~"), "{doc}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_token_name_cannot_be_taken_twice_and_cli_token_commands_are_audited() {
    let app = common::app().await;
    // letters only: a run of 7+ digits reads as a phone number, which free-text masking hides
    // from the (masked) auditor this test reads the log as
    let name: String = common::unique("at-a1")
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => (b'a' + d as u8) as char,
            None => c,
        })
        .collect();
    let create = |extra: &[&str]| {
        let mut args = vec!["token", "create", "--name", name.as_str(), "--roles"];
        args.extend_from_slice(extra);
        cli(&app, &args)
    };
    let first = create(&["analyst"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first_id = token_id(&app, &name).await;
    let twin = create(&["admin", "--unmask"]);
    assert!(!twin.status.success(), "a second live {name} is refused");
    let msg = String::from_utf8_lossy(&twin.stderr);
    assert!(msg.contains("already named"), "{msg}");
    assert_eq!(token_id(&app, &name).await, first_id, "nothing was created");
    // --replace revokes the old token and takes the name.
    let replaced = create(&["analyst", "--replace"]);
    assert!(replaced.status.success());
    let second_id = token_id(&app, &name).await;
    assert_ne!(second_id, first_id);
    let revoked = cli(&app, &["token", "revoke", &name]);
    assert!(revoked.status.success());

    let log: Vec<Value> = entries(&app)
        .await
        .into_iter()
        .filter(|e| {
            e["operation"].as_str().unwrap().starts_with("cli: token")
                && e["variables"].as_str().unwrap().contains(&name)
        })
        .collect();
    let summary: Vec<(&str, &str, Vec<String>)> = log
        .iter()
        .rev()
        .map(|e| {
            assert!(e["actor"].as_str().unwrap().starts_with("cli:"), "{e}");
            assert_eq!(e["tokenId"], "cli");
            (
                e["operation"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
                ids(e),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("cli: token create", "ok", vec![first_id.clone()]),
            ("cli: token create", "error:CONFLICT", vec![]),
            ("cli: token create", "ok", vec![second_id.clone(), first_id]),
            ("cli: token revoke", "ok", vec![second_id]),
        ]
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_accepts_entries_written_before_token_ids_and_documents() {
    let app = common::app().await;
    let run = |text: &'static str, params: Params| {
        let graph = app.graph.clone();
        async move {
            graph
                .run(
                    &Cypher {
                        name: "test_audit",
                        text,
                    },
                    params,
                )
                .await
                .unwrap()
        }
    };
    // A chain that starts with an entry as the previous version wrote it.
    run("MATCH (a:AuditEntry) DETACH DELETE a", Params::new()).await;
    run("MATCH (h:AuditHead) DETACH DELETE h", Params::new()).await;
    let v1 = json!([
        "",
        1,
        1000,
        "old",
        "r-1",
        "Look",
        "{}",
        "{\"ids\":[],\"total\":0}",
        5,
        "ok",
        false
    ]);
    let hash = sha256_hex(v1.to_string().as_bytes());
    run(
        "CREATE (:AuditEntry {seq: 1, at: 1000, actor: 'old', requestId: 'r-1', operation: 'Look', variables: '{}', entities: '{\"ids\":[],\"total\":0}', durationMs: 5, outcome: 'ok', unmasked: false, prevHash: '', hash: $hash}) CREATE (:AuditHead {id: 'audit', seq: 1, hash: $hash})",
        Params::new().with("hash", hash.as_str()),
    )
    .await;
    for _ in 0..3 {
        app.gql("query Q { s: stats { accounts } }", json!({}))
            .await;
    }
    let ok = cli(&app, &["audit", "verify"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact: 4 entries"));
    let e = entries(&app).await;
    assert_eq!(e.last().unwrap()["tokenId"], "", "the old entry has none");
    assert_eq!(e[1]["operation"], "query stats");
    assert!(e[1]["tokenId"].as_str().unwrap().starts_with("tok-"));
    // Stripping a new entry's token id is an edit.
    run(
        "MATCH (a:AuditEntry {seq: 2}) SET a.tokenId = ''",
        Params::new(),
    )
    .await;
    let bad = cli(&app, &["audit", "verify"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("entry 2"));
    // Leave a clean log for the tests that follow.
    run("MATCH (a:AuditEntry) DETACH DELETE a", Params::new()).await;
    run("MATCH (h:AuditHead) DETACH DELETE h", Params::new()).await;
    app.stop().await;
}
