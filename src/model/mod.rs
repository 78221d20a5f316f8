//! Plain domain types shared by ingest, detectors and the API. No I/O here.

mod money;
mod records;
mod time;

pub use money::{format_minor, Money, MoneyError};
pub use records::*;
pub use time::{Timestamp, TimestampError};

/// Maximum length of any record id, from the dataset contract.
pub const MAX_ID_LEN: usize = 128;
