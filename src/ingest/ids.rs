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

/// Every record id seen so far, per kind; [`IdIndex::numbered`] also keeps each id's ordinal,
/// its position among its kind's ids (0, 1, 2, … in input order), which the bulk path turns
/// into node ids. Without ordinals an id costs half the memory (9 bytes against 17 a slot).
pub enum IdIndex {
    Plain(HashMap<RecordKind, DigestSet>),
    Numbered(HashMap<RecordKind, DigestMap<u32>>),
}

impl Default for IdIndex {
    fn default() -> Self {
        IdIndex::Plain(HashMap::new())
    }
}

/// The 64-bit digest the index stores; also keys the loader's sets of pairs and accounts.
pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl IdIndex {
    pub fn numbered() -> IdIndex {
        IdIndex::Numbered(HashMap::new())
    }

    /// Adds an id and returns its ordinal (0 when the index keeps none); None when the kind
    /// already had it. Past 2^32 - 1 ids of one kind the ordinal saturates (the bulk path
    /// then refuses: its node ids must be dense).
    pub fn insert(&mut self, kind: RecordKind, id: &str) -> Option<u32> {
        match self {
            IdIndex::Plain(sets) => sets
                .entry(kind)
                .or_default()
                .insert(digest(id))
                .then_some(0),
            IdIndex::Numbered(maps) => {
                let map = maps.entry(kind).or_default();
                let ordinal = u32::try_from(map.len()).unwrap_or(u32::MAX);
                match map.entry(digest(id)) {
                    std::collections::hash_map::Entry::Occupied(_) => None,
                    std::collections::hash_map::Entry::Vacant(v) => Some(*v.insert(ordinal)),
                }
            }
        }
    }

    /// The ordinal of a known id (0 when the index keeps none).
    pub fn get(&self, kind: RecordKind, id: &str) -> Option<u32> {
        match self {
            IdIndex::Plain(sets) => sets.get(&kind)?.contains(&digest(id)).then_some(0),
            IdIndex::Numbered(maps) => maps.get(&kind)?.get(&digest(id)).copied(),
        }
    }

    /// Forgets an id (its record was rejected after all), so references to it fail too.
    pub fn remove(&mut self, kind: RecordKind, id: &str) {
        match self {
            IdIndex::Plain(sets) => sets.get_mut(&kind).map(|s| s.remove(&digest(id))),
            IdIndex::Numbered(maps) => maps.get_mut(&kind).map(|m| m.remove(&digest(id)).is_some()),
        };
    }
}

/// Where validation found a record's ids: its own id's ordinal, and every reference's kind
/// and ordinal by field name (at most three per record; see `Record::references`).
#[derive(Default, Debug)]
pub(crate) struct Resolved {
    pub own: Option<u32>,
    refs: [Option<(&'static str, RecordKind, u32)>; 3],
}

impl Resolved {
    pub fn push(&mut self, field: &'static str, kind: RecordKind, ordinal: u32) {
        if let Some(slot) = self.refs.iter_mut().find(|r| r.is_none()) {
            *slot = Some((field, kind, ordinal));
        } else {
            debug_assert!(false, "a record refers to more than three ids");
        }
    }

    /// The kind and ordinal of the id held in `field`.
    pub fn get(&self, field: &str) -> Option<(RecordKind, u32)> {
        self.refs
            .iter()
            .flatten()
            .find(|(f, _, _)| *f == field)
            .map(|&(_, kind, ordinal)| (kind, ordinal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_count_each_kinds_ids_in_order() {
        let mut plain = IdIndex::default();
        assert_eq!(plain.insert(RecordKind::Account, "a"), Some(0));
        assert_eq!(
            plain.insert(RecordKind::Account, "b"),
            Some(0),
            "no ordinals kept"
        );
        assert_eq!(plain.insert(RecordKind::Account, "a"), None, "a duplicate");
        assert_eq!(plain.get(RecordKind::Account, "b"), Some(0));
        assert_eq!(plain.get(RecordKind::Shop, "b"), None);
        let mut index = IdIndex::numbered();
        assert_eq!(index.insert(RecordKind::Account, "a"), Some(0));
        assert_eq!(index.insert(RecordKind::Account, "b"), Some(1));
        assert_eq!(
            index.insert(RecordKind::Shop, "a"),
            Some(0),
            "kinds count apart"
        );
        assert_eq!(index.insert(RecordKind::Account, "a"), None, "a duplicate");
        assert_eq!(index.get(RecordKind::Account, "b"), Some(1));
        assert_eq!(index.get(RecordKind::Order, "b"), None);
        let mut r = Resolved::default();
        r.push("buyerId", RecordKind::Account, 1);
        r.push("shopId", RecordKind::Shop, 0);
        assert_eq!(r.get("shopId"), Some((RecordKind::Shop, 0)));
        assert_eq!(r.get("orderId"), None);
    }
}
