//! Per-request batching of lookups by id (the DataLoader pattern): when a list resolves, every
//! item's `author`, `shop`, `buyer`… asks for one id; the first asker waits one scheduler turn
//! so its siblings (juniper polls a list's items together) can add theirs, then fetches them
//! all in one query. A list of 100 reviews costs one account query, not 100. Results are
//! cached for the rest of the request.

use crate::error::{AppError, AppResult};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// One kind of record, fetched by id in batches.
pub struct Batcher<T> {
    state: Mutex<State<T>>,
    fetched: Notify,
}

struct State<T> {
    /// Ids asked for and not yet being fetched.
    queued: HashSet<String>,
    /// Ids being fetched by some asker.
    in_flight: HashSet<String>,
    /// Finished lookups: the record, or `None` when it does not exist.
    done: HashMap<String, Option<T>>,
    /// A failed fetch, reported to every asker of its ids with its own code.
    failed: HashMap<String, Arc<AppError>>,
}

impl<T: Clone> Default for Batcher<T> {
    fn default() -> Self {
        Batcher {
            state: Mutex::new(State {
                queued: HashSet::new(),
                in_flight: HashSet::new(),
                done: HashMap::new(),
                failed: HashMap::new(),
            }),
            fetched: Notify::new(),
        }
    }
}

impl<T: Clone> Batcher<T> {
    /// Caches a record fetched by other means (a parent's statement), unless one is cached.
    pub fn prime(&self, id: &str, record: T) {
        let mut s = self.state.lock().unwrap();
        s.done.entry(id.to_string()).or_insert(Some(record));
    }

    /// The record with `id` (None when absent), fetched together with every id its siblings
    /// ask for in the same turn. `fetch` gets the batch and returns the records found with
    /// their ids.
    pub async fn load<F, Fut>(&self, id: &str, fetch: F) -> AppResult<Option<T>>
    where
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = AppResult<Vec<(String, T)>>>,
    {
        {
            let mut s = self.state.lock().unwrap();
            if let Some(found) = s.done.get(id) {
                return Ok(found.clone());
            }
            if !s.in_flight.contains(id) {
                s.queued.insert(id.to_string());
            }
        }
        // Let the other items of the list being resolved queue their ids.
        tokio::task::yield_now().await;
        let batch: Vec<String> = {
            let mut s = self.state.lock().unwrap();
            let batch: Vec<String> = s.queued.drain().collect();
            s.in_flight.extend(batch.iter().cloned());
            batch
        };
        if !batch.is_empty() {
            let result = fetch(batch.clone()).await;
            let mut s = self.state.lock().unwrap();
            for b in &batch {
                s.in_flight.remove(b);
            }
            match result {
                Ok(rows) => {
                    let mut found: HashMap<String, T> = rows.into_iter().collect();
                    for b in batch {
                        let v = found.remove(&b);
                        s.done.insert(b, v);
                    }
                }
                Err(e) => {
                    let shared = Arc::new(e.again());
                    for b in batch {
                        s.failed.insert(b, Arc::clone(&shared));
                    }
                    drop(s);
                    self.fetched.notify_waiters();
                    return Err(e);
                }
            }
            drop(s);
            self.fetched.notify_waiters();
        }
        // Our id was in our batch, or in a sibling's: wait for that one to land.
        loop {
            let notified = self.fetched.notified();
            {
                let s = self.state.lock().unwrap();
                if let Some(found) = s.done.get(id) {
                    return Ok(found.clone());
                }
                if let Some(e) = s.failed.get(id) {
                    return Err(e.again());
                }
                if !s.in_flight.contains(id) && !s.queued.contains(id) {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "lookup of {id} was lost"
                    )));
                }
            }
            notified.await;
        }
    }
}

/// Batchers of per-record lists, one per page and filter: the items of a list asking for the
/// same page of their own lists (each review author's `paymentsSent`) share one fetch.
pub struct ListBatchers<T>(Mutex<HashMap<PageKey, Arc<Batcher<Vec<T>>>>>);

/// A page (skip, limit) and a filter.
type PageKey = (i64, i64, i64);

impl<T> Default for ListBatchers<T> {
    fn default() -> Self {
        ListBatchers(Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> ListBatchers<T> {
    pub fn of(&self, skip: i64, limit: i64, filter: i64) -> Arc<Batcher<Vec<T>>> {
        let mut m = self.0.lock().unwrap();
        Arc::clone(m.entry((skip, limit, filter)).or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn siblings_share_one_fetch_and_absent_ids_are_none() {
        let b: Batcher<String> = Batcher::default();
        let calls = AtomicUsize::new(0);
        let fetch = |ids: Vec<String>| {
            calls.fetch_add(1, Ordering::Relaxed);
            async move {
                Ok(ids
                    .into_iter()
                    .filter(|i| i != "missing")
                    .map(|i| (i.clone(), format!("record {i}")))
                    .collect())
            }
        };
        let ids = ["a", "b", "c", "a", "missing"];
        let results = futures::future::join_all(ids.iter().map(|i| b.load(i, fetch))).await;
        assert_eq!(
            calls.load(Ordering::Relaxed),
            1,
            "one query for the whole list"
        );
        assert_eq!(results[0].as_ref().unwrap().as_deref(), Some("record a"));
        assert_eq!(results[3].as_ref().unwrap().as_deref(), Some("record a"));
        assert_eq!(results[4].as_ref().unwrap(), &None);
        // Cached for the rest of the request.
        assert_eq!(
            b.load("b", fetch).await.unwrap().as_deref(),
            Some("record b")
        );
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn siblings_of_a_failed_fetch_get_its_code() {
        for (failure, code) in [
            (AppError::Timeout(40), "TIMEOUT"),
            (AppError::Overloaded(2000), "OVERLOADED"),
        ] {
            let b: Batcher<String> = Batcher::default();
            let failure = &failure;
            let fetch = |_ids: Vec<String>| async move { Err(failure.again()) };
            let ids = ["a", "b", "c"];
            let results = futures::future::join_all(ids.iter().map(|i| b.load(i, fetch))).await;
            for r in results {
                assert_eq!(r.unwrap_err().code(), code);
            }
        }
    }
}
