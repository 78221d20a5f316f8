//! Compact sets of record ids seen in a dataset, per kind, for reference checks without
//! holding every id string: ids are stored as 64-bit SipHash digests (fixed keys, so runs
//! are reproducible). At 20 M ids the chance of any collision is about 1 in 100,000; a
//! collision could only hide a dangling reference, never invent one.

use crate::model::RecordKind;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

/// Hashes a digest by itself: it is already a uniform 64-bit hash, so SipHashing it again
/// for a set lookup only costs time (tens of millions of lookups in a large load).
#[derive(Default, Clone, Copy)]
pub struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A set of digests (see [`DigestHasher`]).
pub type DigestSet = HashSet<u64, BuildHasherDefault<DigestHasher>>;
/// A map keyed by digests (see [`DigestHasher`]).
pub type DigestMap<V> = HashMap<u64, V, BuildHasherDefault<DigestHasher>>;

#[derive(Default)]
pub struct IdIndex {
    sets: HashMap<RecordKind, DigestSet>,
}

/// The 64-bit digest the index stores; also keys the loader's sets of pairs and accounts.
pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl IdIndex {
    /// Adds an id; false when the kind already had it.
    pub fn insert(&mut self, kind: RecordKind, id: &str) -> bool {
        self.sets.entry(kind).or_default().insert(digest(id))
    }

    pub fn contains(&self, kind: RecordKind, id: &str) -> bool {
        self.sets
            .get(&kind)
            .is_some_and(|s| s.contains(&digest(id)))
    }
}

impl IdIndex {
    /// Forgets an id (its record was rejected after all), so references to it fail too.
    pub fn remove(&mut self, kind: RecordKind, id: &str) {
        if let Some(s) = self.sets.get_mut(&kind) {
            s.remove(&digest(id));
        }
    }
}
