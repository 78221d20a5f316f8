//! Where records come from: a dataset directory (streamed line by line) or an in-memory
//! batch from the `ingest` mutation. Both yield `(location, text)` per record, per kind.

use crate::model::RecordKind;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Where a record came from, for error messages: `orders.ndjson:17` or `records[3]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum Location {
    File { file: String, line: u64 },
    Input { index: u64 },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File { file, line } => write!(f, "{file}:{line}"),
            Location::Input { index } => write!(f, "records[{index}]"),
        }
    }
}

/// One record's raw text and where it came from.
pub struct RawRecord {
    pub location: Location,
    pub text: String,
}

/// A source of raw records, readable any number of times (validation, then writing).
pub enum Source {
    Dir(PathBuf),
    Memory(Vec<(RecordKind, String)>),
}

impl Source {
    /// Checks the directory exists and warns about files the contract does not know.
    pub fn dir(path: &Path) -> std::io::Result<Source> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a directory", path.display()),
            ));
        }
        for entry in std::fs::read_dir(path)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".ndjson") {
                if RecordKind::from_file_stem(stem).is_none() && stem != "labels" {
                    tracing::warn!(file = %name, "ignoring a file that is not a record kind of the contract");
                }
            }
        }
        Ok(Source::Dir(path.to_path_buf()))
    }

    /// Size in bytes of a kind's input, for progress bars (0 when unknown).
    pub fn size_hint(&self, kind: RecordKind) -> u64 {
        match self {
            Source::Dir(dir) => std::fs::metadata(dir.join(format!("{}.ndjson", kind.file_stem())))
                .map(|m| m.len())
                .unwrap_or(0),
            Source::Memory(v) => v.iter().filter(|(k, _)| *k == kind).count() as u64,
        }
    }

    /// Calls `each` for every non-blank record of `kind`, in input order.
    pub fn for_each<E>(
        &self,
        kind: RecordKind,
        mut each: impl FnMut(RawRecord) -> Result<(), E>,
    ) -> Result<(), SourceError<E>> {
        match self {
            Source::Dir(dir) => {
                let name = format!("{}.ndjson", kind.file_stem());
                let path = dir.join(&name);
                let file = match File::open(&path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                    Err(e) => return Err(SourceError::Io(path, e)),
                };
                let mut reader = BufReader::with_capacity(1 << 20, file);
                let mut buf = String::new();
                let mut line = 0u64;
                loop {
                    buf.clear();
                    let n = reader.read_line(&mut buf).map_err(|e| {
                        SourceError::Io(
                            path.clone(),
                            std::io::Error::new(e.kind(), format!("line {}: {e}", line + 1)),
                        )
                    })?;
                    if n == 0 {
                        return Ok(());
                    }
                    line += 1;
                    let text = buf.trim();
                    if text.is_empty() {
                        continue;
                    }
                    each(RawRecord {
                        location: Location::File {
                            file: name.clone(),
                            line,
                        },
                        text: text.to_string(),
                    })
                    .map_err(SourceError::Stop)?;
                }
            }
            Source::Memory(records) => {
                for (index, (k, text)) in records.iter().enumerate() {
                    if *k == kind && !text.trim().is_empty() {
                        each(RawRecord {
                            location: Location::Input {
                                index: index as u64,
                            },
                            text: text.clone(),
                        })
                        .map_err(SourceError::Stop)?;
                    }
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError<E> {
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    #[error(transparent)]
    Stop(E),
}
