//! Applies `schema/neo4j/*.cypher` (constraints, indexes, then drops of retired indexes).
//! Every statement uses `IF [NOT] EXISTS`, so applying is idempotent and safe at every start-up.

use super::{queries, Cypher, Graph, GraphError, Params};

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
    (
        "004_cases",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/004_cases.cypher"
        )),
    ),
    (
        "005_since_indexes",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/005_since_indexes.cypher"
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

/// The object a DDL statement creates or drops, and which of the two it does:
/// `CREATE CONSTRAINT <name> …`, `CREATE INDEX <name> …`, `DROP INDEX <name> …`.
fn target(statement: &str) -> Option<(bool, &str)> {
    let mut words = statement.split_whitespace();
    let create = match words.next()? {
        w if w.eq_ignore_ascii_case("CREATE") => true,
        w if w.eq_ignore_ascii_case("DROP") => false,
        _ => return None,
    };
    words.next()?; // CONSTRAINT | INDEX
    Some((create, words.next()?))
}

/// Creates missing constraints and indexes, drops retired indexes, then waits until the
/// indexes are online. Statements already in effect are skipped: one `SHOW` round trip
/// instead of one per statement at every start-up and load. Returns the statements run.
#[tracing::instrument(skip_all)]
pub async fn apply(graph: &Graph) -> Result<usize, GraphError> {
    let applied = create(graph).await?;
    if applied > 0 {
        graph
            .run(&queries::ADMIN_AWAIT_INDEXES, Params::new())
            .await?;
    }
    Ok(applied)
}

/// [`apply`]'s statements without the wait: indexes over existing data are still being
/// populated when this returns (see [`await_online`]).
pub async fn create(graph: &Graph) -> Result<usize, GraphError> {
    let statements = statements();
    let present: std::collections::HashSet<String> = graph
        .column(
            &queries::ADMIN_SCHEMA_NAMES,
            Params::new(),
            "name",
            std::time::Duration::from_secs(30),
        )
        .await?
        .into_iter()
        .collect();
    let mut applied = 0;
    for (file, statement) in &statements {
        let in_effect = match target(statement) {
            Some((create, name)) => present.contains(name) == create,
            None => false,
        };
        if in_effect {
            continue;
        }
        let q = Cypher {
            name: file,
            text: statement,
        };
        graph.run(&q, Params::new()).await?;
        applied += 1;
    }
    tracing::info!(statements = statements.len(), applied, "schema in place");
    Ok(applied)
}

#[derive(serde::Deserialize)]
struct Populating {
    name: String,
    state: String,
    percent: f64,
}

/// Waits until every index is online, logging the population progress every few seconds
/// (a bulk load's indexes are built over millions of nodes). Fails on a FAILED index.
pub async fn await_online(graph: &Graph) -> Result<(), GraphError> {
    let started = std::time::Instant::now();
    let mut last_log = started;
    loop {
        let pending: Vec<Populating> = graph
            .rows(
                &queries::ADMIN_INDEX_POPULATION,
                Params::new(),
                std::time::Duration::from_secs(30),
            )
            .await?;
        if let Some(failed) = pending.iter().find(|p| p.state == "FAILED") {
            return Err(GraphError::Decode {
                query: queries::ADMIN_INDEX_POPULATION.name.into(),
                reason: format!("index {} failed to populate", failed.name),
            });
        }
        if pending.is_empty() {
            return Ok(());
        }
        if last_log.elapsed() >= std::time::Duration::from_secs(5) {
            last_log = std::time::Instant::now();
            let least = pending
                .iter()
                .min_by(|a, b| a.percent.total_cmp(&b.percent))
                .map(|p| format!("{} {:.0}%", p.name, p.percent));
            tracing::info!(
                populating = pending.len(),
                least = least.unwrap_or_default(),
                seconds = started.elapsed().as_secs(),
                "indexes populating"
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_names_what_it_creates_or_drops() {
        for (file, statement) in statements() {
            let (_, name) =
                target(&statement).unwrap_or_else(|| panic!("{file}: no target in {statement:?}"));
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{file}: odd name {name:?} in {statement:?}"
            );
        }
    }
}
