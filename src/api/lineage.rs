//! GraphQL view of hired-agent lineage (`agentLineage`). The resolver validates arguments,
//! calls [`crate::detect::lineage::trace`] and loads the entities the trace names.

use super::entities::{Account, Review, Shop};
use super::evidence::{Evidence, EvidenceEdge};
use super::{check_id, not_found, Context};
use crate::detect::lineage::{self as detect, LineageParams, LineageStart, Role};
use crate::detect::DetectError;
use crate::error::{AppError, AppResult};
use crate::graph::GraphError;
use std::collections::HashMap;
use std::time::Duration;

/// A detector error as the API reports it: a graph time-out is `TIMEOUT`.
pub fn app_error(e: DetectError) -> AppError {
    match e {
        DetectError::Graph(GraphError::Timeout { millis, .. }) => AppError::Timeout(millis),
        e => e.into(),
    }
}

/// The part an account plays in a hired-agent campaign.
#[derive(juniper::GraphQLEnum, Clone, Copy)]
pub enum AgentRole {
    /// The rival seller whose money started the chain.
    Beneficiary,
    /// A mule passing the money on towards the organizer.
    Intermediary,
    /// Recruits, briefs and pays the reviewers.
    Organizer,
    /// Talks to the victims or collects their money for a crew (whatever else it reviewed).
    Negotiator,
    /// Posts the negative reviews.
    Operative,
    /// Brought in by an operative (referral, shared household identifier), whether or not
    /// it has posted yet; one the organizer pays or briefs itself only when it is its
    /// inviter's relative (invited and sharing its household), else it is an operative.
    Recruit,
}

impl From<Role> for AgentRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Beneficiary => AgentRole::Beneficiary,
            Role::Intermediary => AgentRole::Intermediary,
            Role::Organizer => AgentRole::Organizer,
            Role::Negotiator => AgentRole::Negotiator,
            Role::Operative => AgentRole::Operative,
            Role::Recruit => AgentRole::Recruit,
        }
    }
}

/// One account of a lineage, with its inferred role and why.
#[derive(juniper::GraphQLObject)]
#[graphql(context = Context)]
pub struct LineageAccount {
    pub account: Account,
    /// Null only for the start when no role was found; its reasons then say why.
    pub role: Option<AgentRole>,
    /// Expansion level at which the account was reached from the start (0 = the start).
    pub depth: i32,
    pub reasons: Vec<String>,
}

/// Who stands behind an account or a review, and who else works for them.
#[derive(juniper::GraphQLObject)]
#[graphql(context = Context)]
pub struct Lineage {
    /// The account the trace started from (a review's author for a review start).
    pub start: String,
    /// Accounts with roles, beneficiary first; always includes the start (depth 0), with a
    /// null role and a "no role found" reason when it plays none.
    pub accounts: Vec<LineageAccount>,
    /// TRANSFER, REFERRED, MESSAGED, SHARES_IDENTIFIER between returned accounts; WROTE
    /// (account → review) and ABOUT (review → shop).
    pub edges: Vec<EvidenceEdge>,
    pub victim_shops: Vec<Shop>,
    pub reviews: Vec<Review>,
    pub evidence: Evidence,
    /// True when a fan-out cap cut the expansion short.
    pub truncated: bool,
}

pub async fn agent_lineage(
    ctx: &Context,
    account_id: Option<String>,
    review_id: Option<String>,
    max_depth: i32,
) -> AppResult<Lineage> {
    if let Some(a) = &account_id {
        check_id("accountId", a)?;
    }
    if let Some(r) = &review_id {
        check_id("reviewId", r)?;
    }
    let start = LineageStart::from_args(account_id, review_id).map_err(app_error)?;
    let params = LineageParams {
        max_depth: u32::try_from(max_depth).unwrap_or(0),
        time_limit: Duration::from_millis(ctx.config.api.query_timeout_ms),
        ..LineageParams::default()
    };
    let found = detect::trace(&ctx.graph, &start, &params)
        .await
        .map_err(app_error)?;
    let Some(l) = found else {
        return Err(match &start {
            LineageStart::Account(a) => not_found("account", a),
            LineageStart::Review(r) => not_found("review", r),
        });
    };
    let ids: Vec<String> = l.accounts.iter().map(|a| a.id.clone()).collect();
    let mut by_id: HashMap<String, crate::model::Account> = ctx
        .reader
        .accounts(&ids)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let accounts = l
        .accounts
        .iter()
        .filter_map(|a| {
            by_id.remove(&a.id).map(|acc| LineageAccount {
                account: Account(acc),
                role: a.role.map(Into::into),
                depth: a.depth as i32,
                reasons: a.reasons.clone(),
            })
        })
        .collect();
    let mut shops = ctx.reader.shops(&l.victim_shops).await?;
    shops.sort_by(|a, b| a.id.cmp(&b.id));
    let mut reviews = ctx.reader.reviews(&l.reviews).await?;
    reviews.sort_by(|a, b| (a.posted_at, &a.id).cmp(&(b.posted_at, &b.id)));
    ctx.guard.register_evidence(&l.evidence);
    let edges = EvidenceEdge::list(l.edges, &ctx.guard, &l.evidence.nodes);
    Ok(Lineage {
        start: l.start,
        accounts,
        edges,
        victim_shops: shops.into_iter().map(Shop).collect(),
        reviews: reviews.into_iter().map(Review).collect(),
        evidence: Evidence::view(l.evidence, &ctx.guard, None)?,
        truncated: l.truncated,
    })
}
