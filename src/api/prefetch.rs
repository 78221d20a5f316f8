//! Lists fetched ahead by a root resolver. `account(id)` and `shop(id)` read the document's
//! selection (juniper's look-ahead) and fetch the record together with the first page of each
//! list asked for below it, in one statement instead of one per list (each statement costs
//! Neo4j a transaction and the request a round trip). The list resolvers take their rows from
//! here when the page and filter match, and query as before otherwise (another page, an alias
//! with other arguments, a nested account).

use super::entities::{Account, Shop};
use super::{not_found, Context};
use crate::error::AppResult;
use crate::graph::read::{IdentifierUse, Slice};
use crate::model::{Order, Review};
use juniper::{DefaultScalarValue, LookAheadSelection, LookAheadValue, ScalarValue};
use std::collections::HashMap;
use std::sync::Mutex;

/// A parent's id, the page (skip, limit) and a filter (maxRating; 0 when the list has none).
type Key = (String, i64, i64, i64);

/// Rows of one kind of list, fetched ahead, each taken once.
pub struct Stash<T>(Mutex<HashMap<Key, Vec<T>>>);

impl<T> Default for Stash<T> {
    fn default() -> Self {
        Stash(Mutex::new(HashMap::new()))
    }
}

impl<T> Stash<T> {
    pub fn put(&self, parent: &str, s: Slice, filter: i64, rows: Vec<T>) {
        let key = (parent.to_string(), s.skip, s.limit, filter);
        self.0.lock().unwrap().insert(key, rows);
    }

    pub fn take(&self, parent: &str, s: Slice, filter: i64) -> Option<Vec<T>> {
        let key = (parent.to_string(), s.skip, s.limit, filter);
        self.0.lock().unwrap().remove(&key)
    }
}

/// Everything fetched ahead in one request.
#[derive(Default)]
pub struct Prefetched {
    pub account_orders: Stash<Order>,
    pub account_reviews: Stash<Review>,
    pub account_identifiers: Stash<IdentifierUse>,
    pub shop_reviews: Stash<Review>,
}

type Selection<'a> = LookAheadSelection<'a, DefaultScalarValue>;

/// The child field `name` (not aliased away: the first occurrence by its real name).
pub fn child<'a>(sel: &Selection<'a>, name: &str) -> Option<Selection<'a>> {
    sel.children()
        .iter()
        .find(|c| c.field_original_name() == name)
        .copied()
}

/// Whether a connection's nodes (`edges { node { … } }`) select `field`.
pub fn nodes_select(conn: &Selection<'_>, field: &str) -> bool {
    child(conn, "edges")
        .and_then(|e| child(&e, "node"))
        .is_some_and(|n| child(&n, field).is_some())
}

/// The page a list field asks for, as its resolver will compute it; None when its arguments
/// are invalid (the resolver then reports the error itself).
pub fn page_of(ctx: &Context, list: &Selection<'_>) -> Option<Slice> {
    let first = int_arg(list, "first");
    let after = match list.argument("after").map(|a| a.value()) {
        Some(LookAheadValue::Scalar(s)) => Some(s.try_as_str()?.to_string()),
        _ => None,
    };
    ctx.page(first, after.as_deref()).ok().map(|p| p.slice())
}

/// An Int argument; None when absent or null.
pub fn int_arg(sel: &Selection<'_>, name: &str) -> Option<i32> {
    match sel.argument(name).map(|a| a.value()) {
        Some(LookAheadValue::Scalar(s)) => s.try_to_int(),
        _ => None,
    }
}

/// The page key of an unpaged list (identifiers).
pub const ALL: Slice = Slice { skip: 0, limit: 0 };

/// What `account(id)` fetches with the account.
pub struct AccountPlan {
    orders: Option<Slice>,
    reviews: Option<Slice>,
    identifiers: bool,
}

impl AccountPlan {
    pub fn of(ctx: &Context, sel: &Selection<'_>) -> Self {
        AccountPlan {
            orders: child(sel, "orders").and_then(|l| page_of(ctx, &l)),
            reviews: child(sel, "reviews").and_then(|l| page_of(ctx, &l)),
            identifiers: child(sel, "identifiers").is_some(),
        }
    }
}

/// What `shop(id)` fetches with the shop: a page of reviews at most `maxRating`, and whether
/// their authors are selected.
pub struct ShopPlan {
    reviews: Option<(Slice, i64)>,
    authors: bool,
}

impl ShopPlan {
    pub fn of(ctx: &Context, sel: &Selection<'_>) -> Self {
        let reviews = child(sel, "reviews");
        ShopPlan {
            reviews: reviews.and_then(|l| {
                let max_rating = int_arg(&l, "maxRating").unwrap_or(5);
                Some((page_of(ctx, &l)?, max_rating as i64))
            }),
            authors: reviews.is_some_and(|l| nodes_select(&l, "author")),
        }
    }
}

impl Context {
    /// `account(id)`: with the lists its selection asks for, in one statement when it asks
    /// for any; through the batched lookup otherwise.
    pub async fn account_ahead(&self, id: &str, plan: AccountPlan) -> AppResult<Account> {
        if plan.orders.is_none() && plan.reviews.is_none() && !plan.identifiers {
            return self.account(id).await;
        }
        let found = self
            .reader
            .account_overview(id, plan.orders, plan.reviews, plan.identifiers)
            .await?;
        let o = found.ok_or_else(|| not_found("account", id))?;
        let p = &self.prefetched;
        if let Some(s) = plan.orders {
            p.account_orders.put(id, s, 0, o.orders);
        }
        if let Some(s) = plan.reviews {
            p.account_reviews.put(id, s, 0, o.reviews);
        }
        if plan.identifiers {
            p.account_identifiers.put(id, ALL, 0, o.identifiers);
        }
        self.accounts.prime(id, o.account.clone());
        Ok(Account(o.account))
    }

    /// `shop(id)`: with the page of reviews its selection asks for (and their authors), in one
    /// statement when it asks for reviews; through the batched lookup otherwise.
    pub async fn shop_ahead(&self, id: &str, plan: ShopPlan) -> AppResult<Shop> {
        let Some((slice, max_rating)) = plan.reviews else {
            return self.shop(id).await;
        };
        let found = self
            .reader
            .shop_overview(id, max_rating, Some(slice), plan.authors)
            .await?;
        let o = found.ok_or_else(|| not_found("shop", id))?;
        self.prefetched
            .shop_reviews
            .put(id, slice, max_rating, o.reviews);
        for a in o.authors {
            self.accounts.prime(&a.id.clone(), a);
        }
        self.shops.prime(id, o.shop.clone());
        Ok(Shop(o.shop))
    }
}
