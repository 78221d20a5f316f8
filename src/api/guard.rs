//! The one place every request passes through for access control and personal-data masking.
//!
//! - [`Guard::authorize`]: every resolver calls it first; roles decide (see [`allows`]).
//! - Masking: identifier values, identifier keys and names are personal data. Resolvers hand
//!   them to the guard ([`Guard::identifier_value`], [`Guard::identifier_key`], [`Guard::name`],
//!   [`Guard::register_evidence`]), which returns what this caller may see and remembers every
//!   raw value it saw. At the boundary the HTTP layer calls [`Guard::redact`] on the whole
//!   response (data, error messages, reasons, ids) and on the audit entry, replacing each
//!   remembered raw value wherever it appears — so a value that slips into a reason or an
//!   evidence id is masked too — and masking any `kind:value` identifier key by pattern.
//! - A caller holding `unmask` sees raw values; the guard records that it did, for the audit.

use crate::access::{Identity, PseudonymKey, Role};
use crate::error::{AppError, AppResult};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What a resolver is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read accounts, shops, orders, reviews and their neighbourhoods.
    ReadGraph,
    /// Read detection findings (rings, incidents, lineage, insider suspects, runs).
    ReadFindings,
    /// Open, annotate and decide cases.
    ManageCases,
    /// Export evidence bundles.
    Export,
    /// Read the audit log.
    ReadAudit,
    /// Write records through the `ingest` mutation.
    Ingest,
    /// Recompute detections.
    RunDetection,
    /// Create, list and revoke API tokens.
    ManageTokens,
}

/// The roles allowed each action.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Analyst => matches!(action, ReadGraph | ReadFindings | ManageCases | Export),
        Role::Auditor => matches!(action, ReadGraph | ReadFindings | Export | ReadAudit),
        Role::Admin => matches!(
            action,
            ReadGraph | ReadFindings | Ingest | RunDetection | ManageTokens
        ),
    }
}

/// Identifier kinds of the data contract; `kind:value` keys of these are masked by pattern.
pub const IDENTIFIER_KINDS: [&str; 5] = ["device", "ip", "phone", "address", "card"];

/// Shortest raw value (in bytes) the boundary pass searches for in other text: two CJK
/// characters qualify, a two-letter Latin string does not.
const MIN_SEARCHED_LEN: usize = 4;

pub struct Guard {
    identity: Identity,
    key: PseudonymKey,
    /// raw → what this caller sees (empty for unmasking callers, who see raw values).
    seen: Mutex<BTreeMap<String, String>>,
    unmasked_read: AtomicBool,
}

impl Guard {
    pub fn new(identity: Identity, key: PseudonymKey) -> Self {
        Guard {
            identity,
            key,
            seen: Mutex::new(BTreeMap::new()),
            unmasked_read: AtomicBool::new(false),
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Who is acting (the audit log's and a case note's "who").
    pub fn actor(&self) -> &str {
        &self.identity.subject
    }

    /// Allows or refuses an action; every resolver calls this before doing anything.
    pub fn authorize(&self, action: Action) -> AppResult<()> {
        if self.identity.roles.iter().any(|r| allows(*r, action)) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{action:?} needs one of the roles {}; this token has {}",
                Role::ALL
                    .into_iter()
                    .filter(|r| allows(*r, action))
                    .map(Role::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                if self.identity.roles.is_empty() {
                    "none".to_string()
                } else {
                    self.identity
                        .roles
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )))
        }
    }

    /// True when raw personal data was handed to this (unmasking) caller.
    pub fn unmasked_read(&self) -> bool {
        self.unmasked_read.load(Ordering::Relaxed)
    }

    fn see(&self, raw: &str, masked: impl FnOnce() -> String) -> String {
        if raw.is_empty() {
            return String::new();
        }
        if self.identity.unmask {
            self.unmasked_read.store(true, Ordering::Relaxed);
            return raw.to_string();
        }
        let masked = masked();
        // Values too short to search for safely (a one-letter name) are masked where they
        // are output, but not searched for elsewhere.
        if raw.len() >= MIN_SEARCHED_LEN {
            let mut seen = self.seen.lock().unwrap();
            seen.entry(raw.to_string())
                .or_insert_with(|| masked.clone());
        }
        masked
    }

    /// An identifier's value as shown (`13*******00`).
    pub fn identifier_value(&self, value: &str) -> String {
        self.see(value, || mask(value))
    }

    /// An identifier's key (`phone:13800138000`) as shown: a pseudonym (`phone:~3f9a1c0b2d`),
    /// the same for the same value everywhere, so masked evidence still connects.
    pub fn identifier_key(&self, key: &str) -> String {
        let masked = self.pseudonymize_key(key);
        if let Some((_, value)) = key.split_once(':') {
            self.see(value, || mask(value));
        }
        self.see(key, || masked)
    }

    fn pseudonymize_key(&self, key: &str) -> String {
        match key.split_once(':') {
            Some((kind, _)) => format!("{kind}:{}", self.key.pseudonym(key)),
            None => self.key.pseudonym(key),
        }
    }

    /// A person's name as shown.
    pub fn name(&self, name: Option<&str>) -> Option<String> {
        name.map(|n| self.see(n, || mask(n)))
    }

    /// Free text written by people (reviews, messages, memos): passed through; the boundary
    /// pass masks any personal value the guard has seen in it.
    pub fn free_text(&self, text: Option<&str>) -> Option<String> {
        text.map(str::to_string)
    }

    /// Remembers the personal values inside a finding's evidence (identifier nodes, and the
    /// keys edges and reasons refer to) so the boundary pass masks them wherever they appear.
    pub fn register_evidence(&self, evidence: &crate::detect::Evidence) {
        for n in evidence.nodes.iter().filter(|n| n.label == "Identifier") {
            self.identifier_key(&n.id);
        }
    }

    pub fn forbid(&self, what: &str) -> AppError {
        AppError::Forbidden(what.to_string())
    }

    /// Masks, in place, every string of a response (or audit record) this caller may not see
    /// raw: the values the guard has seen, longest first, then any `kind:value` key by pattern.
    pub fn redact(&self, value: &mut serde_json::Value) {
        if self.identity.unmask {
            return;
        }
        let seen: Vec<(String, String)> = {
            let seen = self.seen.lock().unwrap();
            let mut pairs: Vec<(String, String)> =
                seen.iter().map(|(r, m)| (r.clone(), m.clone())).collect();
            pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
            pairs
        };
        redact_value(value, &|s| self.redact_str(s, &seen));
    }

    /// Masks one string (a log field, an error message) the same way.
    pub fn redact_text(&self, text: &str) -> String {
        if self.identity.unmask {
            return text.to_string();
        }
        let seen: Vec<(String, String)> = {
            let seen = self.seen.lock().unwrap();
            let mut pairs: Vec<(String, String)> =
                seen.iter().map(|(r, m)| (r.clone(), m.clone())).collect();
            pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
            pairs
        };
        self.redact_str(text, &seen)
            .unwrap_or_else(|| text.to_string())
    }

    /// `None` when nothing changed.
    fn redact_str(&self, s: &str, seen: &[(String, String)]) -> Option<String> {
        let mut out: Option<String> = None;
        for (raw, masked) in seen {
            let current = out.as_deref().unwrap_or(s);
            if current.contains(raw.as_str()) {
                // Do not re-mask text that is already a mask or a pseudonym.
                out = Some(current.replace(raw.as_str(), masked));
            }
        }
        let current = out.as_deref().unwrap_or(s);
        if let Some(keyed) = self.mask_keys(current) {
            out = Some(keyed);
        }
        out
    }

    /// Replaces the value of every `kind:value` identifier key in `s` by its pseudonym.
    fn mask_keys(&self, s: &str) -> Option<String> {
        if !IDENTIFIER_KINDS
            .iter()
            .any(|k| s.contains(&format!("{k}:")))
        {
            return None;
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        let mut changed = false;
        while !rest.is_empty() {
            let next = IDENTIFIER_KINDS
                .iter()
                .filter_map(|k| {
                    let pat = format!("{k}:");
                    rest.find(&pat).map(|i| (i, *k))
                })
                .filter(|(i, _)| {
                    // A key starts a word: "phone:…" but not "smartphone:…".
                    *i == 0
                        || !rest[..*i]
                            .chars()
                            .last()
                            .is_some_and(|c| c.is_alphanumeric())
                })
                .min_by_key(|(i, _)| *i);
            let Some((i, kind)) = next else {
                out.push_str(rest);
                break;
            };
            let value_start = i + kind.len() + 1;
            let value_len = rest[value_start..]
                .find(|c: char| c.is_whitespace() || "\"',;()[]{}<>".contains(c))
                .unwrap_or(rest.len() - value_start);
            let value = &rest[value_start..value_start + value_len];
            out.push_str(&rest[..value_start]);
            if value.is_empty() || value.starts_with('~') {
                out.push_str(value);
            } else {
                out.push_str(&self.key.pseudonym(&format!("{kind}:{value}")));
                changed = true;
            }
            rest = &rest[value_start + value_len..];
        }
        changed.then_some(out)
    }
}

fn redact_value(value: &mut serde_json::Value, f: &dyn Fn(&str) -> Option<String>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(masked) = f(s) {
                *s = masked;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, f)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact_value(v, f)),
        _ => {}
    }
}

/// Keeps the first and last characters and hides the middle, so two values can still be told
/// apart on screen without revealing them.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= 2 {
        return "*".repeat(n.max(1));
    }
    let keep = (n / 4).clamp(1, 3);
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[n - keep..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 2 * keep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn guard(roles: &[Role], unmask: bool) -> Guard {
        Guard::new(
            Identity {
                subject: "t".into(),
                token_id: "tok-1".into(),
                roles: roles.to_vec(),
                unmask,
            },
            PseudonymKey::fixed("k"),
        )
    }

    #[test]
    fn masks_the_middle_of_values() {
        assert_eq!(mask("13800138000"), "13*******00");
        assert_eq!(mask("dev:5f1c9e"), "de******9e");
        assert_eq!(mask("ab"), "**");
        assert!(!mask("10.0.0.1").contains("0.0"));
    }

    #[test]
    fn roles_allow_what_the_table_says() {
        let analyst = guard(&[Role::Analyst], false);
        assert!(analyst.authorize(Action::ReadFindings).is_ok());
        assert!(analyst.authorize(Action::RunDetection).is_err());
        assert!(analyst.authorize(Action::ReadAudit).is_err());
        let auditor = guard(&[Role::Auditor], false);
        assert!(auditor.authorize(Action::ReadAudit).is_ok());
        assert!(auditor.authorize(Action::ManageCases).is_err());
        let admin = guard(&[Role::Admin], false);
        assert!(admin.authorize(Action::Ingest).is_ok());
        assert!(admin.authorize(Action::ReadAudit).is_err());
        assert!(guard(&[], false).authorize(Action::ReadGraph).is_err());
    }

    #[test]
    fn the_boundary_pass_masks_seen_values_wherever_they_appear() {
        let g = guard(&[Role::Analyst], false);
        let key = g.identifier_key("phone:13800138000");
        assert!(key.starts_with("phone:~") && !key.contains("138001"));
        assert_eq!(g.name(Some("Li Wei")).unwrap(), "L****i");
        let mut body = json!({
            "data": {"reasons": ["shares phone:13800138000 with a-du", "Li Wei paid"],
                     "edge": {"from": "phone:13800138000", "recordId": "13800138000"}},
            "errors": [{"message": "no such phone 13800138000"}]
        });
        g.redact(&mut body);
        let text = body.to_string();
        assert!(
            !text.contains("13800138000") && !text.contains("Li Wei"),
            "{text}"
        );
        assert!(
            text.contains(&key),
            "edges keep pointing at the node: {text}"
        );
    }

    #[test]
    fn identifier_keys_never_seen_are_masked_by_pattern_and_masks_stay_put() {
        let g = guard(&[Role::Analyst], false);
        let mut body = json!([
            "device:abc123 and ip:10.1.2.3, smartphone:x",
            "address:~0011223344"
        ]);
        g.redact(&mut body);
        let text = body.to_string();
        assert!(
            !text.contains("abc123") && !text.contains("10.1.2.3"),
            "{text}"
        );
        assert!(text.contains("smartphone:x") && text.contains("address:~0011223344"));
        // The pattern gives the same pseudonym as the resolver would.
        assert!(text.contains(&g.pseudonymize_key("device:abc123")));
    }

    #[test]
    fn an_unmasking_caller_sees_raw_values_and_the_read_is_flagged() {
        let g = guard(&[Role::Analyst], true);
        assert!(!g.unmasked_read());
        assert_eq!(g.identifier_value("13800138000"), "13800138000");
        assert!(g.unmasked_read());
        let mut body = json!("phone:13800138000");
        g.redact(&mut body);
        assert_eq!(body, json!("phone:13800138000"));
    }
}
