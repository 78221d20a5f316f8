//! GraphQL for stored rings and extortion incidents. Resolvers validate arguments, call
//! `detect::rings::{list, get}` / `detect::extortion::list`, and wrap the results.

use super::entities::{Account, Money, Review, Shop};
use super::evidence::Evidence;
use super::{check_id, not_found, Context};
use crate::connection;
use crate::detect::extortion::{self, Incident, IncidentFilter, TieUsed};
use crate::detect::rings::{self, RingFilter, RingKind as Kind, Role};
use crate::detect::runs::Stored;
use crate::error::{AppError, AppResult};
use crate::model::{self, Timestamp};
use juniper::{graphql_object, GraphQLEnum, GraphQLObject};

fn time(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

fn money(minor: i64, currency: &str) -> Money {
    Money(model::Money {
        minor,
        currency: currency.to_string(),
    })
}

/// Parses an optional RFC 3339 argument into epoch milliseconds.
pub fn parse_time(field: &str, value: Option<&str>) -> AppResult<Option<i64>> {
    value
        .map(|v| {
            Timestamp::parse(v)
                .map(|t| t.0)
                .map_err(|_| AppError::bad_input(field, "must be an RFC 3339 time with offset"))
        })
        .transpose()
}

fn check_unit(field: &str, v: f64) -> AppResult<()> {
    if !(0.0..=1.0).contains(&v) {
        return Err(AppError::bad_input(field, "must be between 0 and 1"));
    }
    Ok(())
}

/// What a ring appears to be.
#[derive(GraphQLEnum, Clone, Copy, PartialEq, Eq)]
pub enum RingKind {
    /// Owner payments / contacts after members' negative reviews dominate.
    ExtortionCrew,
    /// Lockstep negative reviews on rival shops (often funded by a seller) dominate.
    HiredCampaign,
    /// Both substantial.
    Mixed,
    Unknown,
}

impl From<Kind> for RingKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::ExtortionCrew => RingKind::ExtortionCrew,
            Kind::HiredCampaign => RingKind::HiredCampaign,
            Kind::Mixed => RingKind::Mixed,
            Kind::Unknown => RingKind::Unknown,
        }
    }
}

impl From<RingKind> for Kind {
    fn from(k: RingKind) -> Self {
        match k {
            RingKind::ExtortionCrew => Kind::ExtortionCrew,
            RingKind::HiredCampaign => Kind::HiredCampaign,
            RingKind::Mixed => Kind::Mixed,
            RingKind::Unknown => Kind::Unknown,
        }
    }
}

/// A member's role guess.
#[derive(GraphQLEnum, Clone, Copy, PartialEq, Eq)]
pub enum RingRole {
    /// Contacts owners, receives their money, pays or invites other members.
    Organizer,
    /// Posts the negative reviews.
    Operative,
    /// Invited by or household-tied to an operative.
    Recruit,
    /// A seller whose money reached the group.
    Beneficiary,
    /// Passed a seller's money on to the group.
    Intermediary,
    /// Talks to victims or collects their money for the crew, coordinating no reviewer.
    Negotiator,
}

impl From<Role> for RingRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Organizer => RingRole::Organizer,
            Role::Operative => RingRole::Operative,
            Role::Recruit => RingRole::Recruit,
            Role::Beneficiary => RingRole::Beneficiary,
            Role::Intermediary => RingRole::Intermediary,
            Role::Negotiator => RingRole::Negotiator,
        }
    }
}

/// A group of accounts acting together against shops, scored and explained.
pub struct Ring(pub Stored<rings::Ring>);

connection!(RingConnection, RingEdge, Ring);
connection!(
    ExtortionIncidentConnection,
    ExtortionIncidentEdge,
    ExtortionIncident
);
connection!(
    ExtortionAttemptConnection,
    ExtortionAttemptEdge,
    ExtortionAttempt
);

/// One member of a ring.
pub struct RingMember {
    account: Account,
    role: RingRole,
    contribution: f64,
}

#[graphql_object(context = Context)]
impl RingMember {
    fn account(&self) -> &Account {
        &self.account
    }
    fn role(&self) -> RingRole {
        self.role
    }
    /// Share of the ring's evidence running through this member, 0..1 (1 = the most).
    fn contribution(&self) -> f64 {
        self.contribution
    }
}

#[graphql_object(context = Context)]
impl Ring {
    /// The detection run that produced this finding (see `detectionRuns`).
    fn run_id(&self) -> &str {
        &self.0.run_id
    }
    /// Stable: derived from the sorted member ids.
    fn id(&self) -> &str {
        &self.0.id
    }
    fn kind(&self) -> RingKind {
        self.0.kind.into()
    }
    /// 0..1, noisy-OR of the signal strengths listed in the first reason.
    fn score(&self) -> f64 {
        self.0.score
    }
    /// Members, largest contribution first.
    async fn members(&self, ctx: &Context) -> AppResult<Vec<RingMember>> {
        let ids: Vec<String> = self
            .0
            .members
            .iter()
            .map(|m| m.account_id.clone())
            .collect();
        let accounts = ctx.reader.accounts(&ids).await?;
        Ok(self
            .0
            .members
            .iter()
            .filter_map(|m| {
                accounts
                    .iter()
                    .find(|a| a.id == m.account_id)
                    .map(|a| RingMember {
                        account: Account(a.clone()),
                        role: m.role.into(),
                        contribution: m.contribution,
                    })
            })
            .collect())
    }
    /// Shops the ring targeted.
    async fn victim_shops(&self, ctx: &Context) -> AppResult<Vec<Shop>> {
        let mut out = Vec::new();
        for id in &self.0.victim_shops {
            out.push(ctx.shop(id).await?);
        }
        Ok(out)
    }
    /// First activity of the ring (RFC 3339).
    fn first_at(&self) -> Option<String> {
        self.0.first_at.map(time)
    }
    fn last_at(&self) -> Option<String> {
        self.0.last_at.map(time)
    }
    /// Paid privately to members by victims' owners: one amount per currency (amounts in
    /// different currencies are never added up); empty when no owner paid.
    fn money_in(&self) -> Vec<Money> {
        self.0.money_in.iter().cloned().map(Money).collect()
    }
    /// Paid by members to other members (shares, fees): one amount per currency.
    fn money_out(&self) -> Vec<Money> {
        self.0.money_out.iter().cloned().map(Money).collect()
    }
    fn reasons(&self, ctx: &Context) -> &[String] {
        // Reasons may cite identifiers of the evidence: the boundary pass masks them.
        ctx.guard.register_evidence(&self.0.evidence);
        &self.0.reasons
    }
    /// `limit` caps nodes and edges (all when absent); `truncated` says when it cut.
    fn evidence(&self, ctx: &Context, limit: Option<i32>) -> AppResult<Evidence> {
        Evidence::view(self.0.evidence.clone(), &ctx.guard, limit)
    }
    /// Set when an analyst dismissed a ring with exactly these members in a case.
    async fn dismissal(&self, ctx: &Context) -> AppResult<Option<super::cases::Dismissal>> {
        let ids: Vec<String> = self
            .0
            .members
            .iter()
            .map(|m| m.account_id.clone())
            .collect();
        super::cases::dismissal(ctx, crate::cases::ItemKind::Ring, &ids).await
    }
}

/// How a step's account is linked to the reviewer.
#[derive(GraphQLObject)]
pub struct IncidentTie {
    /// The reviewer (the paid account for `contact_tied_to_payee:*`).
    pub from: String,
    /// The contacting or paid account.
    pub to: String,
    /// same_account, device, phone, address, card, ip, referral, transfer, same_ring,
    /// contact_is_payee, forwarded_to:<account>, or contact_tied_to_payee:<kind> (a split
    /// crew's negotiator tied to the paid account rather than to the reviewer).
    pub kind: String,
    /// Identifier key, payment id or ring id behind the tie.
    pub detail: Option<String>,
    pub strength: f64,
}

impl From<&TieUsed> for IncidentTie {
    fn from(t: &TieUsed) -> Self {
        IncidentTie {
            from: t.from.clone(),
            to: t.to.clone(),
            kind: t.kind.clone(),
            detail: t.detail.clone(),
            strength: t.strength,
        }
    }
}

/// Negative review → contact → private payment → withdrawal, with times and ties.
pub struct ExtortionIncident(pub Stored<Incident>);

#[graphql_object(context = Context)]
impl ExtortionIncident {
    /// The detection run that produced this finding (see `detectionRuns`).
    fn run_id(&self) -> &str {
        &self.0.run_id
    }
    fn id(&self) -> &str {
        &self.0.id
    }
    /// 0..1; partial chains score lower and say what is missing in `reasons`.
    fn confidence(&self) -> f64 {
        self.0.confidence
    }
    /// All four steps are present.
    fn complete(&self) -> bool {
        self.0.complete
    }
    async fn review(&self, ctx: &Context) -> AppResult<Review> {
        review(ctx, &self.0.review_id).await
    }
    async fn shop(&self, ctx: &Context) -> AppResult<Shop> {
        ctx.shop(&self.0.shop_id).await
    }
    async fn reviewer(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.reviewer_id).await
    }
    /// Who messaged the owner (absent when no contact was recorded).
    async fn contact(&self, ctx: &Context) -> AppResult<Option<Account>> {
        match &self.0.contact_id {
            Some(id) => Ok(Some(ctx.account(id).await?)),
            None => Ok(None),
        }
    }
    /// Who received the owner's private payment.
    async fn payee(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.payee_id).await
    }
    /// The deal's first payment (any installments after it are edges of the evidence).
    fn payment_id(&self) -> &str {
        &self.0.payment_id
    }
    /// Everything the owner paid for this review: the first payment and its installments.
    fn amount(&self) -> Money {
        money(self.0.amount, &self.0.currency)
    }
    fn reviewed_at(&self) -> String {
        time(self.0.reviewed_at)
    }
    fn contacted_at(&self) -> Option<String> {
        self.0.contacted_at.map(time)
    }
    /// When the first payment was made.
    fn paid_at(&self) -> String {
        time(self.0.paid_at)
    }
    /// When the review was withdrawn or revised upward.
    fn retracted_at(&self) -> Option<String> {
        self.0.retracted_at.map(time)
    }
    fn ties(&self, ctx: &Context) -> Vec<IncidentTie> {
        self.0
            .ties
            .iter()
            .map(|t| {
                let mut tie = IncidentTie::from(t);
                if matches!(
                    t.kind.as_str(),
                    "device" | "phone" | "address" | "card" | "ip"
                ) {
                    tie.detail = tie.detail.map(|d| ctx.guard.identifier_key(&d));
                }
                tie
            })
            .collect()
    }
    fn reasons(&self, ctx: &Context) -> &[String] {
        // Reasons may cite identifiers of the evidence: the boundary pass masks them.
        ctx.guard.register_evidence(&self.0.evidence);
        &self.0.reasons
    }
    /// `limit` caps nodes and edges (all when absent); `truncated` says when it cut.
    fn evidence(&self, ctx: &Context, limit: Option<i32>) -> AppResult<Evidence> {
        Evidence::view(self.0.evidence.clone(), &ctx.guard, limit)
    }
    /// Set when an analyst dismissed this incident (same review, reviewer, contact, payee).
    async fn dismissal(&self, ctx: &Context) -> AppResult<Option<super::cases::Dismissal>> {
        let ids = super::cases::incident_members(&self.0);
        super::cases::dismissal(ctx, crate::cases::ItemKind::Incident, &ids).await
    }
}

/// A finding's review; `NOT_FOUND` when the store no longer holds it.
async fn review(ctx: &Context, id: &str) -> AppResult<Review> {
    ctx.reader
        .review(id)
        .await?
        .map(Review)
        .ok_or_else(|| not_found("review", id))
}

/// A refused demand: a pair that extorted an owner before pans another shop and messages
/// its owner, who does not pay (see `extortionAttempts`).
pub struct ExtortionAttempt(pub extortion::attempts::Attempt);

#[graphql_object(context = Context)]
impl ExtortionAttempt {
    /// `attempt-<review>-<contact>`: the same attempt has the same id in every response.
    fn id(&self) -> String {
        self.0.id()
    }
    async fn review(&self, ctx: &Context) -> AppResult<Review> {
        review(ctx, &self.0.review_id).await
    }
    async fn shop(&self, ctx: &Context) -> AppResult<Shop> {
        ctx.shop(&self.0.shop_id).await
    }
    async fn reviewer(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.reviewer_id).await
    }
    /// Who messaged the owner (the reviewer itself, or its partner in earlier incidents).
    async fn contact(&self, ctx: &Context) -> AppResult<Account> {
        ctx.account(&self.0.contact_id).await
    }
    fn reviewed_at(&self) -> String {
        time(self.0.reviewed_at)
    }
    /// The first message to the owner after the review.
    fn contacted_at(&self) -> String {
        time(self.0.contacted_at)
    }
    /// The contact's messages to the owner within the contact window, oldest first.
    fn message_ids(&self) -> Vec<String> {
        self.0.messages.iter().map(|m| m.id.clone()).collect()
    }
    /// The pair's incidents of the last run: why it counts as a known extortioner.
    fn incident_ids(&self) -> &[String] {
        &self.0.incidents
    }
    /// The pair's later negative reviews of the same shop ("pay, or more bad reviews come").
    async fn follow_ups(&self, ctx: &Context) -> AppResult<Vec<Review>> {
        let mut out = Vec::with_capacity(self.0.follow_ups.len());
        for f in &self.0.follow_ups {
            out.push(review(ctx, &f.id).await?);
        }
        Ok(out)
    }
    fn reasons(&self) -> Vec<String> {
        self.0.reasons()
    }
    /// `limit` caps nodes and edges (all when absent); `truncated` says when it cut.
    fn evidence(&self, ctx: &Context, limit: Option<i32>) -> AppResult<Evidence> {
        Evidence::view(self.0.evidence(), &ctx.guard, limit)
    }
}

pub async fn list_attempts(
    ctx: &Context,
    min_confidence: Option<f64>,
    shop_id: Option<String>,
    account_id: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ExtortionAttemptConnection> {
    let min_confidence = min_confidence.unwrap_or(extortion::DEFAULT_MIN_CONFIDENCE);
    check_unit("minConfidence", min_confidence)?;
    for (field, id) in [("shopId", &shop_id), ("accountId", &account_id)] {
        if let Some(id) = id {
            check_id(field, id)?;
        }
    }
    let filter = extortion::attempts::AttemptFilter {
        min_confidence,
        shop_id,
        account_id,
    };
    let page = ctx.page(first, after.as_deref())?;
    let rows = extortion::attempts::list(&ctx.graph, &filter, page.slice()).await?;
    Ok(ExtortionAttemptConnection::from_rows(
        &page,
        rows,
        ExtortionAttempt,
    ))
}

#[allow(clippy::too_many_arguments)]
pub async fn list_rings(
    ctx: &Context,
    min_score: Option<f64>,
    kind: Option<RingKind>,
    from: Option<String>,
    to: Option<String>,
    shop_id: Option<String>,
    member_id: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<RingConnection> {
    let min_score = min_score.unwrap_or(rings::DEFAULT_MIN_SCORE);
    check_unit("minScore", min_score)?;
    if let Some(id) = &shop_id {
        check_id("shopId", id)?;
    }
    if let Some(id) = &member_id {
        check_id("memberId", id)?;
    }
    let filter = RingFilter {
        min_score,
        kind: kind.map(Into::into),
        from: parse_time("from", from.as_deref())?,
        to: parse_time("to", to.as_deref())?,
        shop_id,
        member_id,
    };
    let page = ctx.page(first, after.as_deref())?;
    let rows = rings::list(&ctx.graph, &filter, page.slice()).await?;
    Ok(RingConnection::from_rows(&page, rows, Ring))
}

pub async fn ring(ctx: &Context, id: String) -> AppResult<Ring> {
    check_id("id", &id)?;
    rings::get(&ctx.graph, &id)
        .await?
        .map(Ring)
        .ok_or_else(|| not_found("ring", &id))
}

#[allow(clippy::too_many_arguments)]
pub async fn list_incidents(
    ctx: &Context,
    min_confidence: Option<f64>,
    shop_id: Option<String>,
    account_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ExtortionIncidentConnection> {
    let min_confidence = min_confidence.unwrap_or(extortion::DEFAULT_MIN_CONFIDENCE);
    check_unit("minConfidence", min_confidence)?;
    if let Some(id) = &shop_id {
        check_id("shopId", id)?;
    }
    if let Some(id) = &account_id {
        check_id("accountId", id)?;
    }
    let filter = IncidentFilter {
        min_confidence,
        shop_id,
        account_id,
        from: parse_time("from", from.as_deref())?,
        to: parse_time("to", to.as_deref())?,
    };
    let page = ctx.page(first, after.as_deref())?;
    let rows = extortion::list(&ctx.graph, &filter, page.slice()).await?;
    Ok(ExtortionIncidentConnection::from_rows(
        &page,
        rows,
        ExtortionIncident,
    ))
}
