//! Tracing setup: human-readable text on a terminal, or JSON lines for log collectors.

use crate::config::LogFormat;
use tracing_subscriber::{fmt, EnvFilter};

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.compact().try_init(),
    };
}

/// Removes the data values a driver or decoder quotes in its error messages (Neo4j's
/// "property `key` = 'phone:138…'", serde's "invalid type: string \"Li Wei\"") so that no log
/// line or error chain carries personal data: the text between a pair of single or double
/// quotes becomes `…`. Backticks (identifiers such as query and property names) are kept.
pub fn scrub_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            out.push(c);
            continue;
        }
        // Find the closing quote on the same line; without one, keep the quote as text.
        let rest: String = chars.clone().take_while(|&x| x != '\n').collect();
        match rest.find(c) {
            Some(end) if end > 0 => {
                out.push(c);
                out.push('…');
                out.push(c);
                for _ in 0..=rest[..end].chars().count() {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::scrub_values;

    #[test]
    fn quoted_values_leave_error_messages() {
        assert_eq!(
            scrub_values("Node(7) already exists with label `Identifier` and property `key` = 'phone:13800138000'"),
            "Node(7) already exists with label `Identifier` and property `key` = '…'"
        );
        assert_eq!(
            scrub_values("invalid type: string \"Li Wei\", expected i64"),
            "invalid type: string \"…\", expected i64"
        );
        assert_eq!(scrub_values("it's fine"), "it's fine");
        assert_eq!(
            scrub_values("query `account_by_id` failed"),
            "query `account_by_id` failed"
        );
    }
}
