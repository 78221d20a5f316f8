//! Findings are replaced atomically (issue 9): each run has an id, times, parameters and the
//! program version; readers see the last complete run while the next is in progress; a second
//! run is refused with `CONFLICT`; every finding names its run.

use crate::common::{self, error_code};
use crate::market::Market;
use investigator::detect::runs;
use investigator::graph::{Cypher, Params};
use serde_json::json;

const RINGS: &str =
    "{ rings(minScore: 0) { edges { node { id runId members { account { id } } } } } }";
const RUNS: &str = "{ detectionRuns(first: 10) { edges { node { id status startedAt finishedAt detectors params version actor counts currentFor } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn readers_see_the_last_complete_run_until_the_next_completes() {
    let app = common::app().await;
    let m = Market::new("runs");
    m.crew("c", 3, 3);
    app.load(m.data.path()).await.unwrap();

    let first = app
        .data("mutation { detect { runId detector found } }", json!({}))
        .await;
    let run1 = first["detect"][0]["runId"].as_str().unwrap().to_string();
    assert!(first["detect"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["runId"] == run1.as_str()));
    let rings = common::nodes(&app.data(RINGS, json!({})).await, "rings");
    assert_eq!(rings.len(), 1, "{rings:?}");
    assert_eq!(rings[0]["runId"], run1.as_str(), "a finding names its run");
    let ring_id = rings[0]["id"].as_str().unwrap().to_string();

    let d = app.data(RUNS, json!({})).await;
    let r = &common::nodes(&d, "detectionRuns")[0];
    assert_eq!(r["id"], run1.as_str());
    assert_eq!(r["status"], "COMPLETE");
    assert_eq!(r["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["actor"], "test-all");
    assert!(r["params"].as_str().unwrap().contains("RingParams"));
    assert!(r["finishedAt"].as_str().is_some());
    assert_eq!(r["currentFor"], json!(["extortion", "insider", "rings"]));

    // Another run is in progress (as another server process would hold it) and has written
    // part of its findings.
    let held = runs::start(&app.graph, &["rings"], "{}", "other-process")
        .await
        .unwrap();
    app.graph
        .run(
            &Cypher {
                name: "test_half_written",
                text: "CREATE (:Ring {id: 'half', runId: $run, kind: 'UNKNOWN', score: 0.99, moneyIn: 0, moneyOut: 0, reasons: '[]', evidence: '{}'})",
            },
            Params::new().with("run", held.id.as_str()),
        )
        .await
        .unwrap();
    let rings = common::nodes(&app.data(RINGS, json!({})).await, "rings");
    assert_eq!(
        rings.len(),
        1,
        "the half-written run is invisible: {rings:?}"
    );
    assert_eq!(rings[0]["runId"], run1.as_str());
    // A second run is refused while one is in progress.
    let body = app.gql("mutation { detect { runId } }", json!({})).await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains(&held.id));
    let d = app.data(RUNS, json!({})).await;
    assert_eq!(common::nodes(&d, "detectionRuns")[0]["status"], "RUNNING");

    // It completes: its findings replace the first run's in one step.
    let run2 = held.id.clone();
    runs::complete(&app.graph, held, &["rings"], "{\"rings\": 1}")
        .await
        .unwrap();
    let rings = common::nodes(&app.data(RINGS, json!({})).await, "rings");
    assert_eq!(rings.len(), 1);
    assert_eq!(
        (rings[0]["id"].as_str(), rings[0]["runId"].as_str()),
        (Some("half"), Some(run2.as_str()))
    );
    // Extortion and insider findings still come from the first run.
    let d = app.data(RUNS, json!({})).await;
    let listed = common::nodes(&d, "detectionRuns");
    assert_eq!(listed[0]["currentFor"], json!(["rings"]));
    assert_eq!(listed[1]["currentFor"], json!(["extortion", "insider"]));

    // A failed run changes nothing readers see.
    let held = runs::start(&app.graph, &["rings"], "{}", "crashing")
        .await
        .unwrap();
    runs::fail(&app.graph, held, &["rings"], "out of memory").await;
    let rings = common::nodes(&app.data(RINGS, json!({})).await, "rings");
    assert_eq!(rings[0]["runId"], run2.as_str());
    let d = app.data(RUNS, json!({})).await;
    assert_eq!(common::nodes(&d, "detectionRuns")[0]["status"], "FAILED");

    // A full run afterwards: the ring is found again under its old id, and only the current
    // and the previous runs' findings are kept.
    let third = app.data("mutation { detect { runId } }", json!({})).await;
    let run3 = third["detect"][0]["runId"].as_str().unwrap().to_string();
    let rings = common::nodes(&app.data(RINGS, json!({})).await, "rings");
    assert_eq!(rings.len(), 1);
    assert_eq!(
        (rings[0]["id"].as_str(), rings[0]["runId"].as_str()),
        (Some(ring_id.as_str()), Some(run3.as_str()))
    );
    let kept: Vec<String> = app
        .graph
        .column(
            &Cypher {
                name: "test_kept_runs",
                text: "MATCH (g:Ring) RETURN DISTINCT g.runId AS r ORDER BY r",
            },
            Params::new(),
            "r",
            std::time::Duration::from_secs(5),
        )
        .await
        .unwrap();
    let mut expected = vec![run2.clone(), run3.clone()];
    expected.sort();
    assert_eq!(kept, expected, "the first run's rings were purged");
    app.stop().await;
}

/// Only the current and the previous run keep their extortion chain pairs (what an
/// incremental run based on them counts); older runs lose them when a run completes.
#[tokio::test(flavor = "multi_thread")]
async fn chain_pairs_stay_on_the_current_and_previous_run_only() {
    let app = common::app().await;
    let m = Market::new("pairs");
    m.crew("c", 3, 3);
    app.load(m.data.path()).await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let d = app
            .data("mutation { detect { runId detector found } }", json!({}))
            .await;
        assert!(
            d["detect"][1]["found"].as_i64().unwrap() > 0,
            "the crew extorts: {d}"
        );
        ids.push(d["detect"][0]["runId"].as_str().unwrap().to_string());
    }
    let pairs = |run: &str| {
        let (graph, run) = (app.graph.clone(), run.to_string());
        async move {
            let n: Vec<Option<i64>> = graph
                .column(
                    &Cypher {
                        name: "test_chain_pairs",
                        text: "MATCH (r:DetectionRun {id: $run}) RETURN size(r.chainPayees) AS n",
                    },
                    Params::new().with("run", run.as_str()),
                    "n",
                    std::time::Duration::from_secs(10),
                )
                .await
                .unwrap();
            n.first().copied().flatten()
        }
    };
    assert_eq!(
        pairs(&ids[0]).await,
        None,
        "the oldest run's pairs are cleared"
    );
    assert!(
        pairs(&ids[1]).await.unwrap_or(0) > 0,
        "the previous run keeps its pairs"
    );
    assert!(
        pairs(&ids[2]).await.unwrap_or(0) > 0,
        "the current run keeps its pairs"
    );
}
