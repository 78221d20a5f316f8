//! Lineage latency and insider ranking benchmark (warm, p50/p95/max):
//! `NEO4J_URI=… cargo run --release --example bench_lineage -- <dataset-dir> [samples]`.
//! Starts: every `hired_agents` operative of the dataset's labels plus `samples` accounts
//! spread evenly over accounts.ndjson. One warm-up pass, then the measured pass; prints
//! p50/p95/max in milliseconds. Also times one `insider` run.

use investigator::config::Config;
use investigator::detect::lineage::{bench_lineage, LineageParams};
use investigator::eval::Labels;
use investigator::graph::Graph;
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).expect("dataset dir"));
    let samples: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let config = Config::load(None)?;
    let graph = Graph::connect(&config.neo4j).await?;
    let labels = Labels::read(&dir)?;
    let mut starts: Vec<String> = labels
        .with_role("hired_agents", "operative")
        .into_iter()
        .collect();
    let ids: Vec<String> =
        std::io::BufReader::new(std::fs::File::open(dir.join("accounts.ndjson"))?)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| {
                serde_json::from_str::<serde_json::Value>(&l)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_string))
            })
            .collect();
    let step = (ids.len() / samples.max(1)).max(1);
    starts.extend(ids.iter().step_by(step).take(samples).cloned());
    let params = LineageParams::default();
    bench_lineage(&graph, &starts, &params).await?;
    let d = bench_lineage(&graph, &starts, &params).await?;
    let mut slowest: Vec<(std::time::Duration, &String)> = d.iter().copied().zip(&starts).collect();
    slowest.sort();
    for (t, s) in slowest.iter().rev().take(5) {
        println!("slow: {s} {:.1} ms", t.as_secs_f64() * 1000.0);
    }
    let mut d = d;
    d.sort();
    let ms = |i: usize| d[i.min(d.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "lineage: {} traces, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        d.len(),
        ms(d.len() / 2),
        ms(d.len() * 95 / 100),
        ms(d.len() - 1)
    );
    let t = Instant::now();
    let runs =
        investigator::detect::run(&graph, &[investigator::detect::Detector::Insider], "bench")
            .await?;
    let found: u64 = runs.iter().map(|r| r.found).sum();
    println!(
        "insider: {found} suspects in {:.2} s (as one detection run)",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
