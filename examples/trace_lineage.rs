//! Prints the lineage of one account or review as text, without the API (for checking a
//! trace by hand): `NEO4J_URI=… cargo run --example trace_lineage -- <account-id> [depth]`
//! or `… -- --review <review-id> [depth]`.

use investigator::config::Config;
use investigator::detect::lineage::{trace, LineageParams, LineageStart};
use investigator::graph::Graph;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (start, rest) = match args.first().map(String::as_str) {
        Some("--review") => (
            LineageStart::Review(args.get(1).cloned().expect("review id")),
            &args[2..],
        ),
        Some(a) => (LineageStart::Account(a.to_string()), &args[1..]),
        None => anyhow::bail!("usage: trace_lineage <account-id>|--review <review-id> [depth]"),
    };
    let mut params = LineageParams::default();
    if let Some(d) = rest.first() {
        params.max_depth = d.parse()?;
    }
    let config = Config::load(None)?;
    let graph = Graph::connect(&config.neo4j).await?;
    let Some(l) = trace(&graph, &start, &params).await? else {
        anyhow::bail!("no such start");
    };
    println!("start {} (depth {})", l.start, params.max_depth);
    for a in &l.accounts {
        let role = a.role.map_or("-", |r| r.as_str());
        println!("  {:<13} {:<16} depth {}", role, a.id, a.depth);
        for r in &a.reasons {
            println!("      {r}");
        }
    }
    println!("victim shops: {}", l.victim_shops.join(", "));
    for r in &l.evidence.reasons {
        println!("  · {r}");
    }
    Ok(())
}
