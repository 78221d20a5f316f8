//! Soak-and-fault client (driven by `tools/bench/soak`): N concurrent clients for M seconds
//! against a running investigator, mixing account lookups (each checks it got the account it
//! asked for), lineage traces, ring pages and over-limit documents; optionally runs a command
//! halfway (the script restarts Neo4j). Reports requests served, errors by code, p50/p99
//! latency per kind, and any response that held another request's data.
//!
//!   cargo run --release --example soak -- --url http://127.0.0.1:8099 --token inv_… \
//!       --clients 16 --seconds 120 --accounts a0,a1,… [--midway "tools/neo4j/neo4j-dev restart"]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    /// kind → latencies (ms) of answered requests.
    latencies: BTreeMap<&'static str, Vec<f64>>,
    /// kind → error code → count.
    codes: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// error code → latencies (ms): how fast each kind of failure is reported.
    error_latencies: BTreeMap<String, Vec<f64>>,
    mismatches: u64,
    mismatch_samples: Vec<String>,
    transport_errors: u64,
}

struct Args {
    url: String,
    token: String,
    clients: usize,
    seconds: u64,
    accounts: Vec<String>,
    midway: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:8099".into(),
        token: String::new(),
        clients: 16,
        seconds: 60,
        accounts: Vec::new(),
        midway: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().expect("flag needs a value");
        match flag.as_str() {
            "--url" => a.url = value(),
            "--token" => a.token = value(),
            "--clients" => a.clients = value().parse().expect("--clients N"),
            "--seconds" => a.seconds = value().parse().expect("--seconds N"),
            "--accounts" => a.accounts = value().split(',').map(String::from).collect(),
            "--midway" => a.midway = Some(value()),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        !a.token.is_empty() && !a.accounts.is_empty(),
        "--token and --accounts are required"
    );
    a
}

fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

const LOOKUP: &str = "query($id: String!) { account(id: $id) { id role orders(first: 10) { edges { node { id amount { amount } } } } identifiers { kind key } } }";
const LINEAGE: &str = "query($id: String!) { agentLineage(accountId: $id, maxDepth: 3) { start accounts { role account { id } } } }";
const RINGS: &str = "query($after: String) { rings(first: 5, after: $after, minScore: 0) { edges { node { id score members { account { id } } } } pageInfo { endCursor } } }";

fn over_limit() -> String {
    let mut q = String::from("id");
    for _ in 0..4 {
        q = format!("orders(first: 100) {{ edges {{ node {{ buyer {{ {q} }} }} }} }}");
    }
    format!("{{ account(id: \"x\") {{ {q} }} }}")
}

#[tokio::main]
async fn main() {
    let a = Arc::new(args());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    for worker in 0..a.clients as u64 {
        let (a, tally, client) = (Arc::clone(&a), Arc::clone(&tally), client.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = 0x2545_F491_4F6C_DD1D ^ (worker + 1);
            while Instant::now() < deadline {
                let id = a.accounts[next(&mut rng) as usize % a.accounts.len()].clone();
                let (kind, body): (&'static str, Value) = match next(&mut rng) % 10 {
                    0..=5 => ("lookup", json!({"query": LOOKUP, "variables": {"id": id}})),
                    6 | 7 => (
                        "lineage",
                        json!({"query": LINEAGE, "variables": {"id": id}}),
                    ),
                    8 => (
                        "rings",
                        json!({"query": RINGS, "variables": {"after": null}}),
                    ),
                    _ => ("over_limit", json!({"query": over_limit()})),
                };
                let started = Instant::now();
                let resp = client
                    .post(format!("{}/graphql", a.url))
                    .bearer_auth(&a.token)
                    .json(&body)
                    .send()
                    .await;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                let body: Value = match resp {
                    Ok(r) => r.json().await.unwrap_or(Value::Null),
                    Err(_) => {
                        tally.lock().unwrap().transport_errors += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let mut t = tally.lock().unwrap();
                if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
                    *t.codes
                        .entry(kind)
                        .or_default()
                        .entry(code.to_string())
                        .or_default() += 1;
                    t.error_latencies
                        .entry(code.to_string())
                        .or_default()
                        .push(ms);
                    continue;
                }
                let wrong = match kind {
                    "lookup" => body["data"]["account"]["id"] != json!(id),
                    "lineage" => body["data"]["agentLineage"]["start"] != json!(id),
                    _ => false,
                };
                if wrong {
                    t.mismatches += 1;
                    if t.mismatch_samples.len() < 5 {
                        t.mismatch_samples
                            .push(format!("asked for {id}, got {body}"));
                    }
                }
                t.latencies.entry(kind).or_default().push(ms);
            }
        }));
    }
    if let Some(cmd) = &a.midway {
        tokio::time::sleep(Duration::from_secs(a.seconds / 2)).await;
        let started = Instant::now();
        let status = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .status()
            .await;
        println!(
            "midway: `{cmd}` -> {:?} in {:.1} s",
            status.map(|s| s.code()),
            started.elapsed().as_secs_f64()
        );
    }
    for t in tasks {
        t.await.unwrap();
    }
    let t = tally.lock().unwrap();
    let pct = |v: &[f64], p: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        let mut s = v.to_vec();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        s[((s.len() as f64 - 1.0) * p).round() as usize]
    };
    let served: usize = t.latencies.values().map(Vec::len).sum();
    let errors: u64 = t.codes.values().flat_map(|c| c.values()).sum();
    println!(
        "served {served} answers and {errors} coded errors in {} s with {} clients ({:.0} req/s); transport errors {}",
        a.seconds,
        a.clients,
        (served as f64 + errors as f64) / a.seconds as f64,
        t.transport_errors
    );
    for (kind, v) in &t.latencies {
        println!(
            "  {kind:<10} answered {:>6}  p50 {:>7.1} ms  p99 {:>7.1} ms",
            v.len(),
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
    for (kind, codes) in &t.codes {
        println!("  {kind:<10} errors {codes:?}");
    }
    for (code, v) in &t.error_latencies {
        println!(
            "  {code:<18} reported in p50 {:>7.1} ms  p99 {:>7.1} ms",
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
    println!(
        "mismatched responses (another request's data): {}",
        t.mismatches
    );
    for s in &t.mismatch_samples {
        println!("  {s}");
    }
    if t.mismatches > 0 {
        std::process::exit(1);
    }
}
