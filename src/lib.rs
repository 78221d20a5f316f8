//! Collusion investigator: marketplace review-extortion rings, hired feedback agents and
//! insider rating removal, found in a Neo4j graph and explained through a GraphQL API.
//!
//! Layers (dependencies point one way): `api` → `detect` → `graph` → `model`; `ingest` feeds
//! the graph; `http` serves `api`. See `docs/ARCHITECTURE.md`.

pub mod access;
pub mod api;
pub mod cases;
pub mod config;
pub mod detect;
pub mod error;
pub mod eval;
pub mod export;
pub mod generate;
pub mod graph;
pub mod http;
pub mod ingest;
pub mod investigate;
pub mod model;
pub mod telemetry;
