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
//! - Free text ([`Guard::free_text`]) has one rule of its own, [`Guard::mask_text`]; see there.
//! - Caller input is never masked by anything that depends on the key or on the data, or the
//!   masking would answer "is my guess right?": errors and the audit entry's variables get
//!   only the data-independent part of the free-text rule ([`Guard::mask_caller_input`]).
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

/// Who wrote a piece of free text, which decides how much of the rule applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    /// Typed by this or another caller and echoed back (audited variables): the
    /// data-independent part only.
    Caller,
    /// Typed by analysts about the data (case titles, notes, reasons).
    Typed,
    /// Written by the marketplace's users (reviews, messages, memos).
    Marketplace,
}

/// Most distinct words one response's marketplace text may hold for the name lookup (a
/// page of reviews holds a few thousand); past it the text is withheld.
const MAX_NAME_CANDIDATES: usize = 50_000;
const NAME_LOOKUP_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);
/// What a masked caller sees of marketplace text whose names could not be checked.
const NAMES_UNCHECKED: &str = "[withheld: the names in this text could not be checked]";

/// The words of `text` that could be a person's name as accounts hold it: every run of 2–4
/// CJK characters (Chinese names have no spaces around them), and every run of 1–3
/// words of letters (`Li`, `Li Wei`, `Maria del Carmen`).
pub(crate) fn name_candidates(text: &str) -> Vec<String> {
    let cjk = |c: char| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}');
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if cjk(chars[i]) {
            let start = i;
            while i < chars.len() && cjk(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            for a in 0..run.len() {
                for len in 2..=4 {
                    if a + len <= run.len() {
                        out.push(run[a..a + len].iter().collect());
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    let words: Vec<(usize, usize)> = {
        let mut w = Vec::new();
        let mut start = None;
        for (at, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let letter =
                c.is_alphabetic() && !cjk(c) || (start.is_some() && matches!(c, '\'' | '-' | '.'));
            match (letter, start) {
                (true, None) => start = Some(at),
                (false, Some(s)) => {
                    w.push((s, at));
                    start = None;
                }
                _ => {}
            }
        }
        w
    };
    for a in 0..words.len() {
        for n in 1..=3 {
            let b = a + n - 1;
            if b >= words.len() {
                break;
            }
            // words of one name are separated by single spaces only
            if b > a && text[words[b - 1].1..words[b].0] != *" " {
                break;
            }
            let phrase = &text[words[a].0..words[b].1];
            let phrase = phrase.trim_end_matches(['.', '-', '\'']);
            if phrase.len() >= MIN_SEARCHED_LEN {
                out.push(phrase.to_string());
            }
        }
    }
    out
}

pub struct Guard {
    identity: Identity,
    key: PseudonymKey,
    /// raw → what this caller sees (empty for unmasking callers, who see raw values).
    seen: Mutex<BTreeMap<String, String>>,
    /// Free text handed out as placeholders, masked by the boundary pass.
    texts: Mutex<Vec<(String, TextKind)>>,
    /// How many of `texts` [`Guard::resolve_names`] has looked at.
    names_checked: Mutex<usize>,
    /// Set when the name lookup failed: marketplace text is then withheld, never shown
    /// with a name unmasked.
    names_unchecked: AtomicBool,
    /// Makes placeholders unguessable, so no stored text can pose as one.
    nonce: u64,
    unmasked_read: AtomicBool,
}

impl Guard {
    pub fn new(identity: Identity, key: PseudonymKey) -> Self {
        Guard {
            identity,
            key,
            seen: Mutex::new(BTreeMap::new()),
            texts: Mutex::new(Vec::new()),
            names_checked: Mutex::new(0),
            names_unchecked: AtomicBool::new(false),
            nonce: rand::random(),
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

    /// Free text written by people about the data (case titles and notes, reasons, reviews,
    /// messages, memos), masked by [`Guard::mask_text`] at the boundary, when every value this
    /// response shows is known. What this returns is a placeholder the boundary pass swaps.
    pub fn free_text(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.text(t, TextKind::Typed))
    }

    /// Text an analyst typed (a case's title, notes, reasons, assignee), written by
    /// `author`: as [`Guard::free_text`], except that a masked caller reads its own text by
    /// the data-independent part of the rule only. Masking a name it typed only because the
    /// name is in the data would tell it that its guess was right.
    pub fn typed_text(&self, author: Option<&str>, text: Option<&str>) -> Option<String> {
        let own = author == Some(self.actor());
        text.map(|t| {
            self.text(
                t,
                if own {
                    TextKind::Caller
                } else {
                    TextKind::Typed
                },
            )
        })
    }

    /// Text the marketplace's users wrote (reviews, messages, payment memos): free text whose
    /// names of any account in the store are masked too, looked up by
    /// [`Guard::resolve_names`] before the boundary pass. No caller writes it through the
    /// API, so the lookup answers no guess of theirs.
    pub fn marketplace_text(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.text(t, TextKind::Marketplace))
    }

    /// Stored text a masked caller may have written itself (a masked request's audited
    /// variables): only the data-independent part of the rule, so reading it back tells
    /// nothing about the data.
    pub fn caller_text(&self, text: &str) -> String {
        self.text(text, TextKind::Caller)
    }

    fn text(&self, text: &str, kind: TextKind) -> String {
        if self.identity.unmask {
            if !text.is_empty() {
                self.unmasked_read.store(true, Ordering::Relaxed);
            }
            return text.to_string();
        }
        let mut texts = self.texts.lock().unwrap();
        texts.push((text.to_string(), kind));
        format!("\u{E000}{:016x}:{}\u{E001}", self.nonce, texts.len() - 1)
    }

    /// Looks up which words of the marketplace text handed out since the last call are
    /// names of accounts in the store, and remembers them as seen names, so the boundary
    /// pass masks them there and everywhere else in the response. One indexed read per
    /// response (or bundle) at most; nothing for a caller who may unmask. Fails closed: if
    /// the lookup fails, that text is withheld.
    pub async fn resolve_names(&self, graph: &crate::graph::Graph) {
        if self.identity.unmask {
            return;
        }
        let candidates: Vec<String> = {
            let texts = self.texts.lock().unwrap();
            let mut checked = self.names_checked.lock().unwrap();
            let mut words = std::collections::BTreeSet::new();
            for (t, _) in texts[*checked..]
                .iter()
                .filter(|(_, k)| *k == TextKind::Marketplace)
            {
                words.extend(name_candidates(t));
            }
            *checked = texts.len();
            words.into_iter().collect()
        };
        if candidates.is_empty() {
            return;
        }
        if candidates.len() > MAX_NAME_CANDIDATES {
            tracing::warn!(
                candidates = candidates.len(),
                "too much marketplace text to check for names; it is withheld"
            );
            self.names_unchecked.store(true, Ordering::Relaxed);
            return;
        }
        #[derive(serde::Deserialize)]
        struct Found {
            name: String,
        }
        let found: Result<Vec<Found>, _> = graph
            .rows(
                &crate::graph::queries::ACCOUNT_NAMES_AMONG,
                crate::graph::Params::new().with("names", candidates),
                NAME_LOOKUP_LIMIT,
            )
            .await;
        match found {
            Ok(found) => {
                for f in found {
                    self.name(Some(&f.name));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "name lookup for marketplace text failed; it is withheld");
                self.names_unchecked.store(true, Ordering::Relaxed);
            }
        }
    }

    /// True when free text was handed to this (masked) caller: its rule cannot promise every
    /// name is masked.
    pub fn shows_free_text(&self) -> bool {
        !self.texts.lock().unwrap().is_empty()
    }

    /// The raw text behind a placeholder of this guard.
    fn placeholder(&self, s: &str) -> Option<(String, TextKind)> {
        let inner = s.strip_prefix('\u{E000}')?.strip_suffix('\u{E001}')?;
        let (nonce, i) = inner.split_once(':')?;
        if u64::from_str_radix(nonce, 16).ok()? != self.nonce {
            return None;
        }
        self.texts
            .lock()
            .unwrap()
            .get(i.parse::<usize>().ok()?)
            .cloned()
    }

    /// THE free-text rule, for a caller without `unmask`:
    /// 1. data-independent: phone-like numbers (7+ digits with separators, optional `+`),
    ///    card-like numbers, IPv4 and IPv6 addresses, e-mail addresses and the value of any
    ///    `kind:value` identifier key are masked like identifier values (`13*******00`);
    /// 2. data-dependent (all but the caller's own text): every identifier value and name the
    ///    guard has seen — this response's, those of the entities the text is attached to,
    ///    which the resolver registers ([`Guard::register_subjects`]), and in marketplace text
    ///    the name of any account in the store ([`Guard::resolve_names`]) — is masked the
    ///    same way.
    ///
    /// Every replacement is `mask(the text replaced)`, a function of the text alone: a
    /// value caught by either part looks the same. Keys are not pseudonymised here, since a
    /// keyed pseudonym of typed text would let its writer test a guess. The limit: in text
    /// analysts type (case titles, notes, reasons), a name that belongs to no attached or
    /// shown entity is not recognised, since looking it up would tell the writer whether
    /// the name is in the data.
    fn mask_text(&self, text: &str, kind: TextKind, seen: &[(String, String)]) -> String {
        if kind == TextKind::Marketplace && self.names_unchecked.load(Ordering::Relaxed) {
            return NAMES_UNCHECKED.to_string();
        }
        let mut out = mask_patterns(text);
        if kind != TextKind::Caller {
            for (raw, _) in seen.iter().filter(|(_, shown)| !shown.contains(":~")) {
                if out.contains(raw.as_str()) {
                    out = out.replace(raw.as_str(), &mask(raw));
                }
            }
        }
        out
    }

    /// Masks caller input echoed back (error messages, the audit entry's variables) by the
    /// data-independent part of the free-text rule only.
    pub fn mask_caller_input(&self, value: &mut serde_json::Value) {
        if !self.identity.unmask {
            redact_value(value, &|s| {
                let masked = mask_patterns(s);
                (masked != s).then_some(masked)
            });
        }
    }

    /// Registers the names and identifier keys of the entities a text is attached to (a
    /// case's accounts), so [`Guard::mask_text`] masks them in it.
    pub fn register_subjects<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        keys: impl IntoIterator<Item = &'a str>,
    ) {
        if self.identity.unmask {
            return;
        }
        for n in names {
            self.name(Some(n));
        }
        for k in keys {
            self.identifier_key(k);
        }
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
    /// raw: the values the guard has seen, longest first, then any `kind:value` key by pattern;
    /// free-text placeholders become their text masked by [`Guard::mask_text`].
    pub fn redact(&self, value: &mut serde_json::Value) {
        if self.identity.unmask {
            return;
        }
        let seen = self.seen_longest_first();
        redact_value(value, &|s| match self.placeholder(s) {
            Some((raw, kind)) => Some(self.mask_text(&raw, kind, &seen)),
            None => self.redact_str(s, &seen),
        });
    }

    /// A GraphQL response: [`Guard::redact`] for its data, and for its errors — the one place
    /// caller input comes back (messages, paths of aliases) — [`Guard::mask_caller_input`].
    pub fn redact_response(&self, body: &mut serde_json::Value) {
        let errors = body.as_object_mut().and_then(|o| o.remove("errors"));
        self.redact(body);
        if let Some(mut errors) = errors {
            self.mask_caller_input(&mut errors);
            if let Some(o) = body.as_object_mut() {
                o.insert("errors".into(), errors);
            }
        }
    }

    /// Masks one string of caller input (an error message, a requested id) the same way.
    pub fn redact_text(&self, text: &str) -> String {
        let mut v = serde_json::Value::String(text.to_string());
        self.mask_caller_input(&mut v);
        v.as_str().unwrap_or_default().to_string()
    }

    fn seen_longest_first(&self) -> Vec<(String, String)> {
        let seen = self.seen.lock().unwrap();
        let mut pairs: Vec<(String, String)> =
            seen.iter().map(|(r, m)| (r.clone(), m.clone())).collect();
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        pairs
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

/// The data-independent part of the free-text rule ([`Guard::mask_text`]): every span that
/// looks like personal data, whatever the data holds, becomes `mask(span)`.
pub fn mask_patterns(text: &str) -> String {
    let mut spans = Vec::new();
    let mut keep = Vec::new();
    key_spans(text, &mut spans, &mut keep);
    email_spans(text, &mut spans);
    number_spans(text, &mut spans);
    ipv6_spans(text, &mut spans);
    spans.retain(|&(a, b)| !keep.iter().any(|&(c, d)| a < d && c < b));
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (a, b) in merged {
        out.push_str(&text[at..a]);
        out.push_str(&mask(&text[a..b]));
        at = b;
    }
    out.push_str(&text[at..]);
    out
}

/// Each char of `s` with its byte offset.
fn char_starts(s: &str) -> Vec<(usize, char)> {
    s.char_indices().collect()
}

/// The value of each `kind:value` identifier key; pseudonyms (`~…`) and masks are kept.
fn key_spans(s: &str, spans: &mut Vec<(usize, usize)>, keep: &mut Vec<(usize, usize)>) {
    for kind in IDENTIFIER_KINDS {
        let pat = format!("{kind}:");
        for (i, _) in s.match_indices(&pat) {
            if s[..i].chars().last().is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            let start = i + pat.len();
            let len = s[start..]
                .find(|c: char| c.is_whitespace() || "\"',;()[]{}<>".contains(c))
                .unwrap_or(s.len() - start);
            let value = &s[start..start + len];
            if value.starts_with('~') || value.contains('*') {
                keep.push((start, start + len));
            } else if !value.is_empty() {
                spans.push((start, start + len));
            }
        }
    }
}

fn email_spans(s: &str, spans: &mut Vec<(usize, usize)>) {
    let local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    for (at, _) in s.match_indices('@') {
        let start = s[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| local(c))
            .last()
            .map(|(i, _)| i);
        let end = at
            + 1
            + s[at + 1..]
                .find(|c: char| !domain(c))
                .unwrap_or(s.len() - at - 1);
        let host = s[at + 1..end].trim_end_matches('.');
        if let (Some(start), true) = (start, host.contains('.') && !host.starts_with('.')) {
            spans.push((start, at + 1 + host.len()));
        }
    }
}

/// Phone- and card-like numbers (7+ digits in groups joined by at most two of ` -.()`, an
/// optional leading `+`) and dotted IPv4 addresses; ISO dates (`2017-04-03`) are left.
fn number_spans(s: &str, spans: &mut Vec<(usize, usize)>) {
    let chars = char_starts(s);
    let sep = |c: char| " -.()".contains(c);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let begin = if i > 0 && chars[i - 1].1 == '+' {
            i - 1
        } else {
            i
        };
        let (mut j, mut digits, mut groups) = (i, 0, Vec::new());
        loop {
            let g = j;
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            digits += j - g;
            groups.push((g, j));
            let mut k = j;
            while k < chars.len() && k - j < 2 && sep(chars[k].1) {
                k += 1;
            }
            if k > j && k < chars.len() && chars[k].1.is_ascii_digit() {
                j = k;
            } else {
                break;
            }
        }
        let text = |a: usize, b: usize| {
            let end = chars.get(b).map_or(s.len(), |c| c.0);
            &s[chars[a].0..end]
        };
        let run = text(i, j);
        let iso_date = groups.len() == 3
            && run.len() == 10
            && run.as_bytes()[4] == b'-'
            && run.as_bytes()[7] == b'-';
        let ipv4 = groups.len() == 4
            && groups.iter().all(|&(a, b)| (1..=3).contains(&(b - a)))
            && run.matches('.').count() == 3
            && run.len() == digits + 3;
        if (digits >= 7 && !iso_date) || ipv4 {
            let end = chars.get(j).map_or(s.len(), |c| c.0);
            spans.push((chars[begin].0, end));
        }
        i = j.max(i + 1);
    }
}

/// IPv6 addresses: hex groups of at most 4 joined by `:`, with `::` or at least 3 colons.
fn ipv6_spans(s: &str, spans: &mut Vec<(usize, usize)>) {
    let chars = char_starts(s);
    let part = |c: char| c.is_ascii_hexdigit() || c == ':';
    let mut i = 0;
    while i < chars.len() {
        if !part(chars[i].1) || (i > 0 && chars[i - 1].1.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && part(chars[j].1) {
            j += 1;
        }
        let after_word = j < chars.len() && chars[j].1.is_alphanumeric();
        let end = chars.get(j).map_or(s.len(), |c| c.0);
        let run = &s[chars[i].0..end];
        let colons = run.matches(':').count();
        let groups_ok = run.split(':').all(|g| g.len() <= 4);
        let hex = run.chars().any(|c| c.is_ascii_hexdigit());
        if !after_word && groups_ok && hex && (run.contains("::") || colons >= 3) {
            spans.push((chars[i].0, end));
        }
        i = j.max(i + 1);
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
    fn name_candidates_hold_every_possible_name_of_the_text() {
        let c = name_candidates("我是胡雅琪，叫Li Wei (li-wei) 来.  Maria del Carmen!");
        for want in [
            "胡雅琪",
            "我是",
            "雅琪",
            "Li Wei",
            "Maria del Carmen",
            "li-wei",
            "Maria",
        ] {
            assert!(c.iter().any(|w| w == want), "{want} missing from {c:?}");
        }
        // a run of four CJK characters at most, words only across single spaces, nothing short
        assert!(!c.iter().any(|w| w == "我是胡雅琪"));
        assert!(!c.iter().any(|w| w.contains("来.  Maria") || w == "来"));
        assert!(!c.iter().any(|w| w == "Li"));
    }

    #[test]
    fn marketplace_text_withholds_what_it_could_not_check() {
        let g = guard(&[Role::Analyst], false);
        let review = g.marketplace_text(Some("Wang Fang sells fakes")).unwrap();
        let note = g.free_text(Some("Wang Fang sells fakes")).unwrap();
        g.names_unchecked.store(true, Ordering::Relaxed);
        let mut v = json!([review, note]);
        g.redact(&mut v);
        assert_eq!(v, json!([NAMES_UNCHECKED, "Wang Fang sells fakes"]));
        // a name found by the lookup is masked in marketplace text and wherever else it shows
        let g = guard(&[Role::Analyst], false);
        let review = g.marketplace_text(Some("Wang Fang sells fakes")).unwrap();
        g.name(Some("Wang Fang"));
        let mut v = json!([review, "assigned to Wang Fang"]);
        g.redact(&mut v);
        assert!(!v.to_string().contains("Wang Fang"), "{v}");
    }

    #[test]
    fn free_text_patterns_are_masked_whatever_the_data_holds() {
        for (raw, secret) in [
            ("call +86 138-0013-8000 now", "0013"),
            ("card 4111 1111 1111 1111.", "1111 1111"),
            ("from 117.145.64.208 and 10.0.0.1", "145.64"),
            ("v6 2001:db8::ff00:42:8329 ok", "db8::ff00"),
            ("mail li.wei@example.com", "wei@example"),
            ("key phone:ph:6ccee6e23a3d9d02", "6ccee6e23a"),
        ] {
            let shown = mask_patterns(raw);
            assert!(!shown.contains(secret), "{raw} → {shown}");
        }
        // Dates, times and pseudonyms stay readable.
        let plain = "on 2017-04-03 at 10:00:00 see phone:~3f9a1c0b2d, ring-1";
        assert_eq!(mask_patterns(plain), plain);
    }

    #[test]
    fn free_text_masks_what_it_is_about_and_skips_the_key_dependent_pass() {
        let g = guard(&[Role::Analyst], false);
        g.register_subjects(["杜某某"], ["phone:ph:6ccee6e23a3d9d02"]);
        let mut body = json!({"note": g.free_text(Some("杜某某 ph:6ccee6e23a3d9d02 phone:ph:6ccee6e23a3d9d02"))});
        g.redact(&mut body);
        let text = body["note"].as_str().unwrap();
        assert!(
            !text.contains("杜某某") && !text.contains("6ccee6e23a"),
            "{text}"
        );
        assert!(
            !text.contains(":~"),
            "no keyed pseudonym of typed text: {text}"
        );
    }

    #[test]
    fn caller_input_comes_back_the_same_for_a_right_and_a_wrong_guess() {
        let g = guard(&[Role::Analyst], false);
        g.identifier_key("phone:13800138000");
        g.name(Some("Li Wei"));
        let echo = |guess: &str| {
            let mut body = json!({"data": null, "errors": [{"message": format!("no {guess}"), "path": [guess]}]});
            g.redact_response(&mut body);
            let mut text = g.caller_text(guess);
            let mut stored = json!({ "v": guess });
            g.mask_caller_input(&mut stored);
            let mut read = json!(text);
            g.redact(&mut read);
            text = read.as_str().unwrap().to_string();
            (body.to_string(), stored.to_string(), text)
        };
        for (right, wrong) in [
            ("phone:13800138000", "phone:13800138001"),
            ("Li Wei", "Li Wen"),
        ] {
            let (a, b) = (echo(right), echo(wrong));
            // Equal once each guess, raw or data-independently masked, is blanked out.
            let blank = |x: &str, g: &str| x.replace(&mask_patterns(g), "?").replace(g, "?");
            let same = |x: &str, y: &str| blank(x, right) == blank(y, wrong);
            assert!(
                same(&a.0, &b.0) && same(&a.1, &b.1) && same(&a.2, &b.2),
                "{a:?} vs {b:?}"
            );
        }
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
