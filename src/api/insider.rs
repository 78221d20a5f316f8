//! GraphQL view of insider rating-removal tracing: `insiderSuspects` (stored by the last
//! `insider` detection run) and `removalTrace` (computed live for one employee).

use super::entities::{Account, Money, Review, Shop};
use super::evidence::Evidence;
use super::lineage::app_error;
use super::{check_id, not_found, Context};
use crate::connection;
use crate::detect::insider::{self as detect, InsiderParams, ShopCount};
use crate::detect::runs::Stored;
use crate::error::{AppError, AppResult};
use crate::model::{self, Role, Timestamp};
use juniper::graphql_object;
use std::collections::HashMap;

/// A staff account suspected of removing legitimate negative reviews for pay.
pub struct InsiderSuspect(pub Stored<detect::InsiderSuspect>);

connection!(InsiderSuspectConnection, InsiderSuspectEdge, InsiderSuspect);
connection!(RemovalConnection, RemovalEdge, Removal);

/// Legitimate removals on one shop.
#[derive(juniper::GraphQLObject)]
#[graphql(context = Context)]
pub struct ShopBenefit {
    pub shop: Shop,
    pub removals: i32,
}

fn cny(minor: i64, currency: &str) -> Money {
    Money(model::Money {
        minor,
        currency: currency.to_string(),
    })
}

async fn benefits(ctx: &Context, shops: &[ShopCount]) -> AppResult<Vec<ShopBenefit>> {
    let ids: Vec<String> = shops.iter().map(|s| s.shop_id.clone()).collect();
    let mut found: HashMap<String, model::Shop> = ctx
        .reader
        .shops(&ids)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    Ok(shops
        .iter()
        .filter_map(|s| {
            found.remove(&s.shop_id).map(|shop| ShopBenefit {
                shop: Shop(shop),
                removals: s.removals as i32,
            })
        })
        .collect())
}

#[graphql_object(context = Context)]
impl InsiderSuspect {
    /// The detection run that produced this finding (see `detectionRuns`).
    fn run_id(&self) -> &str {
        &self.0.run_id
    }
    async fn employee(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.employee_id).await
    }
    /// 0..1; at least the default threshold (0.5) is a suspect.
    fn score(&self) -> f64 {
        self.0.score
    }
    fn removals_total(&self) -> i32 {
        self.0.removals_total as i32
    }
    /// Removed reviews that were legitimate negative feedback.
    fn removals_legitimate(&self) -> i32 {
        self.0.removals_legitimate as i32
    }
    /// Shops whose legitimate negative reviews were removed, most removals first.
    async fn shops_benefited(&self, ctx: &Context) -> AppResult<Vec<ShopBenefit>> {
        benefits(ctx, &self.0.shops).await
    }
    /// Money from those shops' owners that reached the employee or a proxy, exactly, in the
    /// currency most of those payments used (amounts in other currencies are listed in the
    /// reasons, never added to this figure).
    fn money_traced(&self) -> Money {
        cny(self.0.money_traced, &self.0.currency)
    }
    fn reasons(&self, ctx: &Context) -> &[String] {
        // Reasons may cite identifiers of the evidence: the boundary pass masks them.
        ctx.guard.register_evidence(&self.0.evidence);
        &self.0.reasons
    }
    /// Chains owner → (middle account) → employee or proxy, and employee → removed review →
    /// shop. `limit` caps nodes and edges (all when absent); `truncated` says when it cut.
    fn evidence(&self, ctx: &Context, limit: Option<i32>) -> AppResult<Evidence> {
        Evidence::view(self.0.evidence.clone(), &ctx.guard, limit)
    }
    /// Set when an analyst dismissed this employee's suspicion in a case.
    async fn dismissal(&self, ctx: &Context) -> AppResult<Option<super::cases::Dismissal>> {
        let ids = vec![self.0.employee_id.clone()];
        super::cases::dismissal(ctx, crate::cases::ItemKind::InsiderSuspect, &ids).await
    }
}

/// One removed review with its legitimacy verdict.
pub struct Removal {
    facts: detect::score::RemovalFacts,
    verdict: detect::score::Verdict,
    review: Option<model::Review>,
}

#[graphql_object(context = Context)]
impl Removal {
    /// The review event id.
    fn event_id(&self) -> &str {
        &self.facts.event_id
    }
    fn at(&self) -> String {
        Timestamp(self.facts.at).rfc3339()
    }
    /// The reason the employee gave.
    fn reason(&self) -> Option<&str> {
        self.facts.reason.as_deref()
    }
    fn review(&self) -> Option<Review> {
        self.review.clone().map(Review)
    }
    fn shop_id(&self) -> &str {
        &self.facts.shop_id
    }
    /// True when the removed review was legitimate negative feedback.
    fn legitimate(&self) -> bool {
        self.verdict.legitimate
    }
    fn reasons(&self) -> &[String] {
        &self.verdict.reasons
    }
}

/// A private payment from a benefiting shop's owner that reached the employee or a proxy.
#[derive(juniper::GraphQLObject)]
pub struct TracedPayment {
    /// The shop owner who paid.
    pub from: String,
    /// The middle account of a two-hop chain.
    pub via: Option<String>,
    /// The employee or the proxy who received it.
    pub to: String,
    pub payment_id: String,
    pub amount: Money,
    pub at: String,
    pub onward_payment_id: Option<String>,
    pub onward_amount: Option<Money>,
    pub onward_at: Option<String>,
}

/// Everything traced for one staff account.
#[derive(juniper::GraphQLObject)]
#[graphql(context = Context)]
pub struct RemovalTrace {
    pub employee: Account,
    /// The stored finding of the last detection run, if it scored this employee.
    pub suspect: Option<InsiderSuspect>,
    pub removals_total: i32,
    pub removals_legitimate: i32,
    /// Removals, oldest first, paged with `first`/`after`.
    pub removals: RemovalConnection,
    pub payments: Vec<TracedPayment>,
    pub money_traced: Money,
    pub shops_benefited: Vec<ShopBenefit>,
    /// Accounts sharing a rare phone, address or device with the employee.
    pub proxies: Vec<String>,
}

pub async fn suspects(
    ctx: &Context,
    min_score: Option<f64>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<InsiderSuspectConnection> {
    let min = min_score.unwrap_or(detect::DEFAULT_MIN_SCORE);
    if !(0.0..=1.0).contains(&min) {
        return Err(AppError::bad_input("minScore", "must be between 0 and 1"));
    }
    let page = ctx.page(first, after.as_deref())?;
    let rows = detect::list(&ctx.graph, min, page.slice())
        .await
        .map_err(app_error)?;
    Ok(InsiderSuspectConnection::from_rows(
        &page,
        rows,
        InsiderSuspect,
    ))
}

pub async fn removal_trace(
    ctx: &Context,
    employee_id: String,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<RemovalTrace> {
    check_id("employeeId", &employee_id)?;
    let page = ctx.page(first, after.as_deref())?;
    let employee = ctx
        .reader
        .account(&employee_id)
        .await?
        .ok_or_else(|| not_found("account", &employee_id))?;
    if employee.role != Role::Staff {
        return Err(AppError::bad_input(
            "employeeId",
            format!("{employee_id} is not a staff account"),
        ));
    }
    let a = detect::trace(&ctx.graph, &employee_id, &InsiderParams::default())
        .await
        .map_err(app_error)?;
    let suspect = detect::suspect_of(&ctx.graph, &employee_id)
        .await
        .map_err(app_error)?;
    let slice = page.slice();
    let rows: Vec<_> = a
        .removals
        .iter()
        .skip(slice.skip as usize)
        .take(slice.limit as usize)
        .cloned()
        .collect();
    let ids: Vec<String> = rows.iter().map(|(f, _)| f.review_id.clone()).collect();
    let reviews: HashMap<String, model::Review> = ctx
        .reader
        .reviews(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let removals = RemovalConnection::from_rows(&page, rows, |(facts, verdict)| Removal {
        review: reviews.get(&facts.review_id).cloned(),
        facts,
        verdict,
    });
    let described = detect::describe(&a, 0.0, 0);
    let payments = a
        .traced
        .iter()
        .map(|t| TracedPayment {
            from: t.owner_id.clone(),
            via: t.via_id.clone(),
            to: t.receiver_id.clone(),
            payment_id: t.payment_id.clone(),
            amount: cny(t.amount, &t.currency),
            at: Timestamp(t.at).rfc3339(),
            onward_payment_id: t.onward_payment_id.clone(),
            onward_amount: t.onward_amount.map(|x| cny(x, &t.currency)),
            onward_at: t.onward_at.map(|x| Timestamp(x).rfc3339()),
        })
        .collect();
    Ok(RemovalTrace {
        employee: Account(employee),
        suspect: suspect.map(InsiderSuspect),
        removals_total: a.features.total as i32,
        removals_legitimate: a.features.legitimate as i32,
        removals,
        payments,
        money_traced: cny(
            a.features.money.get(&described.currency),
            &described.currency,
        ),
        shops_benefited: benefits(ctx, &described.shops).await?,
        proxies: a.proxies.iter().map(|p| p.proxy_id.clone()).collect(),
    })
}
