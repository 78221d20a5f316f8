//! No request may ever read another request's data (issue 9; neo4rs issue 295): exchanges cut
//! short at random points — dropped futures, server-side time limits, clients that hang up —
//! must never leave a half-read connection in the pool for the next lookup to read.

use crate::common::{self, Dataset};
use investigator::graph::read::Reader;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const ACCOUNTS: usize = 300;

fn accounts_dataset() -> Dataset {
    let d = Dataset::new("pool");
    let accounts: Vec<Value> = (0..ACCOUNTS)
        .map(
            |i| json!({"id": format!("acc-{i:04}"), "role": "buyer", "name": format!("Buyer {i}")}),
        )
        .collect();
    d.add("accounts", &accounts);
    d
}

/// A cheap deterministic sequence (no extra crate): xorshift.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    mismatched: AtomicU64,
    cancelled: AtomicU64,
    timed_out: AtomicU64,
    other_errors: AtomicU64,
    /// The first few unexpected outcomes, for the assertion message.
    samples: std::sync::Mutex<Vec<String>>,
}

impl Tally {
    fn get(&self, c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    fn unexpected(&self, counter: &AtomicU64, what: String) {
        counter.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.samples.lock().unwrap();
        if samples.len() < 5 {
            samples.push(what);
        }
    }

    fn samples(&self) -> Vec<String> {
        self.samples.lock().unwrap().clone()
    }
}

/// Lookups through the graph layer while a third of them are dropped after a random few
/// hundred microseconds (mid-RUN, mid-PULL, mid-record), and some run under a 1 ms
/// server-side limit. Every completed lookup must return the account it asked for.
#[tokio::test]
async fn cancelled_and_timed_out_reads_never_leak_rows_into_other_reads() {
    let app = common::app().await;
    app.load(accounts_dataset().path()).await.expect("load");
    let tally = Arc::new(Tally::default());
    let mut tasks = Vec::new();
    for worker in 0..16u64 {
        let graph = app.graph.clone();
        let tally = Arc::clone(&tally);
        tasks.push(tokio::spawn(async move {
            let normal = Reader::new(graph.clone(), Duration::from_secs(10));
            let strict = Reader::new(graph, Duration::from_millis(1));
            let mut rng = 0x9E37_79B9_7F4A_7C15 ^ (worker + 1);
            for _ in 0..200 {
                let id = format!("acc-{:04}", next(&mut rng) % ACCOUNTS as u64);
                let roll = next(&mut rng) % 6;
                let reader = if roll == 5 { &strict } else { &normal };
                let lookup = reader.account(&id);
                let result = if roll < 2 {
                    let cut = Duration::from_micros(50 + next(&mut rng) % 1500);
                    match tokio::time::timeout(cut, lookup).await {
                        Ok(r) => r,
                        Err(_) => {
                            tally.cancelled.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                    }
                } else {
                    lookup.await
                };
                match result {
                    Ok(Some(a)) if a.id == id => {
                        tally.ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(other) => tally.unexpected(
                        &tally.mismatched,
                        format!("asked for {id}, got {:?}", other.map(|a| a.id)),
                    ),
                    Err(
                        investigator::graph::GraphError::Timeout { .. }
                        | investigator::graph::GraphError::Overloaded { .. },
                    ) => {
                        tally.timed_out.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => tally.unexpected(&tally.other_errors, format!("{id}: {e}")),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let t = &tally;
    assert!(
        t.get(&t.cancelled) > 100,
        "the test must cut exchanges short"
    );
    assert_eq!(
        t.get(&t.mismatched),
        0,
        "a lookup returned another's row: {:?}",
        t.samples()
    );
    assert_eq!(
        t.get(&t.other_errors),
        0,
        "lookups failed other than by timeout: {:?}",
        t.samples()
    );
    // Afterwards the pool is healthy: every lookup answers, and answers right.
    let reader = Reader::new(app.graph.clone(), Duration::from_secs(10));
    for i in 0..ACCOUNTS {
        let id = format!("acc-{i:04}");
        let a = reader.account(&id).await.expect("lookup after the storm");
        assert_eq!(a.map(|a| a.id), Some(id));
    }
    app.stop().await;
}

/// The same over HTTP: clients that hang up after a millisecond or two, requests whose
/// statements hit a tiny server-side limit, and thousands of lookups that each check they got
/// the account they named. No `INTERNAL`, no mismatch.
#[tokio::test]
async fn http_lookups_stay_correct_while_other_requests_time_out_or_hang_up() {
    let mut config = common::test_config();
    config.api.query_timeout_ms = 40;
    let app = common::app_with(config).await;
    app.load(accounts_dataset().path()).await.expect("load");
    // Plans for the loaded graph, as readiness makes them, before 40 ms budgets apply: this
    // test is about connections, not about planning within 40 ms.
    Reader::new(app.graph.clone(), Duration::from_secs(60))
        .plan_lookups()
        .await
        .expect("plan the lookups");
    let tally = Arc::new(Tally::default());
    let codes = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<
        String,
        u64,
    >::new()));
    let mut tasks = Vec::new();
    for worker in 0..12u64 {
        let base = app.base.clone();
        let token = app.token.clone();
        let tally = Arc::clone(&tally);
        let codes = Arc::clone(&codes);
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut rng = 0xD1B5_4A32_D192_ED03 ^ (worker + 1);
            for _ in 0..170 {
                let id = format!("acc-{:04}", next(&mut rng) % ACCOUNTS as u64);
                let hang_up = next(&mut rng) % 3 == 0;
                let mut req = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "query": "query($id: String!) { account(id: $id) { id name orders(first: 5) { edges { node { id } } } } }",
                        "variables": {"id": id}
                    }));
                if hang_up {
                    req = req.timeout(Duration::from_micros(500 + next(&mut rng) % 3000));
                }
                let body: Value = match req.send().await {
                    Ok(resp) => match resp.json().await {
                        Ok(b) => b,
                        Err(_) if hang_up => {
                            tally.cancelled.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        Err(e) => panic!("response is not JSON: {e}"),
                    },
                    Err(_) if hang_up => {
                        tally.cancelled.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    Err(e) => panic!("request failed: {e}"),
                };
                if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
                    *codes.lock().unwrap().entry(code.to_string()).or_default() += 1;
                    if code == "TIMEOUT" || code == "OVERLOADED" {
                        tally.timed_out.fetch_add(1, Ordering::Relaxed);
                    } else {
                        tally.unexpected(&tally.other_errors, body.to_string());
                    }
                } else if body["data"]["account"]["id"] == json!(id) {
                    tally.ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    tally.unexpected(&tally.mismatched, format!("asked for {id}, got {body}"));
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let t = &tally;
    let codes = codes.lock().unwrap().clone();
    assert!(
        t.get(&t.cancelled) > 50,
        "the test must hang up on requests"
    );
    assert_eq!(
        t.get(&t.mismatched),
        0,
        "a response held another request's data: {:?}",
        t.samples()
    );
    assert_eq!(
        t.get(&t.other_errors),
        0,
        "error codes other than TIMEOUT/OVERLOADED: {codes:?} {:?}",
        t.samples()
    );
    assert!(t.get(&t.ok) > 0, "some lookups must succeed: {codes:?}");
    app.stop().await;
}
