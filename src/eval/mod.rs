//! The evaluation harness: `investigator eval <dataset-dir>` runs the detectors on a dataset
//! that is already loaded and scores them against its `labels.ndjson` (ground truth that no
//! detector ever reads). Each detector contributes [`Metric`]s from its own submodule; this
//! module reads labels, runs the sections and prints a table or JSON.

pub mod gate;
mod insider;
mod labels;
mod lineage;
mod rings;

pub use labels::{Label, Labels};

use crate::detect::DetectError;
use crate::graph::Graph;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One precision/recall measurement.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// `rings/group`, `rings/member`, `incidents/review`, `lineage/organizer`, …
    pub name: String,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// What was counted, and anything a reader must know (e.g. benign look-alikes flagged).
    pub note: String,
}

impl Metric {
    pub fn from_counts(name: &str, tp: u64, fp: u64, fn_: u64, note: impl Into<String>) -> Self {
        let p = if tp + fp == 0 {
            1.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let r = if tp + fn_ == 0 {
            1.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Metric {
            name: name.to_string(),
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
            precision: p,
            recall: r,
            f1,
            note: note.into(),
        }
    }

    /// Compares a predicted set against a truth set.
    pub fn from_sets(
        name: &str,
        predicted: &BTreeSet<String>,
        truth: &BTreeSet<String>,
        note: impl Into<String>,
    ) -> Self {
        let tp = predicted.intersection(truth).count() as u64;
        let fp = predicted.difference(truth).count() as u64;
        let fn_ = truth.difference(predicted).count() as u64;
        Self::from_counts(name, tp, fp, fn_, note)
    }
}

/// A whole evaluation: every metric plus timings.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dataset: String,
    /// Ground-truth labels read from `labels.ndjson`.
    pub labels: usize,
    pub metrics: Vec<Metric>,
    /// Seconds per detector run (the full `detect` as the product runs it).
    pub timings: Vec<(String, f64)>,
}

impl Report {
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "evaluation of {} ({} labels)", self.dataset, self.labels);
        let _ = writeln!(
            s,
            "{:<28} {:>6} {:>6} {:>6} {:>9} {:>7} {:>6}  note",
            "metric", "TP", "FP", "FN", "precision", "recall", "F1"
        );
        for m in &self.metrics {
            let _ = writeln!(
                s,
                "{:<28} {:>6} {:>6} {:>6} {:>9.3} {:>7.3} {:>6.3}  {}",
                m.name,
                m.true_positives,
                m.false_positives,
                m.false_negatives,
                m.precision,
                m.recall,
                m.f1,
                m.note
            );
        }
        for (d, secs) in &self.timings {
            let _ = writeln!(s, "time {d:<23} {secs:>8.2} s");
        }
        s
    }
}

/// Runs detection on the loaded graph, then scores every detector against `labels`.
#[tracing::instrument(skip(graph, labels))]
pub async fn evaluate(
    graph: &Graph,
    labels: &Labels,
    dataset: &str,
) -> Result<Report, DetectError> {
    let runs = crate::detect::run(graph, &crate::detect::Detector::ALL, "cli:eval").await?;
    let mut metrics = Vec::new();
    metrics.extend(rings::evaluate(graph, labels).await?);
    metrics.extend(lineage::evaluate(graph, labels).await?);
    metrics.extend(insider::evaluate(graph, labels).await?);
    Ok(Report {
        dataset: dataset.to_string(),
        labels: labels.all.len(),
        metrics,
        timings: runs
            .into_iter()
            .map(|r| (r.detector.to_string(), r.seconds))
            .collect(),
    })
}
