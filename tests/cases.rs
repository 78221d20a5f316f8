//! Cases and evidence bundles over HTTP against real Neo4j: opening a case from a finding,
//! attaching, notes, status and history; dismissals that survive a re-run of detection;
//! bundles that are byte-identical, hashed, complete and masked per viewer; evidence edge
//! ids and record ids; the investigation page served offline.

use crate::common;
use crate::market;

use common::{app, error_code, TestApp};
use investigator::access::Role;
use investigator::export::tar;
use market::Market;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

async fn detect(app: &TestApp) {
    app.data("mutation { detect { detector found } }", json!({}))
        .await;
}

/// A crew (`c-org`, `c-op`, `c-rec`) loaded and detected; returns its ring id.
async fn crew(app: &TestApp, name: &str) -> String {
    let m = Market::new(name);
    m.crew("c", 3, 3);
    m.buyers(&["bystander"]);
    app.load(m.data.path()).await.unwrap();
    detect(app).await;
    let d = app
        .data("{ rings { edges { node { id } } } }", json!({}))
        .await;
    d["rings"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("the crew is found")
        .to_string()
}

const CASE: &str =
    "id title status dismissReason assignee createdAt createdBy updatedAt notesCount bundleUrl
  items { kind refId summary score runId members addedBy }
  notes { edges { node { author at text } } }
  history { at by action detail }";

async fn open(app: &TestApp, kind: &str, id: &str) -> Value {
    let q = format!(
        "mutation($t: String!, $item: CaseItemInput!) {{ openCase(title: $t, item: $item) {{ {CASE} }} }}"
    );
    app.data(
        &q,
        json!({"t": "Haimen-style crew", "item": {"kind": kind, "id": id}}),
    )
    .await["openCase"]
        .clone()
}

async fn set_status(app: &TestApp, case: &str, status: &str, reason: Option<&str>) -> Value {
    let q = format!(
        "mutation($c: String!, $s: CaseStatus!, $r: String) {{ setCaseStatus(caseId: $c, status: $s, reason: $r) {{ {CASE} }} }}"
    );
    app.gql(&q, json!({"c": case, "s": status, "r": reason}))
        .await
}

async fn ring_dismissal(app: &TestApp, id: &str) -> Value {
    app.data(
        "query($id: String!) { ring(id: $id) { dismissal { caseId reason by at } } }",
        json!({"id": id}),
    )
    .await["ring"]["dismissal"]
        .clone()
}

async fn bundle(app: &TestApp, path: &str) -> Vec<u8> {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/x-tar"
    );
    r.bytes().await.unwrap().to_vec()
}

fn hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files(tar_bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    tar::entries(tar_bytes).into_iter().collect()
}

fn json_of(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Value {
    serde_json::from_slice(&files[name]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every file the manifest lists has the SHA-256 and size it states, and SHA256SUMS agrees.
fn check_hashes(files: &BTreeMap<String, Vec<u8>>) -> Value {
    let manifest = json_of(files, "manifest.json");
    let listed = manifest["files"].as_array().unwrap();
    let names: BTreeSet<&str> = listed.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let present: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "manifest.json" && *n != "SHA256SUMS")
        .collect();
    assert_eq!(names, present, "the manifest lists every file");
    for f in listed {
        let data = &files[f["name"].as_str().unwrap()];
        assert_eq!(f["sha256"], hex(data), "{}", f["name"]);
        assert_eq!(f["bytes"], data.len());
    }
    let sums = String::from_utf8(files["SHA256SUMS"].clone()).unwrap();
    for line in sums.lines() {
        let (sum, name) = line.split_once("  ").unwrap();
        assert_eq!(sum, hex(&files[name]), "SHA256SUMS: {name}");
    }
    assert_eq!(sums.lines().count(), files.len() - 1);
    manifest
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_is_opened_from_a_finding_attached_noted_and_confirmed_with_history() {
    let app = app().await;
    let ring = crew(&app, "cases-lifecycle").await;
    let c = open(&app, "RING", &ring).await;
    let id = c["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("case-"));
    assert_eq!(c["status"], "OPEN");
    assert_eq!(c["bundleUrl"], format!("/export/case/{id}"));
    assert!(!c["createdBy"].as_str().unwrap().is_empty());
    assert_eq!(c["items"][0]["kind"], "RING");
    assert_eq!(c["items"][0]["refId"], ring.as_str());
    assert_eq!(c["items"][0]["members"], json!(["c-op", "c-org", "c-rec"]));
    assert!(c["items"][0]["runId"].as_str().is_some(), "{c:#}");
    assert!(c["items"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("EXTORTION_CREW"));

    let attach = "mutation($c: String!, $item: CaseItemInput!) { attachToCase(caseId: $c, item: $item) { items { kind refId } } }";
    for _ in 0..2 {
        let d = app
            .data(
                attach,
                json!({"c": id, "item": {"kind": "ACCOUNT", "id": "c-org"}}),
            )
            .await;
        assert_eq!(
            d["attachToCase"]["items"],
            json!([{"kind": "RING", "refId": ring}, {"kind": "ACCOUNT", "refId": "c-org"}]),
            "attaching twice changes nothing"
        );
    }
    let incident = "incident-c-r0";
    app.data(
        attach,
        json!({"c": id, "item": {"kind": "INCIDENT", "id": incident}}),
    )
    .await;

    let note = app
        .data(
            "mutation($c: String!, $t: String!) { addCaseNote(caseId: $c, text: $t) { id author at text } }",
            json!({"c": id, "t": "Owner of c-shop0 confirms the 800 CNY was hush money."}),
        )
        .await;
    assert_eq!(
        note["addCaseNote"]["text"],
        "Owner of c-shop0 confirms the 800 CNY was hush money."
    );
    let body = set_status(&app, &id, "CONFIRMED", None).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let c = &body["data"]["setCaseStatus"];
    assert_eq!(c["status"], "CONFIRMED");
    assert_eq!(c["notesCount"], 1);
    let actions: Vec<&str> = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["opened", "attached", "attached", "noted", "status"]
    );
    assert!(
        c["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["by"].as_str().unwrap().is_empty()
                && e["at"].as_str().unwrap().ends_with('Z'))
    );

    let d = app
        .data(
            "mutation($c: String!) { assignCase(caseId: $c, assignee: \"lin\") { assignee } }",
            json!({"c": id}),
        )
        .await;
    assert_eq!(d["assignCase"]["assignee"], "lin");

    let list = |vars: Value| {
        let app = &app;
        async move {
            let d = app
                .data(
                    "query($s: CaseStatus, $r: String, $a: String) { cases(status: $s, refId: $r, assignee: $a) { edges { node { id } } pageInfo { hasNextPage } } }",
                    vars,
                )
                .await;
            d["cases"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(json!({"s": "CONFIRMED"})).await, vec![id.clone()]);
    assert!(list(json!({"s": "OPEN"})).await.is_empty());
    assert_eq!(list(json!({"r": ring})).await, vec![id.clone()]);
    assert_eq!(
        list(json!({"r": "c-org", "a": "lin"})).await,
        vec![id.clone()]
    );
    assert!(list(json!({"r": "c-rec"})).await.is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn case_mutations_refuse_bad_input_with_stable_codes() {
    let app = app().await;
    let ring = crew(&app, "cases-errors").await;
    let bad = app
        .gql(
            "mutation { openCase(title: \"x\", item: {kind: RING, id: \"ring-nope\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&bad), "NOT_FOUND");
    let empty = app
        .gql(
            "mutation($id: String!) { openCase(title: \"  \", item: {kind: RING, id: $id}) { id } }",
            json!({"id": ring}),
        )
        .await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
    assert_eq!(empty["errors"][0]["extensions"]["field"], "title");
    let c = open(&app, "RING", &ring).await;
    let id = c["id"].as_str().unwrap();
    let no_reason = set_status(&app, id, "DISMISSED", None).await;
    assert_eq!(error_code(&no_reason), "BAD_USER_INPUT");
    assert_eq!(no_reason["errors"][0]["extensions"]["field"], "reason");
    let stray = set_status(&app, id, "CONFIRMED", Some("why")).await;
    assert_eq!(error_code(&stray), "BAD_USER_INPUT");
    let missing = set_status(&app, "case-nope", "CONFIRMED", None).await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    let note = app
        .gql(
            "mutation { addCaseNote(caseId: \"case-nope\", text: \"x\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&note), "NOT_FOUND");
    let page = app
        .gql("{ cases(first: 1000) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(error_code(&page), "BAD_USER_INPUT");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dismissed_finding_stays_dismissed_when_detection_finds_the_same_group_again() {
    let app = app().await;
    let ring = crew(&app, "cases-dismissed").await;
    assert_eq!(ring_dismissal(&app, &ring).await, Value::Null);
    let c = open(&app, "RING", &ring).await;
    let id = c["id"].as_str().unwrap().to_string();
    app.data(
        "mutation($c: String!) { attachToCase(caseId: $c, item: {kind: INCIDENT, id: \"incident-c-r0\"}) { id } }",
        json!({"c": id}),
    )
    .await;
    let body = set_status(&app, &id, "DISMISSED", Some("a family quarrel, not a crew")).await;
    assert_eq!(
        body["data"]["setCaseStatus"]["dismissReason"],
        "a family quarrel, not a crew"
    );

    // the nightly run replaces every stored finding; the same members are found again
    detect(&app).await;
    let d = ring_dismissal(&app, &ring).await;
    assert_eq!(d["caseId"], id.as_str(), "{d:#}");
    assert_eq!(d["reason"], "a family quarrel, not a crew");
    let listed = app
        .data(
            "{ rings { edges { node { id dismissal { caseId } } } } extortionIncidents(accountId: \"c-op\") { edges { node { id dismissal { caseId } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["rings"]["edges"][0]["node"]["dismissal"]["caseId"],
        id.as_str()
    );
    let incidents = listed["extortionIncidents"]["edges"].as_array().unwrap();
    let dismissed: Vec<&str> = incidents
        .iter()
        .filter(|e| !e["node"]["dismissal"].is_null())
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(dismissed, ["incident-c-r0"], "only the attached incident");

    // reopening lifts the dismissal
    set_status(&app, &id, "OPEN", None).await;
    assert_eq!(ring_dismissal(&app, &ring).await, Value::Null);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bundles_are_byte_identical_hashed_and_complete() {
    let app = app().await;
    let ring = crew(&app, "cases-bundle").await;
    let path = format!("/export/ring/{ring}");
    let first = bundle(&app, &path).await;
    let second = bundle(&app, &path).await;
    assert!(
        first == second,
        "the same run exported twice gives the same bytes"
    );
    let f = files(&first);
    assert_eq!(
        tar::entries(&first)
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        investigator::export::file_names(false)
    );
    let manifest = check_hashes(&f);
    assert_eq!(manifest["format"], investigator::export::FORMAT);
    assert_eq!(manifest["subject"]["kind"], "ring");
    assert_eq!(manifest["subject"]["id"], ring.as_str());
    assert_eq!(manifest["program"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        manifest["detectionRuns"][0]["id"].as_str().is_some(),
        "{manifest:#}"
    );
    assert!(manifest["asOf"].as_str().unwrap().ends_with('Z'));
    assert!(!manifest["exportedBy"].as_str().unwrap().is_empty());
    assert_eq!(manifest["personalDataMasked"], false);
    assert!(manifest["query"]["graphql"]
        .as_str()
        .unwrap()
        .contains("ring(id: $id)"));
    assert_eq!(manifest["truncated"], false);

    // the bundle holds everything the API reports, with the same edge ids
    let api = app
        .data(
            "query($id: String!) { ring(id: $id) { evidence { nodesTotal edgesTotal edges { id recordId } } } }",
            json!({"id": ring}),
        )
        .await;
    let ev = json_of(&f, "evidence.json");
    assert_eq!(ev["totals"]["nodes"], api["ring"]["evidence"]["nodesTotal"]);
    assert_eq!(ev["totals"]["edges"], api["ring"]["evidence"]["edgesTotal"]);
    let api_ids: BTreeSet<&str> = api["ring"]["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let bundle_ids: BTreeSet<&str> = ev["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(api_ids, bundle_ids);
    let paid = ev["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "PAID" && e["amount"] == "800.00")
        .expect("an owner payment");
    assert!(paid["recordId"].as_str().unwrap().starts_with("c-pay"));
    assert_eq!(paid["amountMinor"], 80000);
    let org = ev["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "c-org")
        .unwrap();
    assert_eq!(org["record"]["role"], "buyer", "nodes carry their records");
    let edges_csv = String::from_utf8(f["edges.csv"].clone()).unwrap();
    assert_eq!(edges_csv.lines().count(), bundle_ids.len() + 1);
    assert!(edges_csv.starts_with("id,kind,from,to,record_id,at,amount,currency"));
    let graphml = String::from_utf8(f["graph.graphml"].clone()).unwrap();
    assert!(graphml.contains("<graphml") && graphml.contains("<node id=\"c-org\">"));
    assert_eq!(graphml.matches("<edge ").count(), bundle_ids.len());

    // a case bundle: findings as attached, notes, history; also deterministic
    let c = open(&app, "RING", &ring).await;
    let id = c["id"].as_str().unwrap();
    app.data(
        "mutation($c: String!) { addCaseNote(caseId: $c, text: \"seen\") { id } }",
        json!({"c": id}),
    )
    .await;
    let a = bundle(&app, &format!("/export/case/{id}")).await;
    detect(&app).await; // a new run does not change what the case holds
    let b = bundle(&app, &format!("/export/case/{id}")).await;
    assert!(a == b, "an unchanged case exports byte-identically");
    let cf = files(&a);
    check_hashes(&cf);
    let case = json_of(&cf, "case.json");
    assert_eq!(case["notes"][0]["text"], "seen");
    assert_eq!(case["history"].as_array().unwrap().len(), 2);
    let cev = json_of(&cf, "evidence.json");
    assert_eq!(cev["findings"][0]["id"], ring.as_str());
    assert_eq!(cev["totals"]["edges"], ev["totals"]["edges"]);

    let missing = app.get("/export/ring/ring-nope").await;
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(app.get("/export/bogus/x").await.status(), 400);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn masking_follows_the_viewer_in_the_api_and_the_bundle() {
    let app = app().await;
    let ring = crew(&app, "cases-masked").await;
    let masked = app.token("masked-analyst", &[Role::Analyst], false).await;
    let raw = ["dev-c", "addr-c"];
    let shown = app
        .gql_as(
            &masked,
            "query($id: String!) { ring(id: $id) { reasons evidence { nodes { id } edges { from to recordId } reasons } } }",
            json!({"id": ring}),
        )
        .await
        .to_string();
    assert!(shown.contains("device:"), "identifier kinds stay visible");
    for v in raw {
        assert!(
            !shown.contains(v),
            "{v} leaks through GraphQL evidence: {shown}"
        );
    }
    let get = |token: String, path: String| {
        let app = &app;
        async move {
            let r = app
                .client()
                .get(format!("{}{path}", app.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
        }
    };
    let path = format!("/export/ring/{ring}");
    let (status, b) = get(masked.clone(), path.clone()).await;
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&b);
    for v in raw {
        assert!(!text.contains(v), "{v} leaks into the bundle");
    }
    let f = files(&b);
    // Its reviews and memos are free text: masked by rule, which cannot promise every name.
    let manifest = json_of(&f, "manifest.json");
    assert_eq!(manifest["personalDataMasked"], false);
    assert!(manifest["freeTextMasking"].is_string(), "{manifest}");
    assert_eq!(json_of(&f, "manifest.json")["exportedBy"], "masked-analyst");
    check_hashes(&f);
    let (_, again) = get(masked, path.clone()).await;
    assert!(again == b, "masked bundles are deterministic too");

    // the all-roles test token may unmask
    let b = bundle(&app, &path).await;
    let text = String::from_utf8_lossy(&b);
    assert!(
        text.contains("device:dev-c"),
        "unmasked for a viewer who may see it"
    );

    // no token, no bundle; a role without Export is refused
    let anonymous = app
        .client()
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let admin = app.token("admin-only", &[Role::Admin], false).await;
    assert_eq!(get(admin, path.clone()).await.0, 403);

    // every download is in the audit log, refusals included
    let log = app
        .data(
            "{ auditLog(first: 100) { edges { node { actor operation outcome entities unmasked } } } }",
            json!({}),
        )
        .await;
    let entries: Vec<&Value> = log["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| {
            n["operation"]
                .as_str()
                .unwrap()
                .starts_with("GET /export/ring/")
        })
        .collect();
    let by = |actor: &str| -> Vec<&Value> {
        entries
            .iter()
            .copied()
            .filter(|n| n["actor"] == actor)
            .collect()
    };
    let masked_reads = by("masked-analyst");
    assert_eq!(masked_reads.len(), 2, "{entries:#?}");
    assert!(masked_reads
        .iter()
        .all(|n| n["outcome"] == "ok" && n["unmasked"] == false));
    assert!(masked_reads[0]["entities"]
        .as_str()
        .unwrap()
        .contains("sha256"));
    assert_eq!(by("test-all")[0]["unmasked"], true, "{entries:#?}");
    assert_eq!(by("admin-only")[0]["outcome"], "error:FORBIDDEN");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_edges_have_stable_ids_and_records_and_cuts_say_so() {
    let app = app().await;
    let ring = crew(&app, "cases-edges").await;
    let q = "query($id: String!, $limit: Int) { ring(id: $id) { evidence(limit: $limit) { nodes { id } edges { id from to kind recordId } nodesTotal edgesTotal truncated } } }";
    let full = app.data(q, json!({"id": ring})).await["ring"]["evidence"].clone();
    assert_eq!(full["truncated"], false);
    let edges = full["edges"].as_array().unwrap();
    assert_eq!(edges.len() as i64, full["edgesTotal"].as_i64().unwrap());
    let ids: BTreeSet<&str> = edges.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), edges.len(), "edge ids are unique");
    for e in edges {
        let kind = e["kind"].as_str().unwrap();
        if matches!(
            kind,
            "PAID" | "MESSAGED" | "WROTE" | "ABOUT" | "OWNS" | "REFERRED" | "USES" | "RETRACTED"
        ) {
            assert!(
                e["recordId"].is_string(),
                "{kind} edge without its record: {e}"
            );
        }
    }
    detect(&app).await;
    let again = app.data(q, json!({"id": ring})).await["ring"]["evidence"].clone();
    let again_ids: BTreeSet<&str> = again["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, again_ids, "edge ids are stable across runs");

    let cut = app.data(q, json!({"id": ring, "limit": 2})).await["ring"]["evidence"].clone();
    assert_eq!(cut["truncated"], true);
    assert_eq!(cut["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(cut["nodesTotal"], full["nodesTotal"]);
    let bad = app.gql(q, json!({"id": ring, "limit": -1})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn insider_evidence_holds_every_legitimate_removal() {
    let app = app().await;
    let d = crate::insider::removals("cases-insider");
    app.load(d.path()).await.unwrap();
    detect(&app).await;
    let s = app
        .data(
            "{ insiderSuspect(employeeId: \"a-emp\") { removalsLegitimate evidence { edges { kind recordId } truncated } } }",
            json!({}),
        )
        .await["insiderSuspect"]
        .clone();
    let removed = s["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "REMOVED")
        .count();
    assert_eq!(removed as i64, s["removalsLegitimate"].as_i64().unwrap());
    assert_eq!(s["evidence"]["truncated"], false);
    let b = bundle(&app, "/export/insider/a-emp").await;
    check_hashes(&files(&b));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_investigation_page_is_served_offline() {
    let app = app().await;
    let page = app.get("/investigate").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "no CDN"
    );
    for asset in [
        "app.js",
        "app.css",
        "cytoscape.min.js",
        "dagre.min.js",
        "cytoscape-dagre.js",
    ] {
        assert!(
            html.contains(&format!("/investigate/assets/{asset}")),
            "{asset}"
        );
        let r = app.get(&format!("/investigate/assets/{asset}")).await;
        assert_eq!(r.status(), 200, "{asset}");
        assert!(r.bytes().await.unwrap().len() > 1000, "{asset}");
    }
    let js = app
        .get("/investigate/assets/app.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        js.contains("Authorization: 'Bearer '"),
        "the page sends the token"
    );
    assert!(js.contains("sessionStorage"));
    assert_eq!(app.get("/investigate/assets/nope.js").await.status(), 404);
    app.stop().await;
}
