//! Relay-style connections: `first`/`after` in, `edges`/`pageInfo` out. Cursors are opaque
//! offsets into a stable ordering (every list query orders by time, then id).

use crate::error::{AppError, AppResult};
use crate::graph::read::Slice;
use juniper::GraphQLObject;

pub const DEFAULT_PAGE: i32 = 20;

#[derive(Debug, Clone, GraphQLObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

fn encode(offset: i64) -> String {
    format!("cursor:{offset}")
}

/// The largest offset a cursor may carry: far past any list this API pages through, and small
/// enough that `offset + first + 1` can never overflow on its way to Cypher.
const MAX_OFFSET: i64 = 1 << 40;

fn decode(cursor: &str) -> AppResult<i64> {
    cursor
        .strip_prefix("cursor:")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| (0..MAX_OFFSET).contains(n))
        .ok_or_else(|| AppError::bad_input("after", "is not a cursor this API returned"))
}

/// The validated page a caller asked for.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    offset: i64,
    size: i64,
}

impl Page {
    /// Checks `first` against the hard cap and decodes `after`.
    pub fn new(first: Option<i32>, after: Option<&str>, max: usize) -> AppResult<Self> {
        let size = first.unwrap_or(DEFAULT_PAGE);
        if size < 0 || size as usize > max {
            return Err(AppError::bad_input(
                "first",
                format!("must be between 0 and {max}"),
            ));
        }
        let offset = match after {
            Some(c) => decode(c)? + 1,
            None => 0,
        };
        Ok(Page {
            offset,
            size: size as i64,
        })
    }

    /// The slice to fetch: one row more than asked, to know whether a next page exists.
    pub fn slice(&self) -> Slice {
        Slice {
            skip: self.offset,
            limit: self.size + 1,
        }
    }

    /// Cuts the fetched rows to the page and pairs each with its cursor.
    pub fn edges<T>(&self, mut rows: Vec<T>) -> (Vec<(String, T)>, PageInfo) {
        let has_next_page = rows.len() as i64 > self.size;
        rows.truncate(self.size as usize);
        let edges: Vec<(String, T)> = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (encode(self.offset + i as i64), r))
            .collect();
        let info = PageInfo {
            has_next_page,
            has_previous_page: self.offset > 0,
            start_cursor: edges.first().map(|e| e.0.clone()),
            end_cursor: edges.last().map(|e| e.0.clone()),
        };
        (edges, info)
    }
}

/// Declares `<Name>Connection` and `<Name>Edge` GraphQL types around a node type.
#[macro_export]
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty) => {
        #[derive(juniper::GraphQLObject)]
        #[graphql(context = $crate::api::Context)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[derive(juniper::GraphQLObject)]
        #[graphql(context = $crate::api::Context)]
        pub struct $conn {
            pub edges: Vec<$edge>,
            pub page_info: $crate::api::paging::PageInfo,
        }

        impl $conn {
            pub fn from_rows<R>(
                page: &$crate::api::paging::Page,
                rows: Vec<R>,
                wrap: impl Fn(R) -> $node,
            ) -> Self {
                let (edges, page_info) = page.edges(rows);
                $conn {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, r)| $edge {
                            cursor,
                            node: wrap(r),
                        })
                        .collect(),
                    page_info,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_with_cursors() {
        let p = Page::new(Some(2), None, 100).unwrap();
        assert_eq!((p.slice().skip, p.slice().limit), (0, 3));
        let (edges, info) = p.edges(vec!['a', 'b', 'c']);
        assert_eq!(edges.len(), 2);
        assert!(info.has_next_page && !info.has_previous_page);
        let next = Page::new(Some(2), info.end_cursor.as_deref(), 100).unwrap();
        assert_eq!(next.slice().skip, 2);
        let (_, info) = next.edges(vec!['c']);
        assert!(!info.has_next_page && info.has_previous_page);
    }

    #[test]
    fn refuses_oversized_pages_and_forged_cursors() {
        assert!(Page::new(Some(101), None, 100).is_err());
        assert!(Page::new(Some(-1), None, 100).is_err());
        assert!(Page::new(None, Some("bogus"), 100).is_err());
        assert!(Page::new(None, Some("cursor:-4"), 100).is_err());
        assert!(Page::new(None, Some("cursor:9223372036854775807"), 100).is_err());
        assert!(Page::new(None, Some("cursor:99999999999999999999"), 100).is_err());
    }
}
