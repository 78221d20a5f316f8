//! Applies `schema/neo4j/*.cypher` (constraints, indexes, then drops of retired indexes).
//! Every statement uses `IF [NOT] EXISTS`, so applying is idempotent and safe at every start-up.

use super::{Cypher, Graph, GraphError, Params};

const FILES: &[(&str, &str)] = &[
    (
        "001_constraints",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/001_constraints.cypher"
        )),
    ),
    (
        "002_indexes",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/002_indexes.cypher"
        )),
    ),
    (
        "003_drop_unused_indexes",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/003_drop_unused_indexes.cypher"
        )),
    ),
];

/// Every DDL statement, in order, with the file it came from.
pub fn statements() -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .flat_map(|(file, text)| {
            super::strip_comments(text)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (*file, s.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Creates missing constraints and indexes, then waits until the indexes are online.
#[tracing::instrument(skip_all)]
pub async fn apply(graph: &Graph) -> Result<usize, GraphError> {
    let statements = statements();
    for (file, statement) in &statements {
        let q = Cypher {
            name: file,
            text: statement,
        };
        graph.run(&q, Params::new()).await?;
    }
    graph
        .run(
            &Cypher {
                name: "await_indexes",
                text: "CALL db.awaitIndexes(300)",
            },
            Params::new(),
        )
        .await?;
    tracing::info!(statements = statements.len(), "schema applied");
    Ok(statements.len())
}
