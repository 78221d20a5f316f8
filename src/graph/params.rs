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

/// A Bolt map built field by field: one row of an `UNWIND $rows` batch.
#[derive(Default, Clone)]
pub struct Row(BoltMap);

impl Row {
    pub fn new() -> Self {
        Row(BoltMap::with_capacity(8))
    }

    pub fn set(mut self, key: &str, value: impl ToBolt) -> Self {
        self.0.put(BoltString::from(key), value.to_bolt());
        self
    }
}

impl ToBolt for Row {
    fn to_bolt(&self) -> BoltType {
        BoltType::Map(self.0.clone())
    }
}

impl From<Row> for BoltType {
    fn from(r: Row) -> Self {
        BoltType::Map(r.0)
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

    pub(crate) fn into_query(self, text: &str) -> neo4rs::Query {
        self.0
            .into_iter()
            .fold(neo4rs::query(text), |q, (k, v)| q.param(k, v))
    }
}
