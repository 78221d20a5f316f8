//! Exact money: integer minor units plus an ISO 4217 currency. Never a float.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    /// Amount in minor units (fen for CNY).
    pub minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must be a non-negative decimal string such as \"600.00\", got {0:?}")]
    Malformed(String),
    #[error("has more than two fraction digits: {0:?}")]
    TooPrecise(String),
    #[error("is negative: {0:?}")]
    Negative(String),
    #[error("is too large: {0:?}")]
    Overflow(String),
    #[error("currency must be three upper-case letters (ISO 4217), got {0:?}")]
    Currency(String),
}

impl Money {
    pub const DEFAULT_CURRENCY: &'static str = "CNY";

    /// Parses the contract's decimal string (`"600.00"`, `"600"`, `"0.5"`).
    pub fn parse(amount: &str, currency: Option<&str>) -> Result<Self, MoneyError> {
        let currency = currency.unwrap_or(Self::DEFAULT_CURRENCY);
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(MoneyError::Currency(currency.to_string()));
        }
        let s = amount.trim();
        if s.starts_with('-') {
            return Err(MoneyError::Negative(amount.to_string()));
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || (s.contains('.') && frac.is_empty())
        {
            return Err(MoneyError::Malformed(amount.to_string()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(amount.to_string()));
        }
        let overflow = || MoneyError::Overflow(amount.to_string());
        let whole: i64 = whole.parse().map_err(|_| overflow())?;
        let frac_minor: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| overflow())? * 10,
            _ => frac.parse().map_err(|_| overflow())?,
        };
        let minor = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac_minor))
            .ok_or_else(overflow)?;
        Ok(Money {
            minor,
            currency: currency.to_string(),
        })
    }

    pub fn cny(minor: i64) -> Self {
        Money {
            minor,
            currency: Self::DEFAULT_CURRENCY.to_string(),
        }
    }

    /// The decimal string of the contract, always with two fraction digits.
    pub fn decimal(&self) -> String {
        format_minor(self.minor)
    }
}

/// Formats minor units as a decimal string with two fraction digits.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_minor_units() {
        assert_eq!(Money::parse("600.00", None).unwrap().minor, 60_000);
        assert_eq!(Money::parse("8800", None).unwrap().minor, 880_000);
        assert_eq!(Money::parse("0.5", None).unwrap().minor, 50);
        assert_eq!(Money::parse("0.07", Some("USD")).unwrap().currency, "USD");
        assert_eq!(
            Money::parse("1240000.00", None).unwrap().decimal(),
            "1240000.00"
        );
    }

    #[test]
    fn rejects_what_the_contract_forbids() {
        assert!(matches!(
            Money::parse("-5", None),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Money::parse("1.234", None),
            Err(MoneyError::TooPrecise(_))
        ));
        for bad in ["", "abc", "1,00", "1.", ".5", "1e3", "+5"] {
            assert!(
                matches!(Money::parse(bad, None), Err(MoneyError::Malformed(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Money::parse("1", Some("cny")),
            Err(MoneyError::Currency(_))
        ));
        assert!(matches!(
            Money::parse("99999999999999999999", None),
            Err(MoneyError::Overflow(_))
        ));
    }
}
