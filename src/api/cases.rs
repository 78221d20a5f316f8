//! GraphQL for cases: `case`, `cases` and the mutations that open, attach, note, assign and
//! change status. Every change is recorded with the guard's principal and the time. Also the
//! `dismissal` every finding type shows.

use super::{check_id, Context};
use crate::cases::{self, ItemKind, Status};
use crate::connection;
use crate::error::{AppError, AppResult};
use crate::model::Timestamp;
use juniper::{graphql_object, GraphQLEnum, GraphQLInputObject, GraphQLObject};

fn time(ms: i64) -> String {
    Timestamp(ms).rfc3339()
}

/// Where a case stands.
#[derive(GraphQLEnum, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Open,
    /// The analyst confirmed the findings.
    Confirmed,
    /// A false positive: its findings stay dismissed when detection finds the same group again.
    Dismissed,
}

impl From<CaseStatus> for Status {
    fn from(s: CaseStatus) -> Self {
        match s {
            CaseStatus::Open => Status::Open,
            CaseStatus::Confirmed => Status::Confirmed,
            CaseStatus::Dismissed => Status::Dismissed,
        }
    }
}

fn status_of(s: &str) -> CaseStatus {
    match Status::parse(s) {
        Some(Status::Confirmed) => CaseStatus::Confirmed,
        Some(Status::Dismissed) => CaseStatus::Dismissed,
        _ => CaseStatus::Open,
    }
}

/// What a case item is.
#[derive(GraphQLEnum, Clone, Copy, PartialEq, Eq)]
pub enum CaseItemKind {
    Ring,
    Incident,
    /// An insider suspect, by employee account id.
    InsiderSuspect,
    /// An agent lineage, by the account it starts from.
    Lineage,
    Account,
    Shop,
}

impl From<CaseItemKind> for ItemKind {
    fn from(k: CaseItemKind) -> Self {
        match k {
            CaseItemKind::Ring => ItemKind::Ring,
            CaseItemKind::Incident => ItemKind::Incident,
            CaseItemKind::InsiderSuspect => ItemKind::InsiderSuspect,
            CaseItemKind::Lineage => ItemKind::Lineage,
            CaseItemKind::Account => ItemKind::Account,
            CaseItemKind::Shop => ItemKind::Shop,
        }
    }
}

fn kind_of(s: &str) -> CaseItemKind {
    match ItemKind::parse(s) {
        Some(ItemKind::Ring) => CaseItemKind::Ring,
        Some(ItemKind::Incident) => CaseItemKind::Incident,
        Some(ItemKind::InsiderSuspect) => CaseItemKind::InsiderSuspect,
        Some(ItemKind::Lineage) => CaseItemKind::Lineage,
        Some(ItemKind::Shop) => CaseItemKind::Shop,
        _ => CaseItemKind::Account,
    }
}

/// A finding or entity, by kind and id.
#[derive(GraphQLInputObject)]
pub struct CaseItemInput {
    pub kind: CaseItemKind,
    /// Ring id, incident id, employee account id, lineage start account id, account or shop id.
    pub id: String,
}

/// An investigation: findings and entities, notes, status, history.
pub struct Case(pub cases::Case, tokio::sync::OnceCell<()>);

impl Case {
    fn new(c: cases::Case) -> Self {
        Case(c, Default::default())
    }

    /// Free text on this case, written by `author`, as the caller may see it (see
    /// `Guard::typed_text`); the case's subjects are registered with the guard first, once.
    async fn text(
        &self,
        ctx: &Context,
        author: Option<&str>,
        text: Option<&str>,
    ) -> AppResult<Option<String>> {
        if text.is_some() {
            self.1
                .get_or_try_init(|| register_case(ctx, &self.0.id))
                .await?;
        }
        Ok(ctx.guard.typed_text(author, text))
    }
}

/// Registers a case's subjects with the guard, so the free-text rule masks them.
async fn register_case(ctx: &Context, case_id: &str) -> AppResult<()> {
    if !ctx.guard.identity().unmask {
        let s = cases::case_subjects(&ctx.graph, case_id).await?;
        ctx.guard.register_subjects(
            s.names.iter().map(String::as_str),
            s.keys.iter().map(String::as_str),
        );
    }
    Ok(())
}

connection!(CaseConnection, CaseEdge, Case);
connection!(CaseNoteConnection, CaseNoteEdge, CaseNote);

/// A finding or entity attached to a case, as it was when attached.
pub struct CaseItem(cases::Item);

#[graphql_object(context = Context)]
impl CaseItem {
    fn kind(&self) -> CaseItemKind {
        kind_of(&self.0.kind)
    }
    /// The finding's or entity's id.
    fn ref_id(&self) -> &str {
        &self.0.reference
    }
    /// One line: what it is, its size and score.
    fn summary(&self) -> &str {
        &self.0.summary
    }
    fn score(&self) -> Option<f64> {
        self.0.score
    }
    /// The detection run that had stored the finding when it was attached.
    fn run_id(&self) -> Option<&str> {
        self.0.run_id.as_deref()
    }
    /// The group the finding is about (accounts; an incident's review too), sorted.
    fn members(&self) -> &[String] {
        &self.0.members
    }
    fn added_at(&self) -> String {
        time(self.0.added_at)
    }
    fn added_by(&self) -> &str {
        &self.0.added_by
    }
}

/// A note on a case.
#[derive(GraphQLObject)]
pub struct CaseNote {
    pub id: String,
    pub author: String,
    pub at: String,
    pub text: String,
}

fn note(n: cases::Note, ctx: &Context) -> CaseNote {
    let text = ctx
        .guard
        .typed_text(Some(&n.author), Some(&n.text))
        .unwrap_or_default();
    CaseNote {
        id: n.id,
        author: n.author,
        at: time(n.at),
        text,
    }
}

/// One change of a case: who, when, what.
#[derive(GraphQLObject)]
pub struct CaseEvent {
    pub at: String,
    pub by: String,
    /// opened, attached, noted, status, assigned.
    pub action: String,
    pub detail: Option<String>,
}

#[graphql_object(context = Context)]
impl Case {
    fn id(&self) -> &str {
        &self.0.id
    }
    async fn title(&self, ctx: &Context) -> AppResult<String> {
        Ok(self
            .text(ctx, Some(&self.0.created_by), Some(&self.0.title))
            .await?
            .unwrap_or_default())
    }
    fn status(&self) -> CaseStatus {
        status_of(&self.0.status)
    }
    /// Why it was dismissed.
    async fn dismiss_reason(&self, ctx: &Context) -> AppResult<Option<String>> {
        self.text(ctx, self.0.reason_by.as_deref(), self.0.reason.as_deref())
            .await
    }
    async fn assignee(&self, ctx: &Context) -> AppResult<Option<String>> {
        self.text(
            ctx,
            self.0.assignee_by.as_deref(),
            self.0.assignee.as_deref(),
        )
        .await
    }
    fn created_at(&self) -> String {
        time(self.0.created_at)
    }
    fn created_by(&self) -> &str {
        &self.0.created_by
    }
    /// The last change (opening, attachment, note, status, assignment).
    fn updated_at(&self) -> String {
        time(self.0.updated_at)
    }
    /// Attached findings and entities, oldest first.
    fn items(&self) -> Vec<CaseItem> {
        self.0.items.iter().cloned().map(CaseItem).collect()
    }
    fn notes_count(&self) -> i32 {
        self.0.notes as i32
    }
    /// Notes, oldest first.
    async fn notes(
        &self,
        ctx: &Context,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<CaseNoteConnection> {
        let page = ctx.page(first, after.as_deref())?;
        let rows = cases::notes(&ctx.graph, &self.0.id, page.slice()).await?;
        if !rows.is_empty() {
            self.1
                .get_or_try_init(|| register_case(ctx, &self.0.id))
                .await?;
        }
        Ok(CaseNoteConnection::from_rows(&page, rows, |n| note(n, ctx)))
    }
    /// Every change, oldest first: who did what and when.
    async fn history(&self, ctx: &Context) -> AppResult<Vec<CaseEvent>> {
        let mut out = Vec::new();
        for e in cases::events(&ctx.graph, &self.0.id).await? {
            let detail = self.text(ctx, Some(&e.by), e.detail.as_deref()).await?;
            out.push(CaseEvent {
                at: time(e.at),
                by: e.by,
                action: e.action,
                detail,
            });
        }
        Ok(out)
    }
    /// Where to download the case's evidence bundle (GET, same authorization as /graphql).
    fn bundle_url(&self) -> String {
        format!("/export/case/{}", self.0.id)
    }
}

/// A finding's group was dismissed in a case.
#[derive(GraphQLObject)]
pub struct Dismissal {
    pub case_id: String,
    pub reason: Option<String>,
    pub at: String,
    pub by: String,
}

/// The newest dismissal of a finding of `kind` with these members.
pub async fn dismissal(
    ctx: &Context,
    kind: ItemKind,
    members: &[String],
) -> AppResult<Option<Dismissal>> {
    let Some(d) = cases::dismissal_of(&ctx.graph, kind, members).await? else {
        return Ok(None);
    };
    if d.reason.is_some() && !ctx.guard.identity().unmask {
        let s = cases::subjects(&ctx.graph, members.to_vec()).await?;
        ctx.guard.register_subjects(
            s.names.iter().map(String::as_str),
            s.keys.iter().map(String::as_str),
        );
    }
    Ok(Some(Dismissal {
        case_id: d.case_id,
        reason: ctx.guard.typed_text(Some(&d.by), d.reason.as_deref()),
        at: time(d.at),
        by: d.by,
    }))
}

/// Members of an incident as a case records them.
pub fn incident_members(i: &crate::detect::extortion::Incident) -> Vec<String> {
    cases::incident_members(i)
}

fn check_text(field: &str, text: &str, max: usize) -> AppResult<()> {
    if text.trim().is_empty() || text.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("must be non-empty and at most {max} characters"),
        ));
    }
    Ok(())
}

async fn resolve(ctx: &Context, item: &CaseItemInput) -> AppResult<cases::Resolved> {
    check_id("item.id", &item.id)?;
    let limit = std::time::Duration::from_millis(ctx.config.api.query_timeout_ms);
    cases::resolve(&ctx.graph, item.kind.into(), &item.id, limit).await
}

pub async fn get(ctx: &Context, id: &str) -> AppResult<Case> {
    check_id("id", id)?;
    cases::get(&ctx.graph, id)
        .await?
        .map(Case::new)
        .ok_or_else(|| super::not_found("case", id))
}

pub async fn list(
    ctx: &Context,
    status: Option<CaseStatus>,
    assignee: Option<String>,
    ref_id: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<CaseConnection> {
    if let Some(r) = &ref_id {
        check_id("refId", r)?;
    }
    let page = ctx.page(first, after.as_deref())?;
    let filter = cases::CaseFilter {
        status: status.map(Into::into),
        assignee,
        reference: ref_id,
    };
    let rows = cases::list(&ctx.graph, &filter, page.slice()).await?;
    Ok(CaseConnection::from_rows(&page, rows, Case::new))
}

pub async fn open(
    ctx: &Context,
    title: String,
    item: CaseItemInput,
    assignee: Option<String>,
) -> AppResult<Case> {
    check_text("title", &title, 200)?;
    let found = resolve(ctx, &item).await?;
    let by = ctx.guard.actor().to_string();
    let id = cases::open(
        &ctx.graph,
        title.trim(),
        assignee.as_deref(),
        &found,
        &by,
        cases::now_ms(),
    )
    .await?;
    tracing::info!(case = %id, principal = %by, kind = found.kind.as_str(), "case opened");
    get(ctx, &id).await
}

pub async fn attach(ctx: &Context, case_id: String, item: CaseItemInput) -> AppResult<Case> {
    check_id("caseId", &case_id)?;
    let found = resolve(ctx, &item).await?;
    let by = ctx.guard.actor().to_string();
    let created = cases::attach(&ctx.graph, &case_id, &found, &by, cases::now_ms()).await?;
    tracing::info!(case = %case_id, principal = %by, kind = found.kind.as_str(), created, "case item attached");
    get(ctx, &case_id).await
}

pub async fn add_note(ctx: &Context, case_id: String, text: String) -> AppResult<CaseNote> {
    check_id("caseId", &case_id)?;
    check_text("text", &text, 10_000)?;
    let by = ctx.guard.actor().to_string();
    let n = cases::note(&ctx.graph, &case_id, &text, &by, cases::now_ms()).await?;
    tracing::info!(case = %case_id, principal = %by, note = %n.id, "case note added");
    register_case(ctx, &case_id).await?;
    Ok(note(n, ctx))
}

pub async fn set_status(
    ctx: &Context,
    case_id: String,
    status: CaseStatus,
    reason: Option<String>,
) -> AppResult<Case> {
    check_id("caseId", &case_id)?;
    match (&status, &reason) {
        (CaseStatus::Dismissed, None) => {
            return Err(AppError::bad_input("reason", "a dismissal needs a reason"))
        }
        (CaseStatus::Dismissed, Some(r)) => check_text("reason", r, 2_000)?,
        (_, Some(_)) => {
            return Err(AppError::bad_input(
                "reason",
                "only a dismissal takes a reason",
            ))
        }
        _ => {}
    }
    let by = ctx.guard.actor().to_string();
    cases::set_status(
        &ctx.graph,
        &case_id,
        status.into(),
        reason.as_deref(),
        &by,
        cases::now_ms(),
    )
    .await?;
    tracing::info!(case = %case_id, principal = %by, status = Status::from(status).as_str(), "case status set");
    get(ctx, &case_id).await
}

pub async fn assign(ctx: &Context, case_id: String, assignee: Option<String>) -> AppResult<Case> {
    check_id("caseId", &case_id)?;
    if let Some(a) = &assignee {
        check_text("assignee", a, 128)?;
    }
    let by = ctx.guard.actor().to_string();
    cases::assign(
        &ctx.graph,
        &case_id,
        assignee.as_deref(),
        &by,
        cases::now_ms(),
    )
    .await?;
    tracing::info!(case = %case_id, principal = %by, "case assigned");
    get(ctx, &case_id).await
}
