//! Applies `schema/neo4j/*.cypher` (constraints, indexes, then drops of retired indexes).
//! Every statement uses `IF [NOT] EXISTS`, so applying is idempotent and safe at every start-up.

use super::{queries, Cypher, Graph, GraphError, Params};
use futures::{StreamExt, TryStreamExt};

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
    (
        "006_account_names",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/neo4j/006_account_names.cypher"
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

/// Constraints built at once over existing data: two, one per core of the smallest machine
/// we run on; more only queue behind each other.
const CONCURRENT_CONSTRAINTS: usize = 2;

fn is_constraint(statement: &str) -> bool {
    head(statement)
        .is_some_and(|(create, object, _)| create && object.eq_ignore_ascii_case("CONSTRAINT"))
}

/// The object a DDL statement creates or drops, and which of the two it does:
/// `CREATE CONSTRAINT <name> …`, `CREATE INDEX <name> …`, `DROP INDEX <name> …`.
fn target(statement: &str) -> Option<(bool, &str)> {
    head(statement).map(|(create, _, name)| (create, name))
}

/// (creates, CONSTRAINT | INDEX, name) of a DDL statement.
fn head(statement: &str) -> Option<(bool, &str, &str)> {
    let mut words = statement.split_whitespace();
    let create = match words.next()? {
        w if w.eq_ignore_ascii_case("CREATE") => true,
        w if w.eq_ignore_ascii_case("DROP") => false,
        _ => return None,
    };
    Some((create, words.next()?, words.next()?))
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
    let pending: Vec<Cypher> = statements
        .iter()
        .filter(|(_, statement)| match target(statement) {
            Some((create, name)) => present.contains(name) != create,
            None => true,
        })
        .map(|(file, statement)| Cypher {
            name: file,
            text: statement,
        })
        .collect();
    // Index statements return at once (their population runs in the background); a
    // constraint returns once its index is built and checked over the existing nodes, each
    // on one thread. So indexes first, then constraints two at a time: after a bulk load of
    // 1M accounts the nine data constraints took 22 s one after another, 13.5 s two at a time.
    let (constraints, others): (Vec<_>, Vec<_>) =
        pending.iter().partition(|q| is_constraint(q.text));
    for q in &others {
        graph.run(q, Params::new()).await?;
    }
    futures::stream::iter(&constraints)
        .map(|q| graph.run(q, Params::new()))
        .buffer_unordered(CONCURRENT_CONSTRAINTS)
        .try_collect::<Vec<_>>()
        .await?;
    let applied = pending.len();
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

    #[test]
    fn constraints_are_told_from_indexes_and_drops() {
        let kinds: Vec<bool> = statements().iter().map(|(_, s)| is_constraint(s)).collect();
        assert!(
            kinds.iter().filter(|&&c| c).count() >= 9,
            "the data constraints"
        );
        assert!(kinds.iter().any(|&c| !c), "indexes and drops");
        assert!(is_constraint(
            "create  constraint x IF NOT EXISTS FOR (n:A) REQUIRE n.id IS UNIQUE"
        ));
        assert!(!is_constraint(
            "CREATE INDEX x IF NOT EXISTS FOR (n:A) ON (n.at)"
        ));
        assert!(!is_constraint("DROP CONSTRAINT x IF EXISTS"));
    }
}
