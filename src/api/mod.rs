//! The GraphQL schema: a per-request [`Context`], the `Query` and `Mutation` roots.
//! Resolvers validate arguments, pass the [`guard::Guard`], call one function, map the result.

pub mod audit;
pub mod cases;
pub mod cost;
pub mod entities;
pub mod evidence;
pub mod guard;
mod ingest;
pub mod insider;
pub mod lineage;
pub mod loader;
pub mod paging;
pub mod prefetch;
pub mod rings;
pub mod runs;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::graph::read::{Reader, Slice};
use crate::graph::Graph;
use entities::{Account, Order, Review, Shop};
use guard::{Action, Guard};
use juniper::{graphql_object, EmptySubscription, RootNode};
use paging::Page;
use std::sync::Arc;

/// Everything a resolver may use, built once per request.
pub struct Context {
    /// The pool, bounded by this request's deadline.
    pub graph: Graph,
    pub reader: Reader,
    pub guard: Guard,
    pub config: Arc<Config>,
    pub request_id: String,
    pub started: std::time::Instant,
    /// One deadline for every statement of the request.
    pub deadline: std::time::Instant,
    /// Lookups by id, batched across the items of a list (see [`loader`]).
    pub accounts: loader::Batcher<crate::model::Account>,
    pub shops: loader::Batcher<crate::model::Shop>,
    /// Lists fetched ahead with their parent (see [`prefetch`]).
    pub prefetched: prefetch::Prefetched,
    /// Pages of payments sent, batched across the accounts of a list.
    pub payments_sent: loader::ListBatchers<crate::model::Payment>,
    /// The other per-item lookups of the entities, batched the same way.
    pub batched: entities::Batched,
    /// Where long work runs (a detection run): off the HTTP worker thread, whose other
    /// connections it would stall for seconds of scoring.
    pub background: tokio::runtime::Handle,
}

impl juniper::Context for Context {}

impl Context {
    pub fn page(&self, first: Option<i32>, after: Option<&str>) -> AppResult<Page> {
        Page::new(first, after, self.config.api.max_page_size)
    }

    /// An account that must exist (a neighbour of something already found), fetched in one
    /// query with its siblings' accounts.
    pub async fn account(&self, id: &str) -> AppResult<Account> {
        let reader = &self.reader;
        self.accounts
            .load(id, |ids| async move {
                let rows = reader.accounts(&ids).await?;
                Ok(rows.into_iter().map(|a| (a.id.clone(), a)).collect())
            })
            .await?
            .map(Account)
            .ok_or_else(|| not_found("account", id))
    }

    /// A page of the payments an account sent, fetched in one query with the same page of its
    /// siblings' (the authors of a list of reviews); the recipients are cached for `to`.
    pub async fn payments_sent(
        &self,
        id: &str,
        private_only: bool,
        s: Slice,
    ) -> AppResult<Vec<crate::model::Payment>> {
        let (reader, accounts) = (&self.reader, &self.accounts);
        let rows = self
            .payments_sent
            .of(s.skip, s.limit, private_only as i64)
            .load(id, |ids| async move {
                let rows = reader.payments_sent_of(&ids, private_only, s).await?;
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        for a in r.recipients {
                            accounts.prime(&a.id.clone(), a);
                        }
                        (r.id, r.payments)
                    })
                    .collect())
            })
            .await?;
        Ok(rows.unwrap_or_default())
    }

    /// A shop that must exist, batched like [`Context::account`].
    pub async fn shop(&self, id: &str) -> AppResult<Shop> {
        let reader = &self.reader;
        self.shops
            .load(id, |ids| async move {
                let rows = reader.shops(&ids).await?;
                Ok(rows.into_iter().map(|s| (s.id.clone(), s)).collect())
            })
            .await?
            .map(Shop)
            .ok_or_else(|| not_found("shop", id))
    }
}

pub fn not_found(kind: &'static str, id: &str) -> AppError {
    AppError::NotFound {
        kind,
        id: id.to_string(),
    }
}

pub(crate) fn check_id(field: &str, id: &str) -> AppResult<()> {
    if id.is_empty() || id.len() > crate::model::MAX_ID_LEN {
        return Err(AppError::bad_input(
            field,
            "must be a non-empty id of at most 128 characters",
        ));
    }
    Ok(())
}

pub struct Query;

#[graphql_object(context = Context, scalar = juniper::DefaultScalarValue)]
impl Query {
    /// The API's version.
    fn api_version() -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// One account by id, with its neighbourhood. `NOT_FOUND` when it does not exist.
    async fn account(
        ctx: &Context,
        executor: &juniper::Executor<'_, '_, Context>,
        id: String,
    ) -> AppResult<Account> {
        ctx.guard.authorize(Action::ReadGraph)?;
        check_id("id", &id)?;
        let plan = prefetch::AccountPlan::of(ctx, &executor.look_ahead());
        ctx.account_ahead(&id, plan).await
    }

    /// One shop by id.
    async fn shop(
        ctx: &Context,
        executor: &juniper::Executor<'_, '_, Context>,
        id: String,
    ) -> AppResult<Shop> {
        ctx.guard.authorize(Action::ReadGraph)?;
        check_id("id", &id)?;
        let plan = prefetch::ShopPlan::of(ctx, &executor.look_ahead());
        ctx.shop_ahead(&id, plan).await
    }

    /// One order by id.
    async fn order(ctx: &Context, id: String) -> AppResult<Order> {
        ctx.guard.authorize(Action::ReadGraph)?;
        check_id("id", &id)?;
        ctx.reader
            .order(&id)
            .await?
            .map(Order)
            .ok_or_else(|| not_found("order", &id))
    }

    /// One review by id.
    async fn review(ctx: &Context, id: String) -> AppResult<Review> {
        ctx.guard.authorize(Action::ReadGraph)?;
        check_id("id", &id)?;
        ctx.reader
            .review(&id)
            .await?
            .map(Review)
            .ok_or_else(|| not_found("review", &id))
    }

    // --- lineage & insider ---
    /// Who stands behind an operative account or a malicious review (give exactly one of
    /// `accountId`, `reviewId`), and who else works for them: beneficiary, intermediaries,
    /// organizer, operatives and recruits, with victim shops, reviews and evidence.
    /// `maxDepth` (1..8) bounds the expansion around the start; the organizer's funding is
    /// then followed upstream to its source (at most four transfers), whatever the depth.
    /// `TIMEOUT` past `api.query_timeout_ms`.
    async fn agent_lineage(
        ctx: &Context,
        account_id: Option<String>,
        review_id: Option<String>,
        #[graphql(default = 4)] max_depth: Option<i32>,
    ) -> AppResult<lineage::Lineage> {
        ctx.guard.authorize(Action::ReadFindings)?;
        let max_depth = max_depth.unwrap_or(crate::detect::lineage::DEFAULT_DEPTH as i32);
        lineage::agent_lineage(ctx, account_id, review_id, max_depth).await
    }

    /// Staff accounts ranked by how likely they removed legitimate negative reviews for pay,
    /// as stored by the last `insider` detection run; `minScore` defaults to the detector's
    /// threshold.
    async fn insider_suspects(
        ctx: &Context,
        min_score: Option<f64>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<insider::InsiderSuspectConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        insider::suspects(ctx, min_score, first, after).await
    }

    /// Everything traced for one staff account: its removals (paged, with legitimacy
    /// verdicts), the money from benefiting shop owners, the shops. `NOT_FOUND` for an
    /// unknown account, `BAD_USER_INPUT` when it is not staff.
    async fn removal_trace(
        ctx: &Context,
        employee_id: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<insider::RemovalTrace> {
        ctx.guard.authorize(Action::ReadFindings)?;
        insider::removal_trace(ctx, employee_id, first, after).await
    }
    // --- end lineage & insider ---

    /// How many records of each kind the graph holds.
    async fn stats(ctx: &Context) -> AppResult<Stats> {
        ctx.guard.authorize(Action::ReadGraph)?;
        let c = ctx.reader.counts().await?;
        let i = |n: i64| n as f64;
        Ok(Stats {
            accounts: i(c.accounts),
            shops: i(c.shops),
            identifiers: i(c.identifiers),
            orders: i(c.orders),
            payments: i(c.payments),
            reviews: i(c.reviews),
            complaints: i(c.complaints),
            review_events: i(c.review_events),
            messages: i(c.messages),
            relationships: i(c.relationships),
        })
    }
    // --- rings ---
    /// Stored rings (recomputed by `detect`), highest score first. `minScore` defaults to the
    /// detector's threshold; `from`/`to` (RFC 3339) keep rings active in that window.
    #[allow(clippy::too_many_arguments)]
    async fn rings(
        ctx: &Context,
        min_score: Option<f64>,
        kind: Option<rings::RingKind>,
        from: Option<String>,
        to: Option<String>,
        shop_id: Option<String>,
        member_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<rings::RingConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        rings::list_rings(
            ctx, min_score, kind, from, to, shop_id, member_id, first, after,
        )
        .await
    }

    /// One stored ring by id. `NOT_FOUND` when no ring has it (ids change when members do).
    async fn ring(ctx: &Context, id: String) -> AppResult<rings::Ring> {
        ctx.guard.authorize(Action::ReadFindings)?;
        rings::ring(ctx, id).await
    }

    /// Stored extortion incidents, most confident first. `minConfidence` defaults to the
    /// detector's threshold; `accountId` matches the reviewer, contact or payee; `from`/`to`
    /// (RFC 3339) bound the review time.
    #[allow(clippy::too_many_arguments)]
    async fn extortion_incidents(
        ctx: &Context,
        min_confidence: Option<f64>,
        shop_id: Option<String>,
        account_id: Option<String>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<rings::ExtortionIncidentConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        rings::list_incidents(
            ctx,
            min_confidence,
            shop_id,
            account_id,
            from,
            to,
            first,
            after,
        )
        .await
    }
    /// Extortion attempts the owner refused: a reviewer and contact that extorted an owner
    /// before (an incident of the last run with `minConfidence`, default 0.5) pan another
    /// shop and message its owner, who pays neither of them. Newest review first; `shopId`
    /// keeps one shop, `accountId` one reviewer or contact. Reasons and evidence say why.
    async fn extortion_attempts(
        ctx: &Context,
        min_confidence: Option<f64>,
        shop_id: Option<String>,
        account_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<rings::ExtortionAttemptConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        rings::list_attempts(ctx, min_confidence, shop_id, account_id, first, after).await
    }
    // --- end rings ---

    // --- cases ---
    /// One case by id. `NOT_FOUND` when there is none.
    async fn case(ctx: &Context, id: String) -> AppResult<cases::Case> {
        ctx.guard.authorize(Action::ReadFindings)?;
        cases::get(ctx, &id).await
    }

    /// Cases, most recently changed first; `refId` keeps cases holding that finding or
    /// entity (a ring id, incident id, account id…).
    async fn cases(
        ctx: &Context,
        status: Option<cases::CaseStatus>,
        assignee: Option<String>,
        ref_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<cases::CaseConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        cases::list(ctx, status, assignee, ref_id, first, after).await
    }

    /// One stored extortion incident by id (`incident-<reviewId>`). `NOT_FOUND` when the
    /// last run did not store it.
    async fn extortion_incident(ctx: &Context, id: String) -> AppResult<rings::ExtortionIncident> {
        ctx.guard.authorize(Action::ReadFindings)?;
        check_id("id", &id)?;
        crate::detect::extortion::get(&ctx.graph, &id)
            .await?
            .map(rings::ExtortionIncident)
            .ok_or_else(|| not_found("incident", &id))
    }

    /// The stored insider suspect record of one employee. `NOT_FOUND` when the last run did
    /// not score that employee.
    async fn insider_suspect(
        ctx: &Context,
        employee_id: String,
    ) -> AppResult<insider::InsiderSuspect> {
        ctx.guard.authorize(Action::ReadFindings)?;
        check_id("employeeId", &employee_id)?;
        crate::detect::insider::suspect_of(&ctx.graph, &employee_id)
            .await
            .map_err(lineage::app_error)?
            .map(insider::InsiderSuspect)
            .ok_or_else(|| not_found("insider suspect", &employee_id))
    }
    // --- end cases ---

    /// Detection runs, newest first: id, times, status, detectors, parameters, program version,
    /// who started it, what it found, and which detectors' findings currently come from it.
    async fn detection_runs(
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<runs::DetectionRunConnection> {
        ctx.guard.authorize(Action::ReadFindings)?;
        runs::list(ctx, first, after).await
    }

    /// The audit log, newest first: every request and CLI token or export command (who and
    /// which token, when, what ran, the masked document and variables, what it returned,
    /// duration, outcome, whether raw personal data was returned). Auditors only; `from`/`to`
    /// are RFC 3339; `operation` matches exactly (`query account`).
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        ctx: &Context,
        from: Option<String>,
        to: Option<String>,
        actor: Option<String>,
        operation: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<audit::AuditEntryConnection> {
        ctx.guard.authorize(Action::ReadAudit)?;
        audit::list(ctx, from, to, actor, operation, first, after).await
    }
}

/// Record counts (as Float: GraphQL's Int is 32-bit).
#[derive(juniper::GraphQLObject)]
pub struct Stats {
    pub accounts: f64,
    pub shops: f64,
    pub identifiers: f64,
    pub orders: f64,
    pub payments: f64,
    pub reviews: f64,
    pub complaints: f64,
    pub review_events: f64,
    pub messages: f64,
    pub relationships: f64,
}

pub struct Mutation;

#[graphql_object(context = Context)]
impl Mutation {
    /// Loads a small batch of records in the dataset contract's format (one JSON object per
    /// record, as in a `<kind>.ndjson` line). Same validation as `investigator load`: by
    /// default any invalid record rejects the whole batch (`BAD_USER_INPUT`, with every
    /// error in `extensions.errors`) and nothing is written.
    async fn ingest(
        ctx: &Context,
        records: Vec<ingest::IngestRecord>,
        #[graphql(default = false)] skip_invalid: bool,
    ) -> AppResult<ingest::IngestResult> {
        ctx.guard.authorize(Action::Ingest)?;
        ingest::run(ctx, records, skip_invalid).await
    }

    /// Recomputes stored findings from the current graph: `rings`, `extortion`, `insider`
    /// (all when `only` is omitted), as one detection run. Readers see the previous complete
    /// run until this one completes; `CONFLICT` while another run is in progress. With
    /// `since` (RFC 3339; not with `only`) the run is incremental: only the findings records
    /// timed at or after it can change are recomputed, the rest carried over from the last
    /// complete run (a full run when there is none); `detectionRuns` shows its mode and scope.
    async fn detect(
        ctx: &Context,
        only: Option<Vec<String>>,
        since: Option<String>,
    ) -> AppResult<Vec<DetectorResult>> {
        ctx.guard.authorize(Action::RunDetection)?;
        let since = since
            .map(|t| {
                crate::model::Timestamp::parse(&t)
                    .map(|t| t.0)
                    .map_err(|_| AppError::bad_input("since", "expected an RFC 3339 time"))
            })
            .transpose()?;
        if since.is_some() && only.is_some() {
            return Err(AppError::bad_input(
                "since",
                "an incremental run recomputes every detector; omit `only`",
            ));
        }
        let which = match only {
            None => crate::detect::Detector::ALL.to_vec(),
            Some(names) => names
                .iter()
                .map(|n| {
                    crate::detect::Detector::parse(n).ok_or_else(|| {
                        AppError::bad_input(
                            "only",
                            format!("unknown detector {n:?}; expected rings, extortion or insider"),
                        )
                    })
                })
                .collect::<AppResult<Vec<_>>>()?,
        };
        // The run goes on in its own task, on the background runtime: a client that hangs up,
        // or this request's deadline, never leaves a run half-done (it completes or fails, and
        // releases its lock), and its seconds of scoring never stall the HTTP worker.
        let graph = ctx.graph.unbounded();
        let actor = ctx.guard.actor().to_string();
        let task = ctx.background.spawn(async move {
            match since {
                Some(t) => crate::detect::incremental::run(&graph, &actor, t).await,
                None => crate::detect::run(&graph, &which, &actor).await,
            }
        });
        let left = ctx
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        let runs = match tokio::time::timeout(left, task).await {
            Ok(joined) => joined.map_err(|e| AppError::Internal(e.into()))??,
            Err(_) => return Err(AppError::Timeout(ctx.config.api.mutation_timeout_ms)),
        };
        Ok(runs
            .into_iter()
            .map(|r| DetectorResult {
                run_id: r.run_id,
                detector: r.detector.to_string(),
                found: r.found as i32,
                seconds: r.seconds,
            })
            .collect())
    }

    // --- cases ---
    /// Opens a case from a finding or entity (`NOT_FOUND` when it does not exist), with a
    /// snapshot of the finding as it is now. Recorded with who and when.
    async fn open_case(
        ctx: &Context,
        title: String,
        item: cases::CaseItemInput,
        assignee: Option<String>,
    ) -> AppResult<cases::Case> {
        ctx.guard.authorize(Action::ManageCases)?;
        cases::open(ctx, title, item, assignee).await
    }

    /// Attaches a finding or entity to a case (attaching it twice changes nothing).
    async fn attach_to_case(
        ctx: &Context,
        case_id: String,
        item: cases::CaseItemInput,
    ) -> AppResult<cases::Case> {
        ctx.guard.authorize(Action::ManageCases)?;
        cases::attach(ctx, case_id, item).await
    }

    /// Adds a note, authored by the caller.
    async fn add_case_note(
        ctx: &Context,
        case_id: String,
        text: String,
    ) -> AppResult<cases::CaseNote> {
        ctx.guard.authorize(Action::ManageCases)?;
        cases::add_note(ctx, case_id, text).await
    }

    /// Sets a case's status. `DISMISSED` needs a `reason`; its findings then stay dismissed
    /// when detection finds the same group (same members) again. Reopening lifts that.
    async fn set_case_status(
        ctx: &Context,
        case_id: String,
        status: cases::CaseStatus,
        reason: Option<String>,
    ) -> AppResult<cases::Case> {
        ctx.guard.authorize(Action::ManageCases)?;
        cases::set_status(ctx, case_id, status, reason).await
    }

    /// Assigns a case to an analyst (null: to nobody).
    async fn assign_case(
        ctx: &Context,
        case_id: String,
        assignee: Option<String>,
    ) -> AppResult<cases::Case> {
        ctx.guard.authorize(Action::ManageCases)?;
        cases::assign(ctx, case_id, assignee).await
    }
    // --- end cases ---
}

/// What one detector stored in a run.
#[derive(juniper::GraphQLObject)]
pub struct DetectorResult {
    /// The detection run (see `detectionRuns`).
    pub run_id: String,
    pub detector: String,
    /// Findings stored (rings, incidents or suspects).
    pub found: i32,
    pub seconds: f64,
}

pub type Schema = RootNode<Query, Mutation, EmptySubscription<Context>>;

pub fn schema() -> Schema {
    Schema::new(Query, Mutation, EmptySubscription::new())
}
