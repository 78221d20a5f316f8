//! Cost limits checked before a GraphQL document executes: nesting depth, a complexity budget,
//! and a cap on aliases. One small document can otherwise ask for `100^n` rows
//! (`account → orders(first: 100) → buyer → orders(first: 100) …`) and hold the database for
//! minutes; refusing it up front costs microseconds.
//!
//! The model is schema-aware (built once from the served SDL): a field's cost is 1 plus its
//! children's cost times its fan-out — its `first` argument (the variable's value, else the
//! schema default, else [`DEFAULT_FIRST`]); [`LIST_FANOUT`] for other lists; 1 otherwise.
//! The `edges` list of a `…Connection` does not multiply again (its `first` already did).
//! Introspection (`__schema`, `__type`) costs 1: it never touches the database.

use graphql_parser::query::{
    Definition, Document, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
    TypeCondition, Value,
};
use graphql_parser::schema::{self, Type};
use std::collections::HashMap;

/// `first` when neither the request nor the schema gives one (the API's default page).
pub const DEFAULT_FIRST: u64 = crate::api::paging::DEFAULT_PAGE as u64;
/// Assumed length of a list field without `first` (members, evidence nodes, identifiers).
pub const LIST_FANOUT: u64 = 10;

/// The limits a document must stay within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: u64,
    pub max_aliases: usize,
    /// The largest `first` a connection accepts (bigger values count as this).
    pub max_page: u64,
}

/// What kind of operation a document will run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

/// The measured cost of the operation a request selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub kind: OperationKind,
    pub depth: usize,
    pub complexity: u64,
    pub aliases: usize,
}

/// Which limit a document broke, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{limit} is {actual}, over the limit of {max}")]
pub struct OverLimit {
    /// `depth`, `complexity`, `aliases` or `batch`.
    pub limit: &'static str,
    pub max: u64,
    pub actual: u64,
}

/// Fields of every object and interface type: name → (element type, is list, `first` default).
pub struct CostModel {
    types: HashMap<String, HashMap<String, FieldShape>>,
    query_root: String,
    mutation_root: String,
}

#[derive(Debug, Clone)]
struct FieldShape {
    type_name: String,
    list: bool,
    /// Some when the field takes `first`: its schema default, if any.
    first: Option<Option<u64>>,
}

impl CostModel {
    /// Builds the model from the schema's SDL.
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let doc = schema::parse_schema::<String>(sdl).map_err(|e| e.to_string())?;
        let mut types = HashMap::new();
        let mut query_root = "Query".to_string();
        let mut mutation_root = "Mutation".to_string();
        for def in doc.definitions {
            match def {
                schema::Definition::SchemaDefinition(s) => {
                    if let Some(q) = s.query {
                        query_root = q;
                    }
                    if let Some(m) = s.mutation {
                        mutation_root = m;
                    }
                }
                schema::Definition::TypeDefinition(schema::TypeDefinition::Object(o)) => {
                    types.insert(o.name, shapes(o.fields));
                }
                schema::Definition::TypeDefinition(schema::TypeDefinition::Interface(i)) => {
                    types.insert(i.name, shapes(i.fields));
                }
                _ => {}
            }
        }
        Ok(CostModel {
            types,
            query_root,
            mutation_root,
        })
    }

    /// Measures the operation `operation_name` selects (or the only one). `None` when the
    /// document does not parse or names no operation it holds: execution reports that
    /// with the proper GraphQL error, at no cost.
    pub fn measure(
        &self,
        query: &str,
        operation_name: Option<&str>,
        variables: &serde_json::Value,
        limits: &Limits,
    ) -> Result<Option<Cost>, OverLimit> {
        // The parser recurses per nesting level: refuse absurd nesting before parsing.
        let nesting = brace_depth(query);
        if nesting > limits.max_depth + 2 {
            return Err(OverLimit {
                limit: "depth",
                max: limits.max_depth as u64,
                actual: nesting as u64,
            });
        }
        let Ok(doc) = graphql_parser::parse_query::<&str>(query) else {
            return Ok(None);
        };
        let Some((_, kind, selection)) = select_operation(&doc, operation_name) else {
            return Ok(None);
        };
        let root = match kind {
            OperationKind::Mutation => &self.mutation_root,
            _ => &self.query_root,
        };
        let walk = Walk {
            model: self,
            fragments: doc
                .definitions
                .iter()
                .filter_map(|d| match d {
                    Definition::Fragment(f) => Some((f.name, f)),
                    _ => None,
                })
                .collect(),
            variables,
            limits,
        };
        let mut aliases = 0;
        let mut open = Vec::new();
        let (complexity, depth) =
            walk.selection_set(selection, root, 1, &mut aliases, &mut open)?;
        let cost = Cost {
            kind,
            depth,
            complexity,
            aliases,
        };
        check(&cost, limits)?;
        Ok(Some(cost))
    }
}

fn shapes(fields: Vec<schema::Field<String>>) -> HashMap<String, FieldShape> {
    fields
        .into_iter()
        .map(|f| {
            let (type_name, list) = element(&f.field_type);
            let first = f.arguments.iter().find(|a| a.name == "first").map(|a| {
                a.default_value.as_ref().and_then(|v| match v {
                    schema::Value::Int(n) => n.as_i64().map(|n| n.max(0) as u64),
                    _ => None,
                })
            });
            (
                f.name,
                FieldShape {
                    type_name,
                    list,
                    first,
                },
            )
        })
        .collect()
}

/// The named type inside `t`, and whether a list wraps it.
fn element(t: &Type<String>) -> (String, bool) {
    match t {
        Type::NamedType(n) => (n.clone(), false),
        Type::NonNullType(inner) => element(inner),
        Type::ListType(inner) => (element(inner).0, true),
    }
}

fn check(cost: &Cost, limits: &Limits) -> Result<(), OverLimit> {
    if cost.depth > limits.max_depth {
        return Err(OverLimit {
            limit: "depth",
            max: limits.max_depth as u64,
            actual: cost.depth as u64,
        });
    }
    if cost.aliases > limits.max_aliases {
        return Err(OverLimit {
            limit: "aliases",
            max: limits.max_aliases as u64,
            actual: cost.aliases as u64,
        });
    }
    if cost.complexity > limits.max_complexity {
        return Err(OverLimit {
            limit: "complexity",
            max: limits.max_complexity,
            actual: cost.complexity,
        });
    }
    Ok(())
}

/// The operation a document runs: the one named, else the only one (`None` otherwise).
pub fn select_operation<'d, 'a>(
    doc: &'d Document<'a, &'a str>,
    name: Option<&str>,
) -> Option<(
    Option<&'a str>,
    OperationKind,
    &'d SelectionSet<'a, &'a str>,
)> {
    let ops: Vec<(Option<&str>, OperationKind, &SelectionSet<'a, &'a str>)> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::Operation(op) => Some(match op {
                OperationDefinition::SelectionSet(s) => (None, OperationKind::Query, s),
                OperationDefinition::Query(q) => (q.name, OperationKind::Query, &q.selection_set),
                OperationDefinition::Mutation(m) => {
                    (m.name, OperationKind::Mutation, &m.selection_set)
                }
                OperationDefinition::Subscription(s) => {
                    (s.name, OperationKind::Subscription, &s.selection_set)
                }
            }),
            Definition::Fragment(_) => None,
        })
        .collect();
    match name {
        Some(n) => ops.into_iter().find(|(o, _, _)| *o == Some(n)),
        None if ops.len() == 1 => ops.into_iter().next(),
        None => None,
    }
}

struct Walk<'w, 'a> {
    model: &'w CostModel,
    fragments: HashMap<&'a str, &'w FragmentDefinition<'a, &'a str>>,
    variables: &'w serde_json::Value,
    limits: &'w Limits,
}

impl<'w, 'a> Walk<'w, 'a> {
    /// (complexity, depth) of a selection set on `type_name` at nesting level `level`.
    /// `open` holds the fragments being expanded (a cycle is left to validation to report).
    fn selection_set(
        &self,
        set: &'w SelectionSet<'a, &'a str>,
        type_name: &str,
        level: usize,
        aliases: &mut usize,
        open: &mut Vec<&'a str>,
    ) -> Result<(u64, usize), OverLimit> {
        if level > self.limits.max_depth {
            return Err(OverLimit {
                limit: "depth",
                max: self.limits.max_depth as u64,
                actual: level as u64,
            });
        }
        let mut complexity: u64 = 0;
        let mut depth = 0;
        for sel in &set.items {
            let (c, d) = match sel {
                Selection::Field(f) => {
                    if f.alias.is_some() {
                        *aliases += 1;
                    }
                    if f.name.starts_with("__") {
                        (1, level)
                    } else {
                        let shape = self.model.types.get(type_name).and_then(|t| t.get(f.name));
                        match shape {
                            // Unknown fields fail validation; they cost nothing here.
                            None => (1, level),
                            Some(_) if f.selection_set.items.is_empty() => (1, level),
                            Some(shape) => {
                                let fanout = self.fanout(shape, type_name, &f.arguments);
                                let (c, d) = self.selection_set(
                                    &f.selection_set,
                                    &shape.type_name,
                                    level + 1,
                                    aliases,
                                    open,
                                )?;
                                (1u64.saturating_add(fanout.saturating_mul(c)), d)
                            }
                        }
                    }
                }
                Selection::InlineFragment(i) => {
                    let on = match &i.type_condition {
                        Some(TypeCondition::On(t)) => t,
                        None => type_name,
                    };
                    self.selection_set(&i.selection_set, on, level, aliases, open)?
                }
                Selection::FragmentSpread(s) => {
                    let Some(frag) = self.fragments.get(s.fragment_name) else {
                        continue;
                    };
                    if open.contains(&s.fragment_name) {
                        continue;
                    }
                    open.push(s.fragment_name);
                    let TypeCondition::On(on) = &frag.type_condition;
                    let r = self.selection_set(&frag.selection_set, on, level, aliases, open);
                    open.pop();
                    r?
                }
            };
            complexity = complexity.saturating_add(c);
            depth = depth.max(d);
            if complexity > self.limits.max_complexity {
                // Stop early: the answer is already "too complex".
                return Err(OverLimit {
                    limit: "complexity",
                    max: self.limits.max_complexity,
                    actual: complexity,
                });
            }
        }
        Ok((complexity, depth))
    }

    fn fanout(
        &self,
        shape: &FieldShape,
        parent: &str,
        args: &[(&'a str, Value<'a, &'a str>)],
    ) -> u64 {
        if let Some(default) = shape.first {
            let given = args
                .iter()
                .find(|(n, _)| *n == "first")
                .and_then(|(_, v)| self.int(v));
            return given
                .or(default)
                .unwrap_or(DEFAULT_FIRST)
                .min(self.limits.max_page);
        }
        if shape.list && !parent.ends_with("Connection") {
            return LIST_FANOUT;
        }
        1
    }

    fn int(&self, v: &Value<'a, &'a str>) -> Option<u64> {
        match v {
            Value::Int(n) => n.as_i64().map(|n| n.max(0) as u64),
            Value::Variable(name) => self.variables.get(*name)?.as_i64().map(|n| n.max(0) as u64),
            _ => None,
        }
    }
}

/// The deepest nesting of `{` in a GraphQL document, skipping strings and comments: a linear
/// pre-check so that no parser recursion ever sees a pathological document.
pub fn brace_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SDL: &str = r#"
        type Query { account(id: String!): Account  stats: Stats  rings(first: Int, after: String): RingConnection! }
        type Mutation { detect(only: [String!]): [Run!]! }
        type Run { found: Int! }
        type Stats { accounts: Float! }
        type Account { id: String!  name: String  orders(first: Int, after: String): OrderConnection!  identifiers: [Identifier!]! }
        type Identifier { kind: String!  value: String! }
        type OrderConnection { edges: [OrderEdge!]!  pageInfo: PageInfo! }
        type OrderEdge { cursor: String!  node: Order! }
        type Order { id: String!  buyer: Account! }
        type PageInfo { hasNextPage: Boolean! }
        type RingConnection { edges: [RingEdge!]! }
        type RingEdge { node: Ring! }
        type Ring { id: String!  members(first: Int = 50): [Account!]! }
    "#;

    fn limits() -> Limits {
        Limits {
            max_depth: 10,
            max_complexity: 20_000,
            max_aliases: 30,
            max_page: 100,
        }
    }

    fn measure(q: &str, vars: serde_json::Value) -> Result<Option<Cost>, OverLimit> {
        CostModel::from_sdl(SDL)
            .unwrap()
            .measure(q, None, &vars, &limits())
    }

    #[test]
    fn a_plain_lookup_is_cheap() {
        let c = measure("{ account(id: \"a\") { id name } }", json!({}))
            .unwrap()
            .unwrap();
        assert_eq!((c.depth, c.complexity, c.aliases), (2, 3, 0));
        assert_eq!(c.kind, OperationKind::Query);
    }

    #[test]
    fn first_multiplies_its_children_and_edges_do_not_multiply_again() {
        let c = measure(
            "query($n: Int) { account(id: \"a\") { orders(first: $n) { edges { node { id } } } } }",
            json!({"n": 50}),
        )
        .unwrap()
        .unwrap();
        // account 1 + orders (1 + 50 × edges (1 + node (1 + id 1)))
        assert_eq!(c.complexity, 1 + 1 + 50 * 3);
        // A schema default stands in when the request gives no `first`.
        let c = measure("{ rings { edges { node { members { id } } } } }", json!({}))
            .unwrap()
            .unwrap();
        assert_eq!(c.complexity, 1 + DEFAULT_FIRST * (1 + 1 + (1 + 50)));
    }

    #[test]
    fn the_nested_fan_out_attack_is_refused_with_its_numbers() {
        let mut q = String::from("id");
        for _ in 0..4 {
            q = format!("orders(first: 100) {{ edges {{ node {{ buyer {{ {q} }} }} }} }}");
        }
        let err = measure(&format!("{{ account(id: \"a\") {{ {q} }} }}"), json!({})).unwrap_err();
        assert_eq!(err.limit, "depth");
        let err = measure(
            "{ account(id: \"a\") { orders(first: 100) { edges { node { buyer { orders(first: 100) { edges { node { id buyer { id } } } } } } } } } }",
            json!({}),
        )
        .unwrap_err();
        assert_eq!((err.limit, err.max), ("complexity", 20_000));
        assert!(err.actual > 20_000);
    }

    #[test]
    fn aliases_are_counted_and_capped() {
        let fields: Vec<String> = (0..31)
            .map(|i| format!("a{i}: stats {{ accounts }}"))
            .collect();
        let err = measure(&format!("{{ {} }}", fields.join(" ")), json!({})).unwrap_err();
        assert_eq!((err.limit, err.max, err.actual), ("aliases", 30, 31));
    }

    #[test]
    fn fragments_count_once_per_spread_and_cycles_do_not_loop() {
        let c = measure(
            "{ account(id: \"a\") { ...F } } fragment F on Account { id identifiers { kind } }",
            json!({}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.complexity, 1 + (1 + (1 + LIST_FANOUT)));
        // A cycle is a validation error; measuring it must terminate.
        let _ = measure(
            "{ account(id: \"a\") { ...F } } fragment F on Account { ...G } fragment G on Account { ...F }",
            json!({}),
        );
    }

    #[test]
    fn mutations_and_introspection_are_told_apart() {
        let c = measure("mutation { detect { found } }", json!({}))
            .unwrap()
            .unwrap();
        assert_eq!(c.kind, OperationKind::Mutation);
        let c = measure(
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }",
            json!({}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.complexity, 1);
    }

    #[test]
    fn unparseable_documents_are_left_to_the_executor_and_deep_ones_refused_before_parsing() {
        assert_eq!(measure("{ account(id: ", json!({})).unwrap(), None);
        let deep = format!("{}{}", "{a".repeat(5000), "}".repeat(5000));
        assert_eq!(measure(&deep, json!({})).unwrap_err().limit, "depth");
        assert_eq!(brace_depth("{ a(s: \"{{{{\") # {{{{\n { b } }"), 2);
    }
}
