//! GraphQL objects for the marketplace records and their neighbourhoods. Resolvers are thin:
//! authorize through the guard, call one `Reader` function, wrap the result. A list's items
//! asking for their own neighbours (each order's `payments`) share one statement through
//! [`Batched`].

use super::loader::{Batcher, ListBatchers};
use super::{not_found, Context};
use crate::connection;
use crate::error::AppResult;
use crate::graph::read::{IdentifierUse, LinkedAccount as LinkedRow, ListOf};
use crate::graph::GraphError;
use crate::model::{self, Timestamp};
use juniper::graphql_object;
use std::future::Future;

/// Per-request batchers of the lookups below: one statement per list of items, not per item
/// (see [`super::loader`]).
#[derive(Default)]
pub struct Batched {
    orders: Batcher<model::Order>,
    review_of_order: Batcher<model::Review>,
    payments_of_order: Batcher<Vec<model::Payment>>,
    events_of_review: Batcher<Vec<model::ReviewEvent>>,
    complaints_of_review: Batcher<Vec<model::Complaint>>,
    orders_of_account: ListBatchers<model::Order>,
    reviews_of_author: ListBatchers<model::Review>,
    orders_of_shop: ListBatchers<model::Order>,
    reviews_of_shop: ListBatchers<model::Review>,
}

/// `parent`'s list from `b`, fetched by `fetch` together with the lists its siblings ask for.
async fn list_of<T, F, Fut>(b: &Batcher<Vec<T>>, parent: &str, fetch: F) -> AppResult<Vec<T>>
where
    T: Clone,
    F: FnOnce(Vec<String>) -> Fut,
    Fut: Future<Output = Result<Vec<ListOf<T>>, GraphError>>,
{
    let rows = b
        .load(parent, |ids| async move {
            Ok(fetch(ids)
                .await?
                .into_iter()
                .map(|l| (l.id, l.rows))
                .collect())
        })
        .await?;
    Ok(rows.unwrap_or_default())
}

fn time(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

/// An exact amount of money.
pub struct Money(pub model::Money);

#[graphql_object]
impl Money {
    /// Decimal string with two fraction digits, e.g. "600.00".
    fn amount(&self) -> String {
        self.0.decimal()
    }
    /// ISO 4217 code, e.g. "CNY".
    fn currency(&self) -> &str {
        &self.0.currency
    }
}

/// A marketplace account: a buyer, a seller, or a staff member's work account.
pub struct Account(pub model::Account);

connection!(AccountConnection, AccountEdge, Account);
connection!(OrderConnection, OrderEdge, Order);
connection!(ReviewConnection, ReviewEdge, Review);
connection!(PaymentConnection, PaymentEdge, Payment);
connection!(MessageConnection, MessageEdge, Message);
connection!(LinkedAccountConnection, LinkedAccountEdge, LinkedAccount);

#[graphql_object(context = Context)]
impl Account {
    fn id(&self) -> &str {
        &self.0.id
    }
    /// `buyer`, `seller` or `staff`.
    fn role(&self) -> &str {
        self.0.role.as_str()
    }
    /// The account's display name (masked unless personal data is unmasked).
    fn name(&self, ctx: &Context) -> Option<String> {
        ctx.guard.name(self.0.name.as_deref())
    }
    fn registered_at(&self) -> Option<String> {
        self.0.registered_at.map(Timestamp::rfc3339)
    }
    fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// Orders the account placed, oldest first.
    async fn orders(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<OrderConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = match ctx
            .prefetched
            .account_orders
            .take(&self.0.id, page.slice(), 0)
        {
            Some(rows) => rows,
            None => {
                let (reader, s) = (&ctx.reader, page.slice());
                let b = ctx.batched.orders_of_account.of(s.skip, s.limit, 0);
                list_of(&b, &self.0.id, |ids| async move {
                    reader.orders_of_accounts(&ids, s).await
                })
                .await?
            }
        };
        Ok(OrderConnection::from_rows(&page, rows, Order))
    }
    /// Reviews the account wrote, oldest first.
    async fn reviews(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<ReviewConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = match ctx
            .prefetched
            .account_reviews
            .take(&self.0.id, page.slice(), 0)
        {
            Some(rows) => rows,
            None => {
                let (reader, s) = (&ctx.reader, page.slice());
                let b = ctx.batched.reviews_of_author.of(s.skip, s.limit, 0);
                list_of(&b, &self.0.id, |ids| async move {
                    reader.reviews_of_authors(&ids, s).await
                })
                .await?
            }
        };
        Ok(ReviewConnection::from_rows(&page, rows, Review))
    }
    /// Payments the account sent; `privateOnly` keeps transfers not tied to an order.
    async fn payments_sent(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] private_only: bool,
    ) -> AppResult<PaymentConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = ctx
            .payments_sent(&self.0.id, private_only, page.slice())
            .await?;
        Ok(PaymentConnection::from_rows(&page, rows, Payment))
    }
    /// Payments the account received; `privateOnly` keeps transfers not tied to an order.
    async fn payments_received(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] private_only: bool,
    ) -> AppResult<PaymentConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = ctx
            .reader
            .payments_received(&self.0.id, private_only, page.slice())
            .await?;
        Ok(PaymentConnection::from_rows(&page, rows, Payment))
    }
    /// Devices, IPs, phones, addresses and cards the account used.
    async fn identifiers(&self, ctx: &Context) -> AppResult<Vec<Identifier>> {
        let all = crate::api::prefetch::ALL;
        let rows = match ctx.prefetched.account_identifiers.take(&self.0.id, all, 0) {
            Some(rows) => rows,
            None => ctx.reader.identifiers(&self.0.id).await?,
        };
        Ok(rows.into_iter().map(Identifier).collect())
    }
    /// Accounts sharing an identifier with this one, strongest tie first. An identifier shared
    /// by more than `maxShare` accounts (a public IP, say) ties nobody and is skipped; the
    /// default is the detectors' own definition of a rare identifier (10 accounts unless
    /// configured otherwise).
    async fn linked_accounts(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
        max_share: Option<i32>,
    ) -> AppResult<LinkedAccountConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let max_share = max_share
            .map(i64::from)
            .unwrap_or_else(|| crate::detect::thresholds::current().rare_identifier_max_accounts);
        let rows = ctx
            .reader
            .linked_accounts(&self.0.id, max_share, page.slice())
            .await?;
        Ok(LinkedAccountConnection::from_rows(
            &page,
            rows,
            LinkedAccount,
        ))
    }
    /// Shops the account owns.
    async fn shops(&self, ctx: &Context) -> AppResult<Vec<Shop>> {
        Ok(ctx
            .reader
            .owned_shops(&self.0.id)
            .await?
            .into_iter()
            .map(Shop)
            .collect())
    }
    /// Messages the account sent or received, oldest first.
    async fn messages(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<MessageConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = ctx.reader.messages(&self.0.id, page.slice()).await?;
        Ok(MessageConnection::from_rows(&page, rows, Message))
    }
}

/// An identifier (device, ip, phone, address, card) as used by an account.
pub struct Identifier(pub IdentifierUse);

#[graphql_object(context = Context)]
impl Identifier {
    /// `device`, `ip`, `phone`, `address` or `card`.
    fn kind(&self) -> &str {
        &self.0.kind
    }
    /// The identifier's stable id, `kind:value`: with a pseudonym for the value
    /// (`phone:~3f9a1c0b2d`, the same everywhere) unless the caller may unmask.
    fn key(&self, ctx: &Context) -> String {
        ctx.guard.identifier_key(&self.0.key)
    }
    /// The value, masked (`13*******00`) unless the caller may unmask.
    fn value(&self, ctx: &Context) -> String {
        ctx.guard.identifier_key(&self.0.key);
        ctx.guard.identifier_value(&self.0.value)
    }
    /// How many accounts used this identifier: 1 is private, hundreds is a hub.
    fn accounts(&self) -> i32 {
        self.0.accounts as i32
    }
    fn first_seen(&self) -> Option<String> {
        self.0.first_seen.map(time)
    }
    fn last_seen(&self) -> Option<String> {
        self.0.last_seen.map(time)
    }
}

/// An account tied to another through shared identifiers.
pub struct LinkedAccount(pub LinkedRow);

#[graphql_object(context = Context)]
impl LinkedAccount {
    fn account(&self) -> Account {
        Account(self.0.account.clone())
    }
    /// The shared identifiers, each with how many accounts use it.
    fn via(&self, ctx: &Context) -> Vec<SharedIdentifier> {
        self.0
            .via
            .iter()
            .map(|v| SharedIdentifier {
                kind: v.kind.clone(),
                key: ctx.guard.identifier_key(&v.key),
                value: ctx.guard.identifier_value(&v.value),
                accounts: v.accounts as i32,
            })
            .collect()
    }
    /// Sum over shared identifiers of 1/(accounts − 1): rare identifiers tie strongly.
    fn strength(&self) -> f64 {
        self.0.strength
    }
}

#[derive(juniper::GraphQLObject)]
pub struct SharedIdentifier {
    pub kind: String,
    /// `kind:` and a pseudonym of the value (or the raw key, for callers who may unmask).
    pub key: String,
    pub value: String,
    pub accounts: i32,
}

/// A storefront owned by a seller account.
pub struct Shop(pub model::Shop);

#[graphql_object(context = Context)]
impl Shop {
    fn id(&self) -> &str {
        &self.0.id
    }
    fn name(&self) -> &str {
        &self.0.name
    }
    fn category(&self) -> Option<&str> {
        self.0.category.as_deref()
    }
    fn opened_at(&self) -> Option<String> {
        self.0.opened_at.map(Timestamp::rfc3339)
    }
    async fn owner(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.owner_id).await
    }
    /// Reviews of the shop, newest first; `maxRating: 2` keeps the negative ones.
    async fn reviews(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = 5)] max_rating: i32,
    ) -> AppResult<ReviewConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let max_rating = max_rating as i64;
        let stashed = ctx
            .prefetched
            .shop_reviews
            .take(&self.0.id, page.slice(), max_rating);
        let rows = match stashed {
            Some(rows) => rows,
            None => {
                let (reader, s) = (&ctx.reader, page.slice());
                let b = ctx.batched.reviews_of_shop.of(s.skip, s.limit, max_rating);
                list_of(&b, &self.0.id, |ids| async move {
                    reader.reviews_of_shops(&ids, max_rating, s).await
                })
                .await?
            }
        };
        Ok(ReviewConnection::from_rows(&page, rows, Review))
    }
    /// Orders placed at the shop, newest first.
    async fn orders(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<OrderConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let (reader, s) = (&ctx.reader, page.slice());
        let b = ctx.batched.orders_of_shop.of(s.skip, s.limit, 0);
        let rows = list_of(&b, &self.0.id, |ids| async move {
            reader.orders_of_shops(&ids, s).await
        })
        .await?;
        Ok(OrderConnection::from_rows(&page, rows, Order))
    }
}

/// A purchase.
pub struct Order(pub model::Order);

#[graphql_object(context = Context)]
impl Order {
    fn id(&self) -> &str {
        &self.0.id
    }
    fn amount(&self) -> Money {
        Money(self.0.amount.clone())
    }
    fn placed_at(&self) -> String {
        self.0.placed_at.rfc3339()
    }
    /// `placed`, `paid`, `shipped`, `delivered`, `refunded` or `cancelled`.
    fn status(&self) -> &str {
        self.0.status.as_str()
    }
    async fn buyer(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.buyer_id).await
    }
    async fn shop(&self, ctx: &Context) -> AppResult<Shop> {
        ctx.shop(&self.0.shop_id).await
    }
    async fn payments(&self, ctx: &Context) -> AppResult<Vec<Payment>> {
        let reader = &ctx.reader;
        let b = &ctx.batched.payments_of_order;
        let rows = list_of(b, &self.0.id, |ids| async move {
            reader.payments_of_orders(&ids).await
        })
        .await?;
        Ok(rows.into_iter().map(Payment).collect())
    }
    async fn review(&self, ctx: &Context) -> AppResult<Option<Review>> {
        let reader = &ctx.reader;
        let found = ctx
            .batched
            .review_of_order
            .load(&self.0.id, |ids| async move {
                let rows = reader.reviews_of_orders(&ids).await?;
                Ok(rows.into_iter().map(|r| (r.order_id.clone(), r)).collect())
            })
            .await?;
        Ok(found.map(Review))
    }
}

/// Money moving between two accounts.
pub struct Payment(pub model::Payment);

#[graphql_object(context = Context)]
impl Payment {
    fn id(&self) -> &str {
        &self.0.id
    }
    fn amount(&self) -> Money {
        Money(self.0.amount.clone())
    }
    fn paid_at(&self) -> String {
        self.0.paid_at.rfc3339()
    }
    fn channel(&self) -> Option<&str> {
        self.0.channel.map(|c| c.as_str())
    }
    fn memo(&self, ctx: &Context) -> Option<String> {
        ctx.guard.marketplace_text(self.0.memo.as_deref())
    }
    /// The order this payment settles; null for a private transfer.
    fn order_id(&self) -> Option<&str> {
        self.0.order_id.as_deref()
    }
    /// True when the payment is a private transfer (no order).
    fn is_private(&self) -> bool {
        self.0.order_id.is_none()
    }
    async fn from(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.from_id).await
    }
    async fn to(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.to_id).await
    }
}

/// Buyer feedback on an order.
pub struct Review(pub model::Review);

#[graphql_object(context = Context)]
impl Review {
    fn id(&self) -> &str {
        &self.0.id
    }
    /// 1–5; ≤ 2 is negative.
    fn rating(&self) -> i32 {
        self.0.rating as i32
    }
    fn text(&self, ctx: &Context) -> Option<String> {
        ctx.guard.marketplace_text(self.0.text.as_deref())
    }
    fn posted_at(&self) -> String {
        self.0.posted_at.rfc3339()
    }
    async fn author(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.author_id).await
    }
    async fn shop(&self, ctx: &Context) -> AppResult<Shop> {
        ctx.shop(&self.0.shop_id).await
    }
    async fn order(&self, ctx: &Context) -> AppResult<Order> {
        let (reader, id) = (&ctx.reader, &self.0.order_id);
        ctx.batched
            .orders
            .load(id, |ids| async move {
                let rows = reader.orders(&ids).await?;
                Ok(rows.into_iter().map(|o| (o.id.clone(), o)).collect())
            })
            .await?
            .map(Order)
            .ok_or_else(|| not_found("order", id))
    }
    /// What happened to the review after posting (revised, withdrawn, removed, restored).
    async fn events(&self, ctx: &Context) -> AppResult<Vec<ReviewEvent>> {
        let reader = &ctx.reader;
        let b = &ctx.batched.events_of_review;
        let rows = list_of(b, &self.0.id, |ids| async move {
            reader.events_of_reviews(&ids).await
        })
        .await?;
        Ok(rows.into_iter().map(ReviewEvent).collect())
    }
    /// Complaints the shop filed against the review.
    async fn complaints(&self, ctx: &Context) -> AppResult<Vec<Complaint>> {
        let reader = &ctx.reader;
        let b = &ctx.batched.complaints_of_review;
        let rows = list_of(b, &self.0.id, |ids| async move {
            reader.complaints_of_reviews(&ids).await
        })
        .await?;
        Ok(rows.into_iter().map(Complaint).collect())
    }
}

/// Something that happened to a review after posting.
pub struct ReviewEvent(pub model::ReviewEvent);

#[graphql_object(context = Context)]
impl ReviewEvent {
    fn id(&self) -> &str {
        &self.0.id
    }
    /// `revised`, `withdrawn`, `removed` or `restored`.
    fn action(&self) -> &str {
        self.0.action.as_str()
    }
    fn at(&self) -> String {
        self.0.at.rfc3339()
    }
    fn new_rating(&self) -> Option<i32> {
        self.0.new_rating.map(|r| r as i32)
    }
    fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    fn complaint_id(&self) -> Option<&str> {
        self.0.complaint_id.as_deref()
    }
    async fn actor(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.actor_id).await
    }
}

/// A seller's complaint against a review, through the official channel.
pub struct Complaint(pub model::Complaint);

#[graphql_object(context = Context)]
impl Complaint {
    fn id(&self) -> &str {
        &self.0.id
    }
    /// `pending`, `upheld` or `rejected`.
    fn status(&self) -> &str {
        self.0.status.as_str()
    }
    fn filed_at(&self) -> String {
        self.0.filed_at.rfc3339()
    }
    fn resolved_at(&self) -> Option<String> {
        self.0.resolved_at.map(Timestamp::rfc3339)
    }
    async fn filed_by(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.filed_by_id).await
    }
    async fn handled_by(&self, ctx: &Context) -> AppResult<Option<Account>> {
        match &self.0.handled_by_id {
            Some(id) => Ok(Some(ctx.account(id).await?)),
            None => Ok(None),
        }
    }
}

/// A contact between two accounts (chat, call, text).
pub struct Message(pub model::Message);

#[graphql_object(context = Context)]
impl Message {
    fn id(&self) -> &str {
        &self.0.id
    }
    fn sent_at(&self) -> String {
        self.0.sent_at.rfc3339()
    }
    fn channel(&self) -> Option<&str> {
        self.0.channel.map(|c| c.as_str())
    }
    fn text(&self, ctx: &Context) -> Option<String> {
        ctx.guard.marketplace_text(self.0.text.as_deref())
    }
    async fn from(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.from_id).await
    }
    async fn to(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.to_id).await
    }
}
