//! `investigator`: parse arguments, set up tracing, dispatch. Nothing else lives here.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use investigator::config::{Config, ENV_HELP};
use investigator::detect::Detector;
use investigator::graph::{self, Graph};
use investigator::ingest::{self, LoadOptions, Source};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "investigator", version, about = "Graph-backed investigator of review extortion, hired feedback agents and insider rating removal", after_help = ENV_HELP)]
struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "INVESTIGATOR_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API and GraphiQL; applies the Neo4j schema first.
    Serve {
        /// Load this dataset directory before serving (idempotent).
        #[arg(long)]
        load: Option<PathBuf>,
        /// Run every detector before serving (after --load).
        #[arg(long)]
        detect: bool,
    },
    /// Validate and load a dataset directory (`<kind>.ndjson` files of the contract).
    Load(LoadArgs),
    /// Neo4j constraints and indexes, and the GraphQL SDL.
    Schema {
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// Recompute and store findings (rings, extortion incidents, insider suspects).
    Detect {
        /// Only these detectors (comma-separated: rings,extortion,insider).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Incremental: recompute only what records timed at or after this RFC 3339 time
        /// touch, carrying the other findings over from the last complete run.
        #[arg(long, conflicts_with = "only")]
        since: Option<String>,
    },
    /// Run the detectors on an already-loaded dataset and score them against its labels.ndjson.
    Eval {
        /// The dataset directory that was loaded (its labels.ndjson is the ground truth).
        dir: PathBuf,
        /// Also write the report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Fail (exit 1) when the report misses the quality gate (`eval::gate::RULES`).
        #[arg(long)]
        gate: bool,
    },
    /// Write a deterministic synthetic marketplace (contract format + labels.ndjson).
    Generate {
        /// Accounts to generate (at least 500).
        #[arg(long, default_value_t = 100_000)]
        accounts: u64,
        /// Random seed: the same options give byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory (created).
        #[arg(long, required_unless_present = "seed_data")]
        out: Option<PathBuf>,
        /// Planted extortion crews (default: accounts/20,000, at least 3).
        #[arg(long)]
        crews: Option<u32>,
        /// Planted competitor-hired campaigns (default: accounts/40,000, at least 2).
        #[arg(long)]
        campaigns: Option<u32>,
        /// Planted insiders (default: accounts/200,000, at least 1).
        #[arg(long)]
        insiders: Option<u32>,
        /// Planted actors behave only maliciously (no camouflage purchases, no mules).
        #[arg(long)]
        no_camouflage: bool,
        /// No benign look-alikes (households, public Wi-Fi, friends, busy moderators, refunds).
        #[arg(long)]
        no_traps: bool,
        /// Every optional pattern on: split negotiators, dormant recruits, 1–3-hop mule
        /// chains, multi-farm campaigns with camouflage (docs/DATASET-GENERATION.md).
        #[arg(long)]
        all_patterns: bool,
        /// Crews split the roles: a negotiator talks, a second account tied to it is paid.
        #[arg(long)]
        split_negotiator: bool,
        /// Crews and campaigns bring in household recruits who have not posted yet.
        #[arg(long)]
        dormant_recruits: bool,
        /// Half the crews meet an owner who refuses to pay (an extortion attempt).
        #[arg(long)]
        refusals: bool,
        /// Transfers from beneficiary to organizer, MIN-MAX (default 2-3; 1 = direct).
        #[arg(long, value_parser = parse_hops)]
        mule_hops: Option<(u8, u8)>,
        /// Small campaigns of six operatives from three device farms, with camouflage.
        #[arg(long)]
        farm_campaigns: Option<u32>,
        /// Instead, write the seed cases of the news reports (the committed seed-data/) here.
        #[arg(long, conflicts_with = "out")]
        seed_data: Option<PathBuf>,
    },
    /// Export a finding or a case as an evidence bundle (an uncompressed tar: manifest.json,
    /// evidence.json, CSVs, GraphML, SHA256SUMS). The same run exported twice gives the same bytes.
    Export {
        /// ring, incident, insider, lineage or case.
        kind: String,
        /// The ring, incident or case id; the employee or start account id.
        id: String,
        /// Output file (default: evidence-<kind>-<id>.tar in the current directory).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who exports, as recorded in the manifest (default: cli:$USER).
        #[arg(long)]
        by: Option<String>,
        /// Write personal data unmasked (masked by default); the audit log records it.
        #[arg(long)]
        unmask: bool,
    },
    /// API tokens: create (prints the secret once), list, revoke.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Delete the dataset and findings of the configured database (tokens and the audit log
    /// are kept).
    Wipe {
        /// Required: confirms you mean it.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(clap::Args)]
struct LoadArgs {
    /// Dataset directory.
    dir: PathBuf,
    /// Load the valid records and write the rejected ones to --rejects, instead of refusing
    /// the whole dataset.
    #[arg(long)]
    skip_invalid: bool,
    /// Where --skip-invalid writes rejected records (NDJSON).
    #[arg(long, default_value = "rejects.ndjson")]
    rejects: PathBuf,
    /// Records per write transaction (overrides INVESTIGATOR_BATCH_SIZE).
    #[arg(long)]
    batch_size: Option<usize>,
    /// Concurrent write transactions (overrides INVESTIGATOR_WRITERS).
    #[arg(long)]
    writers: Option<usize>,
    /// Initial load into an EMPTY database with Neo4j's bulk importer: validates as usual,
    /// writes the importer's CSV, stops Neo4j, imports, starts it and applies the schema.
    #[arg(long, conflicts_with = "skip_invalid")]
    bulk: bool,
    /// With --bulk: the importer command (it receives `--database NAME --expect-port PORT --
    /// IMPORT-OPTIONS…`); the bundled Neo4j's is `tools/neo4j/neo4j-dev import`, run with the
    /// same NEO4J_DEV_HOME as the running instance.
    #[arg(
        long,
        env = "INVESTIGATOR_BULK_IMPORTER",
        default_value = "tools/neo4j/neo4j-dev import",
        requires = "bulk"
    )]
    importer: String,
    /// With --bulk: where the CSV files go (created, must be empty; deleted afterwards).
    #[arg(long, requires = "bulk")]
    staging: Option<PathBuf>,
    /// With --bulk: keep the CSV files.
    #[arg(long, requires = "bulk")]
    keep_staging: bool,
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a token; its secret is printed once, alone on the last line of standard output.
    Create {
        /// A name for who or what uses it (the audit log's "who"), e.g. `alice` or `case-ui`.
        #[arg(long)]
        name: String,
        /// Roles, comma-separated: analyst, auditor, admin.
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
        /// May see raw identifier values and names (each such read is flagged in the audit log).
        #[arg(long)]
        unmask: bool,
        /// Revoke live tokens of the same name first.
        #[arg(long)]
        replace: bool,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke tokens by id or name.
    Revoke {
        /// A token id (`tok-…`) or name.
        key: String,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check the hash chain: every entry unedited, none missing or reordered.
    Verify,
}

#[derive(Subcommand)]
enum SchemaAction {
    /// Create missing constraints and indexes (idempotent).
    Apply,
    /// Print the GraphQL SDL the server serves.
    Print,
}

/// mimalloc instead of glibc malloc: validation parses every record into short-lived strings
/// and maps (a fifth of a bulk load's CPU went to malloc and free), and the server and the
/// detectors allocate the same way.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    investigator::telemetry::init(&config.log.filter, config.log.format);
    investigator::detect::thresholds::install(config.detect.thresholds());
    if let Command::Schema {
        action: SchemaAction::Print,
    } = cli.command
    {
        print!("{}", investigator::api::schema().as_sdl());
        return Ok(());
    }
    if let Command::Generate { .. } = cli.command {
        return generate(cli.command);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command, Arc::new(config)))
}

async fn connect(config: &Config) -> anyhow::Result<Graph> {
    Graph::connect(&config.neo4j).await.with_context(|| {
        format!(
            "Neo4j is not reachable at {}. Start the bundled one with `tools/neo4j/neo4j-dev start`, \
             or point NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD at yours",
            config.neo4j.uri
        )
    })
}

async fn run(command: Command, config: Arc<Config>) -> anyhow::Result<()> {
    match command {
        Command::Serve { load, detect } => {
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            if let Some(dir) = load {
                let args = LoadArgs {
                    dir,
                    skip_invalid: false,
                    rejects: PathBuf::from("rejects.ndjson"),
                    batch_size: None,
                    writers: None,
                    bulk: false,
                    importer: String::new(),
                    staging: None,
                    keep_staging: false,
                };
                load_dataset(&graph, &config, &args).await?;
            }
            if detect {
                investigator::detect::run(&graph, &Detector::ALL, "cli").await?;
            }
            let listener = std::net::TcpListener::bind(&config.http.bind)
                .with_context(|| format!("cannot listen on {}", config.http.bind))?;
            investigator::http::serve(graph, config, listener).await?;
        }
        Command::Load(args) if args.bulk => bulk_load(&config, &args).await?,
        Command::Load(args) => {
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            load_dataset(&graph, &config, &args).await?;
        }
        Command::Schema { action } => match action {
            SchemaAction::Apply => {
                let graph = connect(&config).await?;
                let n = graph::schema::apply(&graph).await?;
                tracing::info!(applied = n, "constraints and indexes are in place");
            }
            SchemaAction::Print => unreachable!("handled before the runtime starts"),
        },
        Command::Detect { only, since } => {
            let which = parse_detectors(&only)?;
            let since = since
                .map(|t| investigator::model::Timestamp::parse(&t))
                .transpose()
                .map_err(|e| anyhow::anyhow!("--since: {e}"))?;
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            let done = match since {
                Some(t) => investigator::detect::incremental::run(&graph, "cli", t.0).await?,
                None => investigator::detect::run(&graph, &which, "cli").await?,
            };
            for s in done {
                tracing::info!(
                    detector = s.detector,
                    found = s.found,
                    seconds = format!("{:.2}", s.seconds),
                    "stored"
                );
            }
        }
        Command::Eval { dir, json, gate } => {
            let labels = investigator::eval::Labels::read(&dir)?;
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            let report =
                investigator::eval::evaluate(&graph, &labels, &dir.display().to_string()).await?;
            print!("{}", report.table());
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
                tracing::info!(file = %path.display(), "JSON report written");
            }
            if gate {
                let failed = investigator::eval::gate::failures(&report);
                for f in &failed {
                    tracing::error!(failure = %f, "quality gate");
                }
                anyhow::ensure!(
                    failed.is_empty(),
                    "{}: {} quality gate rule(s) failed",
                    dir.display(),
                    failed.len()
                );
                tracing::info!(dataset = %dir.display(), rules = investigator::eval::gate::RULES.len(), "quality gate passed");
            }
        }
        Command::Generate { .. } => unreachable!("handled before the runtime starts"),
        Command::Export {
            kind,
            id,
            out,
            by,
            unmask,
        } => {
            use investigator::access::{Identity, PseudonymKey, Role};
            use investigator::api::guard::Guard;
            let subject = investigator::export::Subject::parse(&kind, &id)?;
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            let principal = by.unwrap_or_else(cli_actor);
            let identity = Identity {
                subject: principal.clone(),
                token_id: "cli".into(),
                roles: vec![Role::Analyst],
                unmask,
            };
            let guard = Guard::new(identity, PseudonymKey::load(&graph).await?);
            let limit = std::time::Duration::from_millis(config.api.query_timeout_ms);
            let started = std::time::Instant::now();
            let built = investigator::export::export(&graph, &guard, &subject, limit).await;
            let outcome = match &built {
                Ok(_) => "ok".into(),
                Err(e) => format!("error:{}", e.code()),
            };
            let entry = CliEntry {
                actor: principal,
                operation: format!("cli: export {kind} {id}"),
                variables: serde_json::Value::Null,
                ids: vec![id.clone()],
                outcome,
                unmasked: guard.unmasked_read(),
                started,
            };
            entry.append(&graph).await?;
            let bundle = built?;
            let path = out.unwrap_or_else(|| PathBuf::from(&bundle.file_name));
            std::fs::write(&path, &bundle.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            tracing::info!(file = %path.display(), bytes = bundle.bytes.len(), sha256 = %bundle.sha256, "bundle written");
        }
        Command::Token { action } => {
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            token(&graph, action).await?;
        }
        Command::Audit {
            action: AuditAction::Verify,
        } => {
            use investigator::access::audit::{self, Verdict};
            let graph = connect(&config).await?;
            match audit::verify(&graph).await? {
                Verdict::Intact { entries, head_hash } => {
                    println!("audit log intact: {entries} entries, head {head_hash}");
                }
                Verdict::Broken { seq, reason } => {
                    anyhow::bail!("audit log broken at entry {seq}: {reason}");
                }
            }
        }
        Command::Wipe { yes } => {
            anyhow::ensure!(
                yes,
                "wipe deletes every node and relationship of {}; add --yes to confirm",
                config.neo4j.uri
            );
            let graph = connect(&config).await?;
            let n = graph::read::wipe(&graph).await?;
            tracing::info!(deleted = n, "database wiped");
        }
    }
    Ok(())
}

async fn load_dataset(graph: &Graph, config: &Config, args: &LoadArgs) -> anyhow::Result<()> {
    let opts = LoadOptions {
        skip_invalid: args.skip_invalid,
        batch_size: args.batch_size.unwrap_or(config.ingest.batch_size),
        writers: args.writers.unwrap_or(config.ingest.writers),
        progress: std::io::stderr().is_terminal(),
    };
    let source = Source::dir(&args.dir)
        .with_context(|| format!("cannot open dataset {}", args.dir.display()))?;
    match ingest::load(graph, source, &opts).await {
        Ok(report) => {
            for k in report.kinds.iter().filter(|k| k.read > 0) {
                tracing::info!(
                    kind = k.kind,
                    read = k.read,
                    written = k.written,
                    created = k.created,
                    merged = k.written - k.created,
                    rejected = k.rejected,
                    "loaded"
                );
            }
            if !report.rejected.is_empty() {
                write_rejects(&args.rejects, &report.rejected)?;
                tracing::warn!(rejected = report.rejected.len(), file = %args.rejects.display(), "invalid records skipped and reported");
            }
            let secs = report.validate_seconds + report.write_seconds;
            tracing::info!(
                dataset = %args.dir.display(),
                written = report.written(),
                seconds = format!("{secs:.1}"),
                records_per_second = (report.written() as f64 / secs.max(1e-9)) as u64,
                validate_seconds = format!("{:.1}", report.validate_seconds),
                write_seconds = format!("{:.1}", report.write_seconds),
                "load finished"
            );
            Ok(())
        }
        Err(ingest::LoadError::Invalid { errors, total }) => {
            for e in errors.iter().take(200) {
                eprintln!("{}/{e}", args.dir.display());
            }
            if total > 200 {
                eprintln!("… and {} more", total - 200);
            }
            anyhow::bail!("{total} invalid record(s) in {}; nothing was written (use --skip-invalid to load the rest)", args.dir.display())
        }
        Err(e) => Err(e.into()),
    }
}

async fn bulk_load(config: &Config, args: &LoadArgs) -> anyhow::Result<()> {
    let opts = LoadOptions {
        skip_invalid: false,
        batch_size: config.ingest.batch_size,
        writers: config.ingest.writers,
        progress: std::io::stderr().is_terminal(),
    };
    let bulk = ingest::BulkOptions {
        importer: args.importer.split_whitespace().map(String::from).collect(),
        staging: args.staging.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("investigator-bulk-{}", std::process::id()))
        }),
        keep_staging: args.keep_staging,
    };
    let source = Source::dir(&args.dir)
        .with_context(|| format!("cannot open dataset {}", args.dir.display()))?;
    let started = std::time::Instant::now();
    match ingest::load_bulk(&config.neo4j, source, &opts, &bulk).await {
        Ok((_, report)) => {
            let secs = started.elapsed().as_secs_f64();
            tracing::info!(
                dataset = %args.dir.display(),
                records = report.records,
                nodes = report.nodes,
                relationships = report.relationships,
                seconds = format!("{secs:.1}"),
                records_per_second = (report.records as f64 / secs.max(1e-9)) as u64,
                validate_seconds = format!("{:.1}", report.validate_seconds),
                import_seconds = format!("{:.1}", report.import_seconds),
                stop_seconds = format!("{:.1}", report.stop_seconds),
                importer_seconds = format!("{:.1}", report.importer_seconds),
                start_seconds = format!("{:.1}", report.start_seconds),
                schema_seconds = format!("{:.1}", report.schema_seconds),
                ddl_seconds = format!("{:.1}", report.ddl_seconds),
                populate_seconds = format!("{:.1}", report.populate_seconds),
                "bulk load finished"
            );
            Ok(())
        }
        Err(ingest::BulkError::Load(ingest::LoadError::Invalid { errors, total })) => {
            for e in errors.iter().take(200) {
                eprintln!("{}/{e}", args.dir.display());
            }
            if total > 200 {
                eprintln!("… and {} more", total - 200);
            }
            anyhow::bail!(
                "{total} invalid record(s) in {}; nothing was written",
                args.dir.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn generate(command: Command) -> anyhow::Result<()> {
    use investigator::generate::{self as gen, GenerateOptions};
    let Command::Generate {
        accounts,
        seed,
        out,
        crews,
        campaigns,
        insiders,
        no_camouflage,
        no_traps,
        all_patterns,
        split_negotiator,
        dormant_recruits,
        refusals,
        mule_hops,
        farm_campaigns,
        seed_data,
    } = command
    else {
        unreachable!()
    };
    let started = std::time::Instant::now();
    let (dir, summary) = if let Some(dir) = seed_data {
        let s = gen::write_seed_dataset(&dir)?;
        (dir, s)
    } else {
        let dir = out.expect("clap requires --out");
        anyhow::ensure!(accounts >= 500, "--accounts must be at least 500");
        let mut opts = GenerateOptions::for_accounts(accounts, seed);
        opts.crews = crews.unwrap_or(opts.crews);
        opts.campaigns = campaigns.unwrap_or(opts.campaigns);
        opts.insiders = insiders.unwrap_or(opts.insiders);
        opts.camouflage = !no_camouflage;
        opts.traps = !no_traps;
        if all_patterns {
            opts.patterns = gen::Patterns::all(accounts);
        }
        opts.patterns.split_negotiator |= split_negotiator;
        opts.patterns.dormant_recruits |= dormant_recruits;
        opts.patterns.refusals |= refusals;
        opts.patterns.mule_hops = mule_hops.unwrap_or(opts.patterns.mule_hops);
        opts.patterns.farm_campaigns = farm_campaigns.unwrap_or(opts.patterns.farm_campaigns);
        let s = gen::generate(&opts, &dir)
            .with_context(|| format!("writing the dataset to {}", dir.display()))?;
        (dir, s)
    };
    for (file, n) in &summary.files {
        tracing::info!(file, records = n, "written");
    }
    tracing::info!(dir = %dir.display(), records = summary.records(), seconds = format!("{:.1}", started.elapsed().as_secs_f64()), "dataset generated");
    Ok(())
}

/// `1-3` → (1, 3); each between 1 and 3, min ≤ max.
fn parse_hops(s: &str) -> Result<(u8, u8), String> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let n = |x: &str| {
        x.trim()
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=3).contains(n))
            .ok_or_else(|| format!("{x:?}: hops are 1, 2 or 3"))
    };
    let (a, b) = (n(a)?, n(b)?);
    if a > b {
        return Err(format!("{s}: MIN must not exceed MAX"));
    }
    Ok((a, b))
}

/// Who runs a CLI command, for the audit log (`cli:$USER`).
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

/// The audit entry of a CLI command (an export, a token created or revoked).
struct CliEntry {
    actor: String,
    operation: String,
    variables: serde_json::Value,
    ids: Vec<String>,
    outcome: String,
    unmasked: bool,
    started: std::time::Instant,
}

impl CliEntry {
    /// Appends the entry and waits for its commit.
    async fn append(self, graph: &Graph) -> anyhow::Result<()> {
        use investigator::access::audit;
        let record = audit::Record {
            actor: self.actor,
            token_id: "cli".into(),
            request_id: "cli".into(),
            operation: self.operation,
            variables: if self.variables.is_null() {
                String::new()
            } else {
                self.variables.to_string()
            },
            entities: serde_json::json!({"total": self.ids.len(), "ids": self.ids}).to_string(),
            duration_ms: self.started.elapsed().as_millis() as i64,
            outcome: self.outcome,
            unmasked: self.unmasked,
            ..audit::Record::default()
        };
        audit::AuditLog::start(graph.clone())
            .append(record)
            .await
            .context("the audit log could not be written")?;
        Ok(())
    }
}

/// Token commands are audited like requests: creating or revoking one changes who may read.
async fn token(graph: &Graph, action: TokenAction) -> anyhow::Result<()> {
    use investigator::access::tokens::{self, TokenError};
    use investigator::access::Role;
    let started = std::time::Instant::now();
    let entry =
        |operation: &str, variables: serde_json::Value, ids: Vec<String>, outcome: &str| CliEntry {
            actor: cli_actor(),
            operation: operation.into(),
            variables,
            ids,
            outcome: outcome.into(),
            unmasked: false,
            started,
        };
    match action {
        TokenAction::Create {
            name,
            roles,
            unmask,
            replace,
        } => {
            let roles = roles
                .iter()
                .map(|r| {
                    Role::parse(r).ok_or_else(|| {
                        anyhow::anyhow!("unknown role {r:?}; expected analyst, auditor or admin")
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let created = tokens::create(graph, &name, &roles, unmask, replace).await;
            // Ids: the new token first, then the tokens it replaced.
            let (ids, outcome) = match &created {
                Ok(c) => (
                    std::iter::once(c.id.clone())
                        .chain(c.replaced.iter().cloned())
                        .collect(),
                    "ok",
                ),
                Err(TokenError::NameTaken(..)) => (vec![], "error:CONFLICT"),
                Err(TokenError::BadName | TokenError::NoRole) => (vec![], "error:BAD_USER_INPUT"),
                Err(TokenError::Graph(_)) => (vec![], "error:UNAVAILABLE"),
            };
            let variables = serde_json::json!({
                "name": name,
                "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "unmask": unmask,
                "replace": replace,
            });
            if let Err(e) = entry("cli: token create", variables, ids, outcome)
                .append(graph)
                .await
            {
                // No token without its entry.
                if let Ok(c) = &created {
                    tokens::revoke(graph, &c.id).await?;
                }
                return Err(e);
            }
            let created = created?;
            tracing::info!(id = %created.id, %name, ?roles, unmask, replaced = ?created.replaced, "token created; it is shown once");
            println!("{}", created.secret);
        }
        TokenAction::List => {
            println!(
                "{:<18} {:<24} {:<24} {:<7} {:<25} revoked",
                "id", "name", "roles", "unmask", "created"
            );
            for t in tokens::list(graph).await? {
                let time = |ms: i64| investigator::model::Timestamp(ms).rfc3339();
                println!(
                    "{:<18} {:<24} {:<24} {:<7} {:<25} {}",
                    t.id,
                    t.name,
                    t.roles.join(","),
                    t.unmask,
                    time(t.created_at),
                    t.revoked_at.map(time).unwrap_or_else(|| "-".into())
                );
            }
        }
        TokenAction::Revoke { key } => {
            let revoked = tokens::revoke(graph, &key).await;
            let (ids, outcome) = match &revoked {
                Ok(ids) if ids.is_empty() => (vec![], "error:NOT_FOUND"),
                Ok(ids) => (ids.clone(), "ok"),
                Err(_) => (vec![], "error:UNAVAILABLE"),
            };
            let variables = serde_json::json!({ "key": key });
            entry("cli: token revoke", variables, ids, outcome)
                .append(graph)
                .await?;
            let revoked = revoked?;
            anyhow::ensure!(!revoked.is_empty(), "no live token has id or name {key:?}");
            tracing::info!(?revoked, %key, "revoked; servers refuse it within {} s", tokens::CACHE_TTL.as_secs());
        }
    }
    Ok(())
}

fn parse_detectors(names: &[String]) -> anyhow::Result<Vec<Detector>> {
    if names.is_empty() {
        return Ok(Detector::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| {
            Detector::parse(n.trim()).ok_or_else(|| {
                anyhow::anyhow!("unknown detector {n:?}; expected rings, extortion or insider")
            })
        })
        .collect()
}

fn write_rejects(path: &std::path::Path, rejected: &[ingest::RecordError]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for e in rejected {
        serde_json::to_writer(&mut out, e)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
