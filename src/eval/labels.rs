//! `labels.ndjson`: ground truth for evaluation only — never loaded into the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    pub entity_id: String,
    pub label: String,
    pub group: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub all: Vec<Label>,
}

impl Labels {
    /// Reads `<dir>/labels.ndjson`; a missing file is an error (nothing to evaluate against).
    pub fn read(dir: &Path) -> std::io::Result<Self> {
        let path = dir.join("labels.ndjson");
        let file = std::fs::File::open(&path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut all = Vec::new();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let label: Label = serde_json::from_str(&line).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}:{}: {e}", path.display(), i + 1),
                )
            })?;
            all.push(label);
        }
        Ok(Labels { all })
    }

    /// Entity ids carrying `label` (any group, any role).
    pub fn entities(&self, label: &str) -> BTreeSet<String> {
        self.all
            .iter()
            .filter(|l| l.label == label)
            .map(|l| l.entity_id.clone())
            .collect()
    }

    /// Entity ids carrying `label` with `role`.
    pub fn with_role(&self, label: &str, role: &str) -> BTreeSet<String> {
        self.all
            .iter()
            .filter(|l| l.label == label && l.role.as_deref() == Some(role))
            .map(|l| l.entity_id.clone())
            .collect()
    }

    /// Groups of `label`: group name → member entity ids.
    pub fn groups(&self, label: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for l in self.all.iter().filter(|l| l.label == label) {
            if let Some(g) = &l.group {
                out.entry(g.clone())
                    .or_default()
                    .insert(l.entity_id.clone());
            }
        }
        out
    }
}
