//! The `ingest` mutation: the loader's code path for small batches sent over GraphQL.

use super::Context;
use crate::error::{AppError, AppResult};
use crate::ingest::{self, LoadError, LoadOptions, Source};
use crate::model::RecordKind;
use juniper::{GraphQLInputObject, GraphQLObject};

/// One record: its kind (the file stem: `accounts`, `orders`, `review_events`, …) and the
/// record as a JSON object text.
#[derive(GraphQLInputObject)]
pub struct IngestRecord {
    pub kind: String,
    pub json: String,
}

#[derive(GraphQLObject)]
pub struct IngestResult {
    /// Records written (created or updated).
    pub written: i32,
    pub kinds: Vec<IngestKindCount>,
    /// Records refused (only with `skipInvalid: true`).
    pub rejected: Vec<RejectedRecord>,
}

#[derive(GraphQLObject)]
pub struct IngestKindCount {
    pub kind: String,
    pub read: i32,
    /// Records written: `created` of them were known to be new and created; the rest were merged (updated when present, added otherwise: referrals, and identifier links of accounts already in the graph, are always merged).
    pub written: i32,
    pub created: i32,
    pub rejected: i32,
}

#[derive(GraphQLObject)]
pub struct RejectedRecord {
    /// `records[i]`: the index in the mutation's `records` list.
    pub location: String,
    pub field: String,
    pub reason: String,
}

pub async fn run(
    ctx: &Context,
    records: Vec<IngestRecord>,
    skip_invalid: bool,
) -> AppResult<IngestResult> {
    let cap = ctx.config.api.max_ingest_records;
    if records.len() > cap {
        return Err(AppError::bad_input(
            "records",
            format!(
                "{} records sent; at most {cap} per call — use `investigator load` for datasets",
                records.len()
            ),
        ));
    }
    let mut batch = Vec::with_capacity(records.len());
    for (i, r) in records.into_iter().enumerate() {
        let kind = RecordKind::from_file_stem(&r.kind).ok_or_else(|| {
            let kinds: Vec<_> = RecordKind::LOAD_ORDER
                .iter()
                .map(|k| k.file_stem())
                .collect();
            AppError::bad_input(
                format!("records[{i}].kind"),
                format!(
                    "unknown kind {:?}; expected one of {}",
                    r.kind,
                    kinds.join(", ")
                ),
            )
        })?;
        batch.push((kind, r.json));
    }
    let opts = LoadOptions {
        skip_invalid,
        batch_size: ctx.config.ingest.batch_size,
        writers: 1,
        progress: false,
    };
    match ingest::load(&ctx.graph, Source::Memory(batch), &opts).await {
        Ok(report) => Ok(IngestResult {
            written: report.written() as i32,
            kinds: report
                .kinds
                .iter()
                .filter(|k| k.read > 0)
                .map(|k| IngestKindCount {
                    kind: k.kind.to_string(),
                    read: k.read as i32,
                    written: k.written as i32,
                    created: k.created as i32,
                    rejected: k.rejected as i32,
                })
                .collect(),
            rejected: report.rejected.iter().map(rejected).collect(),
        }),
        Err(LoadError::Invalid { errors, total }) => Err(AppError::InvalidRecords {
            total,
            errors: errors
                .iter()
                .map(|e| (e.location.to_string(), e.field.clone(), e.reason.clone()))
                .collect(),
        }),
        Err(LoadError::Graph(e)) => Err(e.into()),
        Err(LoadError::Source(e)) => Err(AppError::Internal(anyhow::anyhow!(e))),
    }
}

fn rejected(e: &ingest::RecordError) -> RejectedRecord {
    RejectedRecord {
        location: e.location.to_string(),
        field: e.field.clone(),
        reason: e.reason.clone(),
    }
}
