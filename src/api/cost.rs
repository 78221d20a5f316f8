//! Cost limits checked before a GraphQL document executes: nesting depth, a complexity budget,
//! and a cap on aliases. One small document can otherwise ask for `100^n` rows
//! (`account → orders(first: 100) → buyer → orders(first: 100) …`) and hold the database for
//! minutes; refusing it up front costs microseconds.
//!
//! The model is schema-aware (built once from the served SDL): a field's cost is 1 plus its
//! children's cost times its fan-out — its `first` argument (the variable's value, else the
//! variable's default in the operation, else the schema default, else [`DEFAULT_FIRST`]);
//! [`LIST_FANOUT`] for other lists; 1 otherwise.
//! The `edges` list of a `…Connection` does not multiply again (its `first` already did).
//! Introspection (`__schema`, `__type`) costs 1: it never touches the database.
//!
//! Fail closed: a document this parser cannot read, or whose fragments are unknown or
//! cyclic, never runs (the executor's parser accepts a little more, e.g. `\u{…}` escapes,
//! and would run it unmeasured). Each fragment is measured once, so measuring is linear in
//! the document's size however often fragments are spread.

use graphql_parser::query::{
    Definition, Document, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
    TypeCondition, Value, VariableDefinition,
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

/// Why a document is refused before it runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error(transparent)]
    OverLimit(#[from] OverLimit),
    /// The document does not parse (with this parser: the executor's is more lenient).
    #[error("{0}")]
    Parse(String),
    /// Unknown, duplicate or cyclic fragments.
    #[error("{0}")]
    Invalid(String),
    /// No operation, or not the one `operationName` names.
    #[error("{0}")]
    Operation(String),
}

impl Rejected {
    /// The `extensions.code` of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Rejected::OverLimit(_) => "QUERY_TOO_COMPLEX",
            Rejected::Parse(_) => "GRAPHQL_PARSE_FAILED",
            Rejected::Invalid(_) => "GRAPHQL_VALIDATION_FAILED",
            Rejected::Operation(_) => "BAD_REQUEST",
        }
    }
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

    /// Measures the operation `operation_name` selects (or the only one). Anything that
    /// cannot be measured is refused: only a measured document may run.
    pub fn measure(
        &self,
        query: &str,
        operation_name: Option<&str>,
        variables: &serde_json::Value,
        limits: &Limits,
    ) -> Result<Cost, Rejected> {
        // The parser recurses per nesting level: refuse absurd nesting before parsing. This
        // also bounds every recursion below (fragment spreads are never recursed into).
        let nesting = brace_depth(query);
        if nesting > limits.max_depth + 2 {
            return Err(OverLimit {
                limit: "depth",
                max: limits.max_depth as u64,
                actual: nesting as u64,
            }
            .into());
        }
        let doc = graphql_parser::parse_query::<&str>(query)
            .map_err(|e| Rejected::Parse(parse_message(query, &e)))?;
        let fragments = fragments(&doc)?;
        let (_, kind, selection, defaults) = select_operation(&doc, operation_name)?;
        let root = match kind {
            OperationKind::Mutation => &self.mutation_root,
            _ => &self.query_root,
        };
        let mut walk = Walk {
            model: self,
            variables,
            defaults: defaults
                .iter()
                .filter_map(|d| Some((d.name, d.default_value.as_ref()?)))
                .collect(),
            limits,
            measured: HashMap::new(),
        };
        for f in fragments_in_order(&doc, &fragments)? {
            let TypeCondition::On(on) = &f.type_condition;
            let m = walk.selection_set(&f.selection_set, on);
            walk.measured.insert(f.name, m);
        }
        let m = walk.selection_set(selection, root);
        let cost = Cost {
            kind,
            depth: 1 + m.height,
            complexity: m.complexity,
            aliases: m.aliases,
        };
        check(&cost, limits)?;
        Ok(cost)
    }
}

/// The parser's message, with a hint for the one construct clients are known to send that
/// only the executor's parser accepts.
fn parse_message(query: &str, e: &graphql_parser::query::ParseError) -> String {
    let hint = if query.contains("\\u{") {
        "; the `\\u{…}` string escape is not supported: write `\\uXXXX` (four hex digits)"
    } else {
        ""
    };
    format!("{}{hint}", e.to_string().trim_end())
}

/// The document's fragments by name; a name defined twice is refused.
fn fragments<'d, 'a>(
    doc: &'d Document<'a, &'a str>,
) -> Result<HashMap<&'a str, &'d FragmentDefinition<'a, &'a str>>, Rejected> {
    let mut out = HashMap::new();
    for d in &doc.definitions {
        if let Definition::Fragment(f) = d {
            if out.insert(f.name, f).is_some() {
                return Err(Rejected::Invalid(format!(
                    "there can be only one fragment named \"{}\"",
                    f.name
                )));
            }
        }
    }
    Ok(out)
}

/// The fragments spread directly in `set` (not through other fragments), in order.
fn spreads<'a>(set: &SelectionSet<'a, &'a str>, out: &mut Vec<&'a str>) {
    for sel in &set.items {
        match sel {
            Selection::Field(f) => spreads(&f.selection_set, out),
            Selection::InlineFragment(i) => spreads(&i.selection_set, out),
            Selection::FragmentSpread(s) => out.push(s.fragment_name),
        }
    }
}

/// Every fragment, each after the fragments it spreads, so that each can be measured once
/// from the measures of those before it. Unknown spreads and cycles are refused.
fn fragments_in_order<'d, 'a>(
    doc: &'d Document<'a, &'a str>,
    fragments: &HashMap<&'a str, &'d FragmentDefinition<'a, &'a str>>,
) -> Result<Vec<&'d FragmentDefinition<'a, &'a str>>, Rejected> {
    let unknown = |name: &str| Rejected::Invalid(format!("unknown fragment \"{name}\""));
    // Kahn's algorithm: `waiting` counts the spreads a fragment still waits for.
    let mut waiting: HashMap<&str, usize> = HashMap::new();
    let mut spread_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in &doc.definitions {
        let mut found = Vec::new();
        match d {
            Definition::Operation(op) => spreads(operation_set(op), &mut found),
            Definition::Fragment(f) => {
                spreads(&f.selection_set, &mut found);
                waiting.insert(f.name, found.len());
                for s in &found {
                    spread_by.entry(*s).or_default().push(f.name);
                }
            }
        }
        if let Some(s) = found.iter().find(|s| !fragments.contains_key(*s)) {
            return Err(unknown(s));
        }
    }
    let mut ready: Vec<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(f, _)| *f)
        .collect();
    let mut order = Vec::with_capacity(fragments.len());
    while let Some(f) = ready.pop() {
        order.push(fragments[f]);
        for user in spread_by.get(f).into_iter().flatten() {
            let n = waiting.get_mut(user).expect("every user is a fragment");
            *n -= 1;
            if *n == 0 {
                ready.push(user);
            }
        }
    }
    if order.len() < fragments.len() {
        let mut cyclic: Vec<&str> = waiting
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(f, _)| f)
            .collect();
        cyclic.sort_unstable();
        return Err(Rejected::Invalid(format!(
            "fragments spread themselves (a cycle through {}); a fragment may not spread itself",
            cyclic
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(order)
}

fn operation_set<'d, 'a>(
    op: &'d OperationDefinition<'a, &'a str>,
) -> &'d SelectionSet<'a, &'a str> {
    match op {
        OperationDefinition::SelectionSet(s) => s,
        OperationDefinition::Query(q) => &q.selection_set,
        OperationDefinition::Mutation(m) => &m.selection_set,
        OperationDefinition::Subscription(s) => &s.selection_set,
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

pub type Selected<'d, 'a> = (
    Option<&'a str>,
    OperationKind,
    &'d SelectionSet<'a, &'a str>,
    &'d [VariableDefinition<'a, &'a str>],
);

/// The operation a document runs: the one named, else the only one.
pub fn select_operation<'d, 'a>(
    doc: &'d Document<'a, &'a str>,
    name: Option<&str>,
) -> Result<Selected<'d, 'a>, Rejected> {
    let ops: Vec<Selected<'d, 'a>> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::Operation(op) => Some(match op {
                OperationDefinition::SelectionSet(s) => (None, OperationKind::Query, s, &[][..]),
                OperationDefinition::Query(q) => (
                    q.name,
                    OperationKind::Query,
                    &q.selection_set,
                    &q.variable_definitions[..],
                ),
                OperationDefinition::Mutation(m) => (
                    m.name,
                    OperationKind::Mutation,
                    &m.selection_set,
                    &m.variable_definitions[..],
                ),
                OperationDefinition::Subscription(s) => (
                    s.name,
                    OperationKind::Subscription,
                    &s.selection_set,
                    &s.variable_definitions[..],
                ),
            }),
            Definition::Fragment(_) => None,
        })
        .collect();
    match name {
        Some(n) => ops.into_iter().find(|o| o.0 == Some(n)).ok_or_else(|| {
            Rejected::Operation(format!("the document has no operation named \"{n}\""))
        }),
        None if ops.len() == 1 => Ok(ops.into_iter().next().expect("one")),
        None if ops.is_empty() => Err(Rejected::Operation("the document has no operation".into())),
        None => Err(Rejected::Operation(
            "the document has several operations: name the one to run in `operationName`".into(),
        )),
    }
}

/// The measure of a selection set: the same wherever a fragment is spread (its type
/// condition fixes the type it is measured on), so each fragment is measured once.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    complexity: u64,
    /// Levels below the set's own (0 for a set of leaves).
    height: usize,
    aliases: usize,
}

struct Walk<'w, 'a> {
    model: &'w CostModel,
    variables: &'w serde_json::Value,
    /// The operation's variable defaults, for variables the request does not send.
    defaults: HashMap<&'a str, &'w Value<'a, &'a str>>,
    limits: &'w Limits,
    /// Fragments measured so far.
    measured: HashMap<&'a str, Measure>,
}

impl<'w, 'a> Walk<'w, 'a> {
    /// Recurses only into fields and inline fragments (bounded by the brace depth); a spread
    /// uses its fragment's measure, taken before (see [`fragments_in_order`]). Arithmetic
    /// saturates: a huge count is simply over the limit.
    fn selection_set(&self, set: &SelectionSet<'a, &'a str>, type_name: &str) -> Measure {
        let mut m = Measure::default();
        for sel in &set.items {
            let item = match sel {
                Selection::Field(f) => {
                    let alias = usize::from(f.alias.is_some());
                    let shape = self.model.types.get(type_name).and_then(|t| t.get(f.name));
                    match shape {
                        // Introspection never touches the database; unknown fields fail
                        // validation. Both cost 1 here.
                        _ if f.name.starts_with("__") => Measure {
                            complexity: 1,
                            height: 0,
                            aliases: alias,
                        },
                        None => Measure {
                            complexity: 1,
                            height: 0,
                            aliases: alias,
                        },
                        Some(_) if f.selection_set.items.is_empty() => Measure {
                            complexity: 1,
                            height: 0,
                            aliases: alias,
                        },
                        Some(shape) => {
                            let fanout = self.fanout(shape, type_name, &f.arguments);
                            let c = self.selection_set(&f.selection_set, &shape.type_name);
                            Measure {
                                complexity: 1u64
                                    .saturating_add(fanout.saturating_mul(c.complexity)),
                                height: c.height + 1,
                                aliases: c.aliases.saturating_add(alias),
                            }
                        }
                    }
                }
                Selection::InlineFragment(i) => {
                    let on = match &i.type_condition {
                        Some(TypeCondition::On(t)) => t,
                        None => type_name,
                    };
                    self.selection_set(&i.selection_set, on)
                }
                Selection::FragmentSpread(s) => self.measured[s.fragment_name],
            };
            m.complexity = m.complexity.saturating_add(item.complexity);
            m.height = m.height.max(item.height);
            m.aliases = m.aliases.saturating_add(item.aliases);
        }
        m
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
            // At least 1: `first: 0` must not hide what its children would cost to validate.
            return given
                .or(default)
                .unwrap_or(DEFAULT_FIRST)
                .clamp(1, self.limits.max_page.max(1));
        }
        if shape.list && !parent.ends_with("Connection") {
            return LIST_FANOUT;
        }
        1
    }

    /// An integer argument: literal, or a variable as sent, else its default in the operation.
    fn int(&self, v: &Value<'a, &'a str>) -> Option<u64> {
        match v {
            Value::Int(n) => n.as_i64().map(|n| n.max(0) as u64),
            Value::Variable(name) => match self.variables.get(*name) {
                Some(sent) => sent.as_i64().map(|n| n.max(0) as u64),
                None => self.int(self.defaults.get(name)?),
            },
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

    fn measure(q: &str, vars: serde_json::Value) -> Result<Cost, Rejected> {
        CostModel::from_sdl(SDL)
            .unwrap()
            .measure(q, None, &vars, &limits())
    }

    fn over(r: Result<Cost, Rejected>) -> OverLimit {
        match r {
            Err(Rejected::OverLimit(o)) => o,
            other => panic!("not over a limit: {other:?}"),
        }
    }

    #[test]
    fn a_plain_lookup_is_cheap() {
        let c = measure("{ account(id: \"a\") { id name } }", json!({})).unwrap();
        assert_eq!((c.depth, c.complexity, c.aliases), (2, 3, 0));
        assert_eq!(c.kind, OperationKind::Query);
    }

    #[test]
    fn first_multiplies_its_children_and_edges_do_not_multiply_again() {
        let c = measure(
            "query($n: Int) { account(id: \"a\") { orders(first: $n) { edges { node { id } } } } }",
            json!({"n": 50}),
        )
        .unwrap();
        // account 1 + orders (1 + 50 × edges (1 + node (1 + id 1)))
        assert_eq!(c.complexity, 1 + 1 + 50 * 3);
        // A schema default stands in when the request gives no `first`.
        let c = measure("{ rings { edges { node { members { id } } } } }", json!({})).unwrap();
        assert_eq!(c.complexity, 1 + DEFAULT_FIRST * (1 + 1 + (1 + 50)));
    }

    #[test]
    fn the_nested_fan_out_attack_is_refused_with_its_numbers() {
        let mut q = String::from("id");
        for _ in 0..4 {
            q = format!("orders(first: 100) {{ edges {{ node {{ buyer {{ {q} }} }} }} }}");
        }
        let err = over(measure(
            &format!("{{ account(id: \"a\") {{ {q} }} }}"),
            json!({}),
        ));
        assert_eq!(err.limit, "depth");
        let err = over(measure(
            "{ account(id: \"a\") { orders(first: 100) { edges { node { buyer { orders(first: 100) { edges { node { id buyer { id } } } } } } } } } }",
            json!({}),
        ));
        assert_eq!((err.limit, err.max), ("complexity", 20_000));
        assert!(err.actual > 20_000);
    }

    #[test]
    fn aliases_are_counted_and_capped() {
        let fields: Vec<String> = (0..31)
            .map(|i| format!("a{i}: stats {{ accounts }}"))
            .collect();
        let err = over(measure(&format!("{{ {} }}", fields.join(" ")), json!({})));
        assert_eq!((err.limit, err.max, err.actual), ("aliases", 30, 31));
    }

    #[test]
    fn fragments_count_once_per_spread_and_bad_fragments_are_refused() {
        let c = measure(
            "{ account(id: \"a\") { ...F } } fragment F on Account { id identifiers { kind } }",
            json!({}),
        )
        .unwrap();
        assert_eq!(c.complexity, 1 + (1 + (1 + LIST_FANOUT)));
        for (q, what) in [
            ("{ account(id: \"a\") { ...F } } fragment F on Account { ...G } fragment G on Account { ...F }", "cycle"),
            ("{ account(id: \"a\") { ...F } } fragment F on Account { id ...F }", "cycle"),
            ("{ account(id: \"a\") { ...Nope } }", "unknown"),
            ("{ account(id: \"a\") { ...F } } fragment F on Account { id } fragment F on Account { name }", "only one"),
        ] {
            match measure(q, json!({})) {
                Err(e @ Rejected::Invalid(_)) => {
                    assert_eq!(e.code(), "GRAPHQL_VALIDATION_FAILED");
                    assert!(e.to_string().contains(what), "{e}");
                }
                other => panic!("{q}: {other:?}"),
            }
        }
    }

    #[test]
    fn doubling_fragments_are_measured_in_linear_time() {
        // F0 spreads F1 twice, … F23 spreads F0: a cycle, refused before any measuring.
        let mut q = String::from("query Q { ...F0 }");
        for i in 0..24 {
            let next = (i + 1) % 24;
            q += &format!(" fragment F{i} on Query {{ ...F{next} ...F{next} }}");
        }
        assert!(matches!(measure(&q, json!({})), Err(Rejected::Invalid(_))));
        // Without the cycle the document expands to 2^23 `stats` selections (2 each): the
        // exact figure comes from measuring each fragment once from those it spreads, never
        // from expanding them (which would not finish).
        let q = q.replace(
            "fragment F23 on Query { ...F0 ...F0 }",
            "fragment F23 on Query { stats { accounts } }",
        );
        let o = over(measure(&q, json!({})));
        assert_eq!((o.limit, o.actual), ("complexity", 1 << 24));
        // A chain as long as a big document: no recursion through spreads, so no stack
        // overflow.
        let mut q = String::from("{ ...F0 }");
        for i in 0..100_000 {
            q += &format!(" fragment F{i} on Query {{ ...F{} }}", i + 1);
        }
        q += " fragment F100000 on Query { stats { accounts } }";
        let cost = measure(&q, json!({})).unwrap();
        assert_eq!(cost.complexity, 2);
    }

    #[test]
    fn first_from_an_operation_variable_default_counts() {
        let q = "query H($f: Int = 100) { rings(first: $f) { edges { node { members { id } } } } }";
        let by_default = measure(q, json!({})).unwrap().complexity;
        assert_eq!(by_default, 1 + 100 * (1 + 1 + (1 + 50)));
        // A sent value wins over the default; `first: 0` still counts its children once.
        assert_eq!(measure(q, json!({"f": 2})).unwrap().complexity, 1 + 2 * 53);
        assert_eq!(measure(q, json!({"f": 0})).unwrap().complexity, 1 + 53);
    }

    #[test]
    fn mutations_and_introspection_are_told_apart() {
        let c = measure("mutation { detect { found } }", json!({})).unwrap();
        assert_eq!(c.kind, OperationKind::Mutation);
        let c = measure(
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }",
            json!({}),
        )
        .unwrap();
        assert_eq!(c.complexity, 1);
    }

    #[test]
    fn unparseable_or_unselectable_documents_are_refused_and_deep_ones_before_parsing() {
        let parse = |q: &str| match measure(q, json!({})) {
            Err(e @ Rejected::Parse(_)) => e.to_string(),
            other => panic!("{q}: {other:?}"),
        };
        parse("{ account(id: ");
        // The executor's parser accepts this escape; ours does not, so it never runs.
        assert!(parse("mutation { detect(only: [\"\\u{72}ings\"]) { found } }").contains("\\u{…}"));
        for q in [
            "query A { stats { accounts } } query B { stats { accounts } }",
            "fragment F on Query { stats { accounts } }",
        ] {
            assert!(
                matches!(measure(q, json!({})), Err(Rejected::Operation(_))),
                "{q}"
            );
        }
        let deep = format!("{}{}", "{a".repeat(5000), "}".repeat(5000));
        assert_eq!(over(measure(&deep, json!({}))).limit, "depth");
        assert_eq!(brace_depth("{ a(s: \"{{{{\") # {{{{\n { b } }"), 2);
    }
}
