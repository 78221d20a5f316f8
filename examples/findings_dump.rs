//! Prints every stored finding of the current detection run, one line each, in a canonical
//! order and without run ids: diff or hash two dumps to prove a change left findings alone.
//! `NEO4J_URI=… cargo run --release --example findings_dump > findings.txt`

use investigator::config::Config;
use investigator::detect::{extortion, insider, rings};
use investigator::graph::read::Slice;
use investigator::graph::Graph;

const PAGE: i64 = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::load(None)?;
    let graph = Graph::connect(&config.neo4j).await?;
    let g = &graph;
    let rings_filter = rings::RingFilter {
        min_score: 0.0,
        ..Default::default()
    };
    let incident_filter = extortion::IncidentFilter {
        min_confidence: 0.0,
        ..Default::default()
    };
    let mut lines = Vec::new();
    for r in every_page(|s| rings::list(g, &rings_filter, s)).await? {
        lines.push(format!("ring {:?}", r.finding));
    }
    for i in every_page(|s| extortion::list(g, &incident_filter, s)).await? {
        lines.push(format!("incident {:?}", i.finding));
    }
    for x in every_page(|s| insider::list(g, 0.0, s)).await? {
        lines.push(format!("insider {:?}", x.finding));
    }
    lines.sort();
    for l in lines {
        println!("{l}");
    }
    Ok(())
}

/// Every item of a paged list, PAGE at a time.
async fn every_page<T, E, F, Fut>(mut page: F) -> anyhow::Result<Vec<T>>
where
    F: FnMut(Slice) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, E>>,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut all = Vec::new();
    let mut skip = 0;
    loop {
        let items = page(Slice { skip, limit: PAGE }).await?;
        let last = (items.len() as i64) < PAGE;
        all.extend(items);
        if last {
            return Ok(all);
        }
        skip += PAGE;
    }
}
