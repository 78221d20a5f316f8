//! Typed reads for the API's entity lookups and neighbourhoods. Each function runs one
//! catalog query; paging is `skip`/`limit` (the API turns Relay cursors into these).

use super::{queries as q, Graph, GraphError, Params};
use crate::model::{Account, Complaint, Message, Order, Payment, Review, ReviewEvent, Shop};
use std::time::Duration;

/// A slice of a list: rows `skip .. skip + limit`.
#[derive(Debug, Clone, Copy)]
pub struct Slice {
    pub skip: i64,
    pub limit: i64,
}

/// An identifier an account used, with how many accounts share it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierUse {
    pub key: String,
    pub kind: String,
    pub value: String,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub accounts: i64,
}

/// Another account tied to the subject by shared identifiers.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LinkedAccount {
    pub account: Account,
    pub via: Vec<SharedIdentifier>,
    pub strength: f64,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SharedIdentifier {
    pub key: String,
    pub kind: String,
    pub value: String,
    pub accounts: i64,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphCounts {
    pub accounts: i64,
    pub shops: i64,
    pub identifiers: i64,
    pub orders: i64,
    pub payments: i64,
    pub reviews: i64,
    pub complaints: i64,
    pub review_events: i64,
    pub messages: i64,
    pub relationships: i64,
}

/// An account with first pages of its lists, fetched in one statement (`account_overview`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AccountOverview {
    pub account: Account,
    pub orders: Vec<Order>,
    pub reviews: Vec<Review>,
    pub identifiers: Vec<IdentifierUse>,
}

/// A shop with a first page of its reviews and their authors, in one statement
/// (`shop_overview`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ShopOverview {
    pub shop: Shop,
    pub reviews: Vec<Review>,
    pub authors: Vec<Account>,
}

/// A page of the payments one account sent, with their recipients
/// (`payments_sent_by_accounts`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentPayments {
    pub id: String,
    pub payments: Vec<Payment>,
    pub recipients: Vec<Account>,
}

/// One parent's list, from a statement that reads the lists of several parents at once
/// (`*_by_<parents>`): what a list's items ask for their own lists, in one statement.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ListOf<T> {
    /// The parent's id.
    pub id: String,
    pub rows: Vec<T>,
}

/// Read operations with one time limit for every query.
#[derive(Clone)]
pub struct Reader {
    graph: Graph,
    limit: Duration,
}

fn id(id: &str) -> Params {
    Params::new().with("id", id)
}

fn paged(key: &str, s: Slice) -> Params {
    Params::new()
        .with("id", key)
        .with("skip", s.skip)
        .with("limit", s.limit)
}

fn of(ids: &[String]) -> Params {
    Params::new().with("ids", ids.to_vec())
}

fn paged_of(ids: &[String], s: Slice) -> Params {
    of(ids).with("skip", s.skip).with("limit", s.limit)
}

impl Reader {
    pub fn new(graph: Graph, limit: Duration) -> Self {
        Reader { graph, limit }
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub async fn account(&self, key: &str) -> Result<Option<Account>, GraphError> {
        self.graph.row(&q::ACCOUNT_BY_ID, id(key), self.limit).await
    }

    pub async fn accounts(&self, ids: &[String]) -> Result<Vec<Account>, GraphError> {
        self.graph
            .rows(
                &q::ACCOUNTS_BY_IDS,
                Params::new().with("ids", ids.to_vec()),
                self.limit,
            )
            .await
    }

    pub async fn reviews(&self, ids: &[String]) -> Result<Vec<Review>, GraphError> {
        self.graph
            .rows(
                &q::REVIEWS_BY_IDS,
                Params::new().with("ids", ids.to_vec()),
                self.limit,
            )
            .await
    }

    pub async fn shops(&self, ids: &[String]) -> Result<Vec<Shop>, GraphError> {
        self.graph
            .rows(
                &q::SHOPS_BY_IDS,
                Params::new().with("ids", ids.to_vec()),
                self.limit,
            )
            .await
    }

    pub async fn shop(&self, key: &str) -> Result<Option<Shop>, GraphError> {
        self.graph.row(&q::SHOP_BY_ID, id(key), self.limit).await
    }

    /// The account and the lists asked for (`None` skips a list), in one statement.
    pub async fn account_overview(
        &self,
        key: &str,
        orders: Option<Slice>,
        reviews: Option<Slice>,
        identifiers: bool,
    ) -> Result<Option<AccountOverview>, GraphError> {
        let none = Slice { skip: 0, limit: 0 };
        let (o, r) = (orders.unwrap_or(none), reviews.unwrap_or(none));
        let p = id(key)
            .with("ordersSkip", o.skip)
            .with("ordersLimit", o.limit)
            .with("reviewsSkip", r.skip)
            .with("reviewsLimit", r.limit)
            .with("identifiers", identifiers);
        self.graph.row(&q::ACCOUNT_OVERVIEW, p, self.limit).await
    }

    /// Runs the one-statement lookups once (an id that matches nothing), so Neo4j has planned
    /// them before a request needs them: planning one takes several times longer than the
    /// simple statements, and a plan cut short by a tight statement budget is not cached.
    /// Plans are cached by text and parameter types, so any values do.
    pub async fn plan_lookups(&self) -> Result<(), GraphError> {
        let page = Some(Slice { skip: 0, limit: 1 });
        self.account_overview("", page, page, true).await?;
        self.shop_overview("", 5, page, true).await?;
        self.payments_sent_of(&[], false, Slice { skip: 0, limit: 1 })
            .await?;
        Ok(())
    }

    /// The shop, a page of its reviews (`None` skips them) and, when `authors`, their authors,
    /// in one statement.
    pub async fn shop_overview(
        &self,
        key: &str,
        max_rating: i64,
        reviews: Option<Slice>,
        authors: bool,
    ) -> Result<Option<ShopOverview>, GraphError> {
        let r = reviews.unwrap_or(Slice { skip: 0, limit: 0 });
        let p = id(key)
            .with("maxRating", max_rating)
            .with("reviewsSkip", r.skip)
            .with("reviewsLimit", r.limit)
            .with("authors", authors);
        self.graph.row(&q::SHOP_OVERVIEW, p, self.limit).await
    }

    pub async fn order(&self, key: &str) -> Result<Option<Order>, GraphError> {
        self.graph.row(&q::ORDER_BY_ID, id(key), self.limit).await
    }

    pub async fn review(&self, key: &str) -> Result<Option<Review>, GraphError> {
        self.graph.row(&q::REVIEW_BY_ID, id(key), self.limit).await
    }

    pub async fn payments_sent(
        &self,
        key: &str,
        private_only: bool,
        s: Slice,
    ) -> Result<Vec<Payment>, GraphError> {
        let p = paged(key, s).with("privateOnly", private_only);
        self.graph
            .rows(&q::ACCOUNT_PAYMENTS_SENT, p, self.limit)
            .await
    }

    /// The same page of sent payments for each of `ids`, in one statement.
    pub async fn payments_sent_of(
        &self,
        ids: &[String],
        private_only: bool,
        s: Slice,
    ) -> Result<Vec<SentPayments>, GraphError> {
        let p = Params::new()
            .with("ids", ids.to_vec())
            .with("privateOnly", private_only)
            .with("skip", s.skip)
            .with("limit", s.limit);
        self.graph
            .rows(&q::PAYMENTS_SENT_BY_ACCOUNTS, p, self.limit)
            .await
    }

    pub async fn payments_received(
        &self,
        key: &str,
        private_only: bool,
        s: Slice,
    ) -> Result<Vec<Payment>, GraphError> {
        let p = paged(key, s).with("privateOnly", private_only);
        self.graph
            .rows(&q::ACCOUNT_PAYMENTS_RECEIVED, p, self.limit)
            .await
    }

    pub async fn identifiers(&self, key: &str) -> Result<Vec<IdentifierUse>, GraphError> {
        self.graph
            .rows(&q::ACCOUNT_IDENTIFIERS, id(key), self.limit)
            .await
    }

    pub async fn linked_accounts(
        &self,
        key: &str,
        max_share: i64,
        s: Slice,
    ) -> Result<Vec<LinkedAccount>, GraphError> {
        let p = paged(key, s).with("maxShare", max_share);
        self.graph
            .rows(&q::ACCOUNT_LINKED_ACCOUNTS, p, self.limit)
            .await
    }

    pub async fn owned_shops(&self, key: &str) -> Result<Vec<Shop>, GraphError> {
        self.graph
            .rows(&q::ACCOUNT_SHOPS, id(key), self.limit)
            .await
    }

    pub async fn messages(&self, key: &str, s: Slice) -> Result<Vec<Message>, GraphError> {
        self.graph
            .rows(&q::ACCOUNT_MESSAGES, paged(key, s), self.limit)
            .await
    }

    pub async fn orders(&self, ids: &[String]) -> Result<Vec<Order>, GraphError> {
        self.graph
            .rows(&q::ORDERS_BY_IDS, of(ids), self.limit)
            .await
    }

    /// The review of each of `orders` that has one.
    pub async fn reviews_of_orders(&self, orders: &[String]) -> Result<Vec<Review>, GraphError> {
        self.graph
            .rows(&q::REVIEWS_BY_ORDERS, of(orders), self.limit)
            .await
    }

    /// The same page of orders for each of `accounts` (as buyer), in one statement.
    pub async fn orders_of_accounts(
        &self,
        accounts: &[String],
        s: Slice,
    ) -> Result<Vec<ListOf<Order>>, GraphError> {
        let p = paged_of(accounts, s);
        self.graph.rows(&q::ORDERS_BY_ACCOUNTS, p, self.limit).await
    }

    /// The same page of orders for each of `shops`, in one statement.
    pub async fn orders_of_shops(
        &self,
        shops: &[String],
        s: Slice,
    ) -> Result<Vec<ListOf<Order>>, GraphError> {
        let p = paged_of(shops, s);
        self.graph.rows(&q::ORDERS_BY_SHOPS, p, self.limit).await
    }

    /// The same page of reviews for each of `authors`, in one statement.
    pub async fn reviews_of_authors(
        &self,
        authors: &[String],
        s: Slice,
    ) -> Result<Vec<ListOf<Review>>, GraphError> {
        let p = paged_of(authors, s);
        self.graph.rows(&q::REVIEWS_BY_AUTHORS, p, self.limit).await
    }

    /// The same page of reviews rated at most `max_rating` for each of `shops`.
    pub async fn reviews_of_shops(
        &self,
        shops: &[String],
        max_rating: i64,
        s: Slice,
    ) -> Result<Vec<ListOf<Review>>, GraphError> {
        let p = paged_of(shops, s).with("maxRating", max_rating);
        self.graph.rows(&q::REVIEWS_BY_SHOPS, p, self.limit).await
    }

    /// The payments settling each of `orders`.
    pub async fn payments_of_orders(
        &self,
        orders: &[String],
    ) -> Result<Vec<ListOf<Payment>>, GraphError> {
        self.graph
            .rows(&q::ORDER_PAYMENTS_BY_ORDERS, of(orders), self.limit)
            .await
    }

    pub async fn events_of_reviews(
        &self,
        reviews: &[String],
    ) -> Result<Vec<ListOf<ReviewEvent>>, GraphError> {
        self.graph
            .rows(&q::EVENTS_BY_REVIEWS, of(reviews), self.limit)
            .await
    }

    pub async fn complaints_of_reviews(
        &self,
        reviews: &[String],
    ) -> Result<Vec<ListOf<Complaint>>, GraphError> {
        self.graph
            .rows(&q::COMPLAINTS_BY_REVIEWS, of(reviews), self.limit)
            .await
    }

    pub async fn counts(&self) -> Result<GraphCounts, GraphError> {
        self.graph
            .row(&q::GRAPH_COUNTS, Params::new(), self.limit)
            .await?
            .ok_or_else(|| GraphError::Decode {
                query: q::GRAPH_COUNTS.name.into(),
                reason: "no row".into(),
            })
    }
}

/// The labels of dataset records (what `load` writes).
pub const DATASET_LABELS: [&str; 9] = [
    "Account",
    "Shop",
    "Identifier",
    "Order",
    "Payment",
    "Review",
    "Complaint",
    "ReviewEvent",
    "Message",
];

/// A census of the dataset part of the graph: node properties per (label, key, value type)
/// and relationships per (start label, type, end label) and property, each with counts and
/// value sums. Two loads of one dataset that agree here built the same graph up to which
/// value sits on which node; [`dump`] compares small graphs exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    pub node_properties: Vec<PropertyCensus>,
    pub relationships: Vec<RelationshipCensus>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct PropertyCensus {
    pub label: String,
    pub key: String,
    #[serde(rename = "type")]
    pub value_type: String,
    pub n: i64,
    pub low: i64,
    pub high: i64,
    pub chars: i64,
    pub trues: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RelationshipCensus {
    pub start: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub end: String,
    /// "" on the row counting the relationships themselves.
    pub key: String,
    #[serde(rename = "valueType")]
    pub value_type: String,
    pub n: i64,
    pub low: i64,
    pub high: i64,
    pub chars: i64,
}

/// Takes the [`Census`] of the dataset (a full scan: for tests and benchmarks).
pub async fn census(graph: &Graph) -> Result<Census, GraphError> {
    let labels = || Params::new().with("labels", DATASET_LABELS.to_vec());
    let limit = Duration::from_secs(1800);
    Ok(Census {
        node_properties: graph
            .rows(&q::CENSUS_NODE_PROPERTIES, labels(), limit)
            .await?,
        relationships: graph
            .rows(&q::CENSUS_RELATIONSHIPS, labels(), limit)
            .await?,
    })
}

/// Every dataset node and relationship with its properties, in a fixed order (tests only:
/// the whole graph in one answer).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Dump {
    pub nodes: Vec<serde_json::Value>,
    pub relationships: Vec<serde_json::Value>,
}

/// Takes the [`Dump`] of a small graph.
pub async fn dump(graph: &Graph) -> Result<Dump, GraphError> {
    let labels = Params::new().with("labels", DATASET_LABELS.to_vec());
    graph
        .row(&q::CENSUS_DUMP, labels, Duration::from_secs(300))
        .await?
        .ok_or_else(|| GraphError::Decode {
            query: q::CENSUS_DUMP.name.into(),
            reason: "no row".into(),
        })
}

/// Deletes every relationship, then every node, in bounded batches (tests and `investigator
/// wipe`). Returns the number of relationships and nodes deleted.
pub async fn wipe(graph: &Graph) -> Result<u64, GraphError> {
    let mut total = 0u64;
    loop {
        let n: Vec<i64> = graph
            .column(
                &q::ADMIN_WIPE_BATCH,
                Params::new().with("limit", 20_000i64),
                "deleted",
                Duration::from_secs(300),
            )
            .await?;
        let n = n.first().copied().unwrap_or(0);
        total += n as u64;
        tracing::debug!(deleted = total, "wiping");
        if n == 0 {
            return Ok(total);
        }
    }
}
