//! What a GraphQL request's audit entry says it did, worked out by the server from the parsed
//! document, never from names the client chose: the operation type and the root fields it ran
//! (schema names, not aliases), the document itself (so inline arguments are on record), and
//! the ids the response returned, found by walking the response with the document so that an
//! aliased `id` (`i: id`) still counts.

use crate::access::sha256_hex;
use crate::api::cost::{brace_depth, select_operation, OperationKind};
use crate::api::guard::Guard;
use graphql_parser::query::{Definition, Document, FragmentDefinition, Selection, SelectionSet};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Longest document recorded as sent; a longer one is recorded as the server prints it
/// (comments and layout dropped, so padding cannot push the operation out), cut to this.
pub const DOCUMENT_CAP: usize = 16 * 1024;
/// Most distinct ids listed in an entry (`total` counts them all).
pub const MAX_IDS: usize = 200;

/// A document as the client sent it, kept for its audit entry.
pub struct Sent {
    pub query: String,
    pub operation_name: Option<String>,
}

/// The audit entry's account of one document.
#[derive(Debug)]
pub struct Described {
    /// `query account,case`; `(unparsed)` or `(no such operation)` when nothing could run.
    pub operation: String,
    /// The operation's name as the client gave it (`operationName`, else the document's).
    pub client_operation_name: String,
    /// The recorded document (masked) and the SHA-256 of the whole masked text.
    pub document: String,
    pub document_sha256: String,
    /// `{"ids": [...], "total": n}`.
    pub entities: Value,
}

/// Describes `sent` and its (already masked) response `body`. `max_depth` is the API's depth
/// limit: documents nested deeper than the cost check would parse are not parsed here either.
pub fn describe(
    sent: &Sent,
    variables: &Value,
    body: &Value,
    guard: &Guard,
    max_depth: usize,
) -> Described {
    let parsed = (brace_depth(&sent.query) <= max_depth + 2)
        .then(|| graphql_parser::parse_query::<&str>(&sent.query).ok())
        .flatten();
    let selected = parsed
        .as_ref()
        .and_then(|doc| select_operation(doc, sent.operation_name.as_deref()).ok());
    let operation = match (&parsed, &selected) {
        (None, _) => "(unparsed)".to_string(),
        (Some(_), None) => "(no such operation)".to_string(),
        (Some(doc), Some((_, kind, set, _))) => {
            let kind = match kind {
                OperationKind::Query => "query",
                OperationKind::Mutation => "mutation",
                OperationKind::Subscription => "subscription",
            };
            let walk = Walk::new(doc, variables);
            let mut roots: Vec<&str> = Vec::new();
            for (_, f) in walk.fields(&[*set]) {
                for name in f.names {
                    if !roots.contains(&name) {
                        roots.push(name);
                    }
                }
            }
            format!("{kind} {}", roots.join(","))
        }
    };
    let client_operation_name = match (&sent.operation_name, &selected) {
        (Some(name), _) => name.clone(),
        (None, Some((Some(name), _, _, _))) => name.to_string(),
        _ => String::new(),
    };
    let (mut ids, mut total) = (Vec::new(), 0u64);
    if let Some(data) = body.get("data") {
        match (&parsed, &selected) {
            (Some(doc), Some((_, _, set, _))) => {
                Walk::new(doc, variables).ids(data, &[*set], &mut ids, &mut total)
            }
            _ => keyed_ids(data, &mut ids, &mut total),
        }
    }
    let masked = guard.redact_text(&sent.query);
    let document_sha256 = sha256_hex(masked.as_bytes());
    let document = if masked.len() <= DOCUMENT_CAP {
        masked
    } else {
        let printed = match &parsed {
            Some(doc) => guard.redact_text(&doc.to_string()),
            None => masked.clone(),
        };
        let mut cut = printed.len().min(DOCUMENT_CAP);
        while !printed.is_char_boundary(cut) {
            cut -= 1;
        }
        // A GraphQL comment, so the recorded text still parses.
        format!(
            "{}\n# audit: {} bytes sent; recorded as printed by the server{}; SHA-256 of all of it in documentSha256\n",
            &printed[..cut],
            masked.len(),
            if cut < printed.len() { ", cut" } else { "" }
        )
    };
    Described {
        operation,
        client_operation_name,
        document,
        document_sha256,
        entities: json!({ "ids": ids, "total": total }),
    }
}

/// Fields that name an entity: `id`, and `…Id` / `…Ids` (`runId`, `caseId`, `paymentId`, …)
/// other than the audit log's own `requestId`.
pub fn is_id_field(name: &str) -> bool {
    name == "id" || ((name.ends_with("Id") || name.ends_with("Ids")) && name != "requestId")
}

fn note(v: &Value, ids: &mut Vec<String>, total: &mut u64) {
    match v {
        Value::String(id) => {
            *total += 1;
            if ids.len() < MAX_IDS && !ids.iter().any(|i| i == id) {
                ids.push(id.clone());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| note(v, ids, total)),
        _ => {}
    }
}

/// Without a document (nothing ran, so normally no data): ids by response key alone.
fn keyed_ids(v: &Value, ids: &mut Vec<String>, total: &mut u64) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if is_id_field(k) {
                    note(v, ids, total);
                } else {
                    keyed_ids(v, ids, total);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keyed_ids(v, ids, total)),
        _ => {}
    }
}

type Set<'d, 'a> = &'d SelectionSet<'a, &'a str>;

/// The selections behind one response key at one level, fragments flattened.
#[derive(Default)]
struct Field<'d, 'a> {
    /// Schema names selected under this key (several only across type conditions).
    names: Vec<&'a str>,
    children: Vec<Set<'d, 'a>>,
}

struct Walk<'d, 'a> {
    fragments: HashMap<&'a str, &'d FragmentDefinition<'a, &'a str>>,
    variables: &'d Value,
}

impl<'d, 'a> Walk<'d, 'a> {
    fn new(doc: &'d Document<'a, &'a str>, variables: &'d Value) -> Self {
        let fragments = doc
            .definitions
            .iter()
            .filter_map(|d| match d {
                Definition::Fragment(f) => Some((f.name, f)),
                _ => None,
            })
            .collect();
        Walk {
            fragments,
            variables,
        }
    }

    /// Response key → its selections, in document order, for the sets selected at one level
    /// (inline fragments and fragment spreads merged in; `@skip`/`@include` honoured).
    fn fields(&self, sets: &[Set<'d, 'a>]) -> Vec<(&'a str, Field<'d, 'a>)> {
        let mut out: Vec<(&'a str, Field<'d, 'a>)> = Vec::new();
        let mut open = Vec::new();
        for set in sets {
            self.collect(set, &mut out, &mut open);
        }
        out
    }

    fn collect(
        &self,
        set: Set<'d, 'a>,
        out: &mut Vec<(&'a str, Field<'d, 'a>)>,
        open: &mut Vec<&'a str>,
    ) {
        for sel in &set.items {
            match sel {
                Selection::Field(f) if self.included(&f.directives) => {
                    let key = f.alias.unwrap_or(f.name);
                    let at = match out.iter().position(|(k, _)| *k == key) {
                        Some(i) => i,
                        None => {
                            out.push((key, Field::default()));
                            out.len() - 1
                        }
                    };
                    let field = &mut out[at].1;
                    if !field.names.contains(&f.name) {
                        field.names.push(f.name);
                    }
                    field.children.push(&f.selection_set);
                }
                Selection::InlineFragment(i) if self.included(&i.directives) => {
                    self.collect(&i.selection_set, out, open)
                }
                Selection::FragmentSpread(s) if self.included(&s.directives) => {
                    let Some(&frag) = self.fragments.get(s.fragment_name) else {
                        continue;
                    };
                    if open.contains(&s.fragment_name) {
                        continue;
                    }
                    open.push(s.fragment_name);
                    self.collect(&frag.selection_set, out, open);
                    open.pop();
                }
                _ => {}
            }
        }
    }

    /// False under `@skip(if: true)` or `@include(if: false)`.
    fn included(&self, directives: &[graphql_parser::query::Directive<'a, &'a str>]) -> bool {
        use graphql_parser::query::Value as V;
        directives.iter().all(|d| {
            let cond = d
                .arguments
                .iter()
                .find(|(n, _)| *n == "if")
                .and_then(|(_, v)| match v {
                    V::Boolean(b) => Some(*b),
                    V::Variable(name) => self.variables.get(*name).and_then(Value::as_bool),
                    _ => None,
                });
            !matches!(
                (d.name, cond),
                ("skip", Some(true)) | ("include", Some(false))
            )
        })
    }

    /// Collects the ids under `value`, the result of selecting `sets`.
    fn ids(&self, value: &Value, sets: &[Set<'d, 'a>], ids: &mut Vec<String>, total: &mut u64) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.ids(v, sets, ids, total)),
            Value::Object(map) => {
                let fields = self.fields(sets);
                for (key, v) in map {
                    match fields.iter().find(|(k, _)| *k == key.as_str()) {
                        Some((_, f)) => {
                            if f.names.iter().any(|n| is_id_field(n)) {
                                note(v, ids, total);
                            }
                            if f.children.iter().any(|c| !c.items.is_empty()) {
                                self.ids(v, &f.children, ids, total);
                            }
                        }
                        // Not from this document (cannot happen for juniper's output).
                        None => keyed_ids(v, ids, total),
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Identity, PseudonymKey};

    fn guard() -> Guard {
        Guard::new(
            Identity {
                subject: "t".into(),
                token_id: "tok-t".into(),
                roles: vec![],
                unmask: true,
            },
            PseudonymKey::fixed("k"),
        )
    }

    fn describe_(query: &str, name: Option<&str>, body: Value) -> Described {
        let sent = Sent {
            query: query.into(),
            operation_name: name.map(str::to_string),
        };
        describe(&sent, &json!({"no": false}), &body, &guard(), 10)
    }

    #[test]
    fn aliases_and_client_names_do_not_hide_what_was_read() {
        let q = r#"query stats { s: account(id: "a-1") { i: id name linked: linkedAccounts { k: id } ...F } }
                   fragment F on Account { ... on Account { again: id } }"#;
        let body = json!({"data": {"s": {"i": "a-1", "name": "N", "linked": [{"k": "a-2"}], "again": "a-1"}}});
        let d = describe_(q, None, body);
        assert_eq!(d.operation, "query account");
        assert_eq!(d.client_operation_name, "stats");
        assert_eq!(d.entities, json!({"ids": ["a-1", "a-2"], "total": 3}));
        assert!(d.document.contains(r#"account(id: "a-1")"#));
        assert_eq!(d.document_sha256, sha256_hex(q.as_bytes()));
    }

    #[test]
    fn only_the_selected_operation_and_included_fields_count() {
        let q = r#"query A { stats { accounts } } mutation B { x: detect { runId } y: ingest(records: []) @include(if: $no) { written } }"#;
        let d = describe_(q, Some("B"), json!({"data": {"x": [{"runId": "run-1"}]}}));
        assert_eq!(d.operation, "mutation detect");
        assert_eq!(d.entities, json!({"ids": ["run-1"], "total": 1}));
        assert_eq!(
            describe_(q, None, json!({})).operation,
            "(no such operation)"
        );
        assert_eq!(describe_("{ a", None, json!({})).operation, "(unparsed)");
        // A field that is not an id keeps its value out of the ids, whatever its key.
        let d = describe_(
            "{ id: stats { accounts } }",
            None,
            json!({"data": {"id": {"accounts": 1.0}}}),
        );
        assert_eq!(d.entities, json!({"ids": [], "total": 0}));
    }

    #[test]
    fn a_long_document_is_recorded_printed_and_cut_with_the_hash_of_all_of_it() {
        let padding = format!("# {}\n", "x".repeat(DOCUMENT_CAP));
        let q = format!("{padding}query {{ case(id: \"case-7\") {{ id }} }}");
        let d = describe_(&q, None, json!({}));
        assert!(d.document.len() < DOCUMENT_CAP, "{}", d.document.len());
        assert!(d.document.contains("case-7"), "{}", d.document);
        assert!(d.document.contains("bytes sent"));
        assert_eq!(d.document_sha256, sha256_hex(q.as_bytes()));
    }
}
