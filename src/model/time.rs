//! Instants as milliseconds since the Unix epoch, parsed from RFC 3339 with an offset.

use chrono::{DateTime, SecondsFormat, Utc};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Timestamp(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an RFC 3339 time with an offset such as \"2017-04-03T10:15:00+08:00\", got {0:?}")]
pub struct TimestampError(pub String);

impl Timestamp {
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| Timestamp(t.timestamp_millis()))
            .map_err(|_| TimestampError(s.to_string()))
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC, e.g. `2017-04-03T02:15:00Z`.
    pub fn rfc3339(self) -> String {
        DateTime::<Utc>::from_timestamp_millis(self.0)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .unwrap_or_else(|| self.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_to_the_same_instant() {
        let a = Timestamp::parse("2017-04-03T10:15:00+08:00").unwrap();
        let b = Timestamp::parse("2017-04-03T02:15:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.rfc3339(), "2017-04-03T02:15:00Z");
    }

    #[test]
    fn rejects_times_without_offset() {
        assert!(Timestamp::parse("2017-04-03T10:15:00").is_err());
        assert!(Timestamp::parse("yesterday").is_err());
        assert!(Timestamp::parse("2017-13-03T10:15:00Z").is_err());
    }
}
