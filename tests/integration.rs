//! The integration suite: one test binary (one link, one process) over a real Neo4j.
//! Each file is a module; tests share `common` and run one at a time on a wiped database.

mod common;
mod market;

mod audit_trail;
mod bulk;
mod cases;
mod detection_runs;
mod entities;
mod extortion;
mod http_and_schema;
mod http_limits;
mod incremental;
mod ingest;
mod insider;
mod lineage;
mod pool_integrity;
mod rings;
mod scaling;
mod security;
