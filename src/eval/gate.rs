//! The quality gate CI runs on `eval` (`investigator eval DIR --gate`): the thresholds every
//! report must meet, and the failures of one report. One table, so a reviewer sees at once
//! what "good enough" means.

use super::{Metric, Report};

/// Which number of a metric a rule checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Precision,
    Recall,
    /// False positives, which must not exceed the bound.
    FalsePositives,
}

/// One gate rule: `metric`'s `measure` must be at least (at most, for false positives) `bound`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub metric: &'static str,
    pub measure: Measure,
    pub bound: f64,
    pub why: &'static str,
}

/// Every rule of the gate.
pub const RULES: &[Rule] = &[
    Rule {
        metric: "rings/group",
        measure: Measure::Recall,
        bound: 0.95,
        why: "planted groups found as rings",
    },
    Rule {
        metric: "rings/member",
        measure: Measure::Precision,
        bound: 0.95,
        why: "ring members who are planted",
    },
    Rule {
        metric: "rings/member",
        measure: Measure::Recall,
        bound: 0.95,
        why: "planted accounts in rings",
    },
    Rule {
        metric: "incidents/review",
        measure: Measure::Precision,
        bound: 0.95,
        why: "incidents on extortion reviews",
    },
    Rule {
        metric: "incidents/review",
        measure: Measure::Recall,
        bound: 0.95,
        why: "extortion reviews with an incident",
    },
    Rule {
        metric: "incidents/attempt",
        measure: Measure::Precision,
        bound: 0.9,
        why: "attempts on extortion reviews",
    },
    Rule {
        metric: "incidents/attempt",
        measure: Measure::Recall,
        bound: 0.8,
        why: "refused demands found as attempts",
    },
    Rule {
        metric: "incidents/complete",
        measure: Measure::Recall,
        bound: 0.95,
        why: "complete chains found complete",
    },
    Rule {
        metric: "lineage/roles",
        measure: Measure::Recall,
        bound: 0.95,
        why: "lineage returns each planted account with its role",
    },
    Rule {
        metric: "lineage/start",
        measure: Measure::Recall,
        bound: 1.0,
        why: "every trace returns its start",
    },
    Rule {
        metric: "insider/precision@",
        measure: Measure::Recall,
        bound: 1.0,
        why: "planted insiders ranked first",
    },
    Rule {
        metric: "rings/benign-flagged",
        measure: Measure::FalsePositives,
        bound: 0.0,
        why: "benign look-alikes in rings",
    },
    Rule {
        metric: "insider/busy_moderators",
        measure: Measure::FalsePositives,
        bound: 0.0,
        why: "busy moderators suspected",
    },
];

fn value(m: &Metric, measure: Measure) -> f64 {
    match measure {
        Measure::Precision => m.precision,
        Measure::Recall => m.recall,
        Measure::FalsePositives => m.false_positives as f64,
    }
}

/// The failed rules of `report`, one sentence each (empty: the gate passes). A metric the
/// report lacks fails its rules: a detector that stopped reporting is a regression too.
pub fn failures(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for r in RULES {
        let Some(m) = report.metrics.iter().find(|m| m.name.starts_with(r.metric)) else {
            out.push(format!("{}: missing from the report ({})", r.metric, r.why));
            continue;
        };
        let v = value(m, r.measure);
        let ok = match r.measure {
            Measure::FalsePositives => v <= r.bound,
            _ => v + 1e-9 >= r.bound,
        };
        if !ok {
            out.push(format!(
                "{} {:?} {:.3} {} {} ({}): {}",
                m.name,
                r.measure,
                v,
                if r.measure == Measure::FalsePositives {
                    ">"
                } else {
                    "<"
                },
                r.bound,
                r.why,
                m.note
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(metrics: Vec<Metric>) -> Report {
        Report {
            dataset: "t".into(),
            labels: 0,
            metrics,
            timings: vec![],
        }
    }

    fn all_good() -> Vec<Metric> {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.metric).collect();
        names.dedup();
        names
            .into_iter()
            .map(|n| {
                let name = if n.ends_with('@') {
                    format!("{n}1")
                } else {
                    n.to_string()
                };
                Metric::from_counts(&name, 10, 0, 0, "")
            })
            .collect()
    }

    #[test]
    fn a_perfect_report_passes() {
        assert!(failures(&report(all_good())).is_empty());
    }

    #[test]
    fn low_recall_a_benign_flag_or_a_missing_metric_fails() {
        let mut m = all_good();
        m[0] = Metric::from_counts("rings/group", 9, 0, 1, "missed: campaign-2");
        let f = failures(&report(m));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].starts_with("rings/group Recall 0.900 < 0.95") && f[0].contains("campaign-2"),
            "{f:?}"
        );
        let mut m = all_good();
        for x in m.iter_mut().filter(|x| x.name == "rings/benign-flagged") {
            *x = Metric::from_counts("rings/benign-flagged", 0, 1, 0, "a7");
        }
        assert_eq!(failures(&report(m)).len(), 1);
        let m: Vec<Metric> = all_good()
            .into_iter()
            .filter(|x| x.name != "lineage/roles")
            .collect();
        assert!(failures(&report(m))[0].contains("missing"));
    }
}
