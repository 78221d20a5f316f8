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
    let mut lines = Vec::new();
    let filter = rings::RingFilter {
        min_score: 0.0,
        ..Default::default()
    };
    let mut skip = 0;
    loop {
        let page = rings::list(&graph, &filter, Slice { skip, limit: PAGE }).await?;
        for r in &page {
            lines.push(format!("ring {:?}", r.finding));
        }
        if (page.len() as i64) < PAGE {
            break;
        }
        skip += PAGE;
    }
    let filter = extortion::IncidentFilter {
        min_confidence: 0.0,
        ..Default::default()
    };
    skip = 0;
    loop {
        let page = extortion::list(&graph, &filter, Slice { skip, limit: PAGE }).await?;
        for i in &page {
            lines.push(format!("incident {:?}", i.finding));
        }
        if (page.len() as i64) < PAGE {
            break;
        }
        skip += PAGE;
    }
    skip = 0;
    loop {
        let page = insider::list(&graph, 0.0, Slice { skip, limit: PAGE }).await?;
        for s in &page {
            lines.push(format!("insider {:?}", s.finding));
        }
        if (page.len() as i64) < PAGE {
            break;
        }
        skip += PAGE;
    }
    lines.sort();
    for l in lines {
        println!("{l}");
    }
    Ok(())
}
