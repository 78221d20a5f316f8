//! Building query parameters: every value reaches Neo4j as a Bolt parameter, never as text.

use neo4rs::{BoltList, BoltMap, BoltNull, BoltString, BoltType};

/// Conversion of domain values into Bolt values (strings, integers, lists, maps).
pub trait ToBolt {
    fn to_bolt(&self) -> BoltType;
}

impl ToBolt for str {
    fn to_bolt(&self) -> BoltType {
        BoltType::String(BoltString::from(self))
    }
}
impl ToBolt for String {
    fn to_bolt(&self) -> BoltType {
        self.as_str().to_bolt()
    }
}
impl ToBolt for i64 {
    fn to_bolt(&self) -> BoltType {
        BoltType::from(*self)
    }
}
impl ToBolt for f64 {
    fn to_bolt(&self) -> BoltType {
        BoltType::from(*self)
    }
}
impl ToBolt for bool {
    fn to_bolt(&self) -> BoltType {
        BoltType::from(*self)
    }
}
impl<T: ToBolt + ?Sized> ToBolt for &T {
    fn to_bolt(&self) -> BoltType {
        (**self).to_bolt()
    }
}
impl<T: ToBolt> ToBolt for Option<T> {
    fn to_bolt(&self) -> BoltType {
        match self {
            Some(v) => v.to_bolt(),
            None => BoltType::Null(BoltNull),
        }
    }
}
impl<T: ToBolt> ToBolt for [T] {
    fn to_bolt(&self) -> BoltType {
        BoltType::List(BoltList::from(
            self.iter().map(ToBolt::to_bolt).collect::<Vec<_>>(),
        ))
    }
}
impl<T: ToBolt> ToBolt for Vec<T> {
    fn to_bolt(&self) -> BoltType {
        self.as_slice().to_bolt()
    }
}
impl ToBolt for BoltType {
    fn to_bolt(&self) -> BoltType {
        self.clone()
    }
}

/// One row of an `UNWIND $rows` batch, built field by field. Sent as a map (`r.amount`), or
/// as a list of the values in the order they were set (`r[3]`) for hot statements that name
/// their columns once: a list carries no key strings to encode, send and decode per row.
#[derive(Default, Clone)]
pub struct Row(Vec<(&'static str, BoltType)>);

impl Row {
    pub fn new() -> Self {
        Row(Vec::with_capacity(8))
    }

    pub fn set(mut self, key: &'static str, value: impl ToBolt) -> Self {
        self.0.push((key, value.to_bolt()));
        self
    }

    /// The field names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(k, _)| *k)
    }

    fn into_map(self) -> BoltMap {
        let mut map = BoltMap::with_capacity(self.0.len());
        for (k, v) in self.0 {
            map.put(BoltString::from(k), v);
        }
        map
    }

    fn into_list(self) -> BoltList {
        BoltList::from(self.0.into_iter().map(|(_, v)| v).collect::<Vec<_>>())
    }
}

impl ToBolt for Row {
    fn to_bolt(&self) -> BoltType {
        BoltType::Map(self.clone().into_map())
    }
}

impl From<Row> for BoltType {
    fn from(r: Row) -> Self {
        BoltType::Map(r.into_map())
    }
}

/// Named parameters for one query.
#[derive(Default)]
pub struct Params(Vec<(&'static str, BoltType)>);

impl Params {
    pub fn new() -> Self {
        Params(Vec::new())
    }

    pub fn with(mut self, key: &'static str, value: impl ToBolt) -> Self {
        self.0.push((key, value.to_bolt()));
        self
    }

    /// A list of rows for `UNWIND $rows AS r`, moved (not cloned) into the parameter.
    pub fn with_rows(mut self, key: &'static str, rows: Vec<Row>) -> Self {
        let list: Vec<BoltType> = rows.into_iter().map(BoltType::from).collect();
        self.0.push((key, BoltType::List(BoltList::from(list))));
        self
    }

    /// Rows as lists of their values (see [`Row`]), moved into the parameter.
    pub fn with_value_rows(mut self, key: &'static str, rows: Vec<Row>) -> Self {
        let list: Vec<BoltType> = rows
            .into_iter()
            .map(|r| BoltType::List(r.into_list()))
            .collect();
        self.0.push((key, BoltType::List(BoltList::from(list))));
        self
    }

    pub(crate) fn into_query(self, text: &str) -> neo4rs::Query {
        self.0
            .into_iter()
            .fold(neo4rs::query(text), |q, (k, v)| q.param(k, v))
    }
}
