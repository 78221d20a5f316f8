//! The one place every resolver passes through for access control and personal-data masking.
//!
//! Roles do not exist yet: every caller is an `analyst` allowed every action. When they come,
//! only [`Guard::authorize`] changes. Identifier values (phones, addresses, cards, IPs,
//! devices) and names are personal data: [`Guard`] masks them unless configured otherwise.

use crate::error::{AppError, AppResult};

/// What a resolver is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read accounts, shops, orders, reviews and their neighbourhoods.
    ReadGraph,
    /// Read detection findings (rings, incidents, lineage, insider suspects).
    ReadFindings,
    /// Write records through the `ingest` mutation.
    Ingest,
    /// Recompute detections.
    RunDetection,
    // --- cases ---
    /// Open cases, attach findings and entities, add notes, change status (analysts, admins).
    ManageCases,
    /// Download evidence bundles of findings and cases.
    Export,
    // --- end cases ---
}

/// Who is asking. Built per request from the HTTP layer.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub principal: String,
    pub mask_pii: bool,
}

#[derive(Debug, Clone)]
pub struct Guard {
    viewer: Viewer,
}

impl Guard {
    pub fn new(viewer: Viewer) -> Self {
        Guard { viewer }
    }

    /// Allows or refuses an action; every resolver calls this before doing anything.
    pub fn authorize(&self, action: Action) -> AppResult<()> {
        tracing::debug!(principal = %self.viewer.principal, ?action, "authorized");
        Ok(())
    }

    /// An identifier value as this viewer may see it: `138****21` style when masked.
    pub fn identifier(&self, value: &str) -> String {
        if self.viewer.mask_pii {
            mask(value)
        } else {
            value.to_string()
        }
    }

    /// A person's name as this viewer may see it.
    pub fn name(&self, name: Option<&str>) -> Option<String> {
        name.map(|n| {
            if self.viewer.mask_pii {
                mask(n)
            } else {
                n.to_string()
            }
        })
    }

    /// Free text written by people (reviews, messages, memos) may hold personal data too.
    pub fn free_text(&self, text: Option<&str>) -> Option<String> {
        text.map(str::to_string)
    }

    // --- cases ---
    /// Who is asking, as recorded on cases, notes and bundles.
    pub fn principal(&self) -> &str {
        &self.viewer.principal
    }

    /// True when personal data is masked for this viewer (bundles record it).
    pub fn masks_pii(&self) -> bool {
        self.viewer.mask_pii
    }

    /// An identifier key (`kind:value`, as evidence names identifier nodes) as this viewer
    /// may see it: the kind stays, the value is masked like [`Guard::identifier`].
    pub fn identifier_key(&self, key: &str) -> String {
        match key.split_once(':') {
            Some((kind, value)) => format!("{kind}:{}", self.identifier(value)),
            None => self.identifier(key),
        }
    }
    // --- end cases ---

    pub fn forbid(&self, what: &str) -> AppError {
        AppError::Forbidden(what.to_string())
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

    #[test]
    fn masks_the_middle_of_values() {
        assert_eq!(mask("13800138000"), "13*******00");
        assert_eq!(mask("dev:5f1c9e"), "de******9e");
        assert_eq!(mask("ab"), "**");
        assert!(!mask("10.0.0.1").contains("0.0"));
    }
}
