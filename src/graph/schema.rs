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
    if applied > 0 {
        graph
            .run(&queries::ADMIN_AWAIT_INDEXES, Params::new())
            .await?;
    }
    tracing::info!(statements = statements.len(), applied, "schema in place");
    Ok(applied)
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
