//! Hired-agent lineage (placeholder until the detector lands).
