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
    },
    /// Run the detectors on an already-loaded dataset and score them against its labels.ndjson.
    Eval {
        /// The dataset directory that was loaded (its labels.ndjson is the ground truth).
        dir: PathBuf,
        /// Also write the report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Delete every node of the configured database.
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
}

#[derive(Subcommand)]
enum SchemaAction {
    /// Create missing constraints and indexes (idempotent).
    Apply,
    /// Print the GraphQL SDL the server serves.
    Print,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    investigator::telemetry::init(&config.log.filter, config.log.format);
    if let Command::Schema {
        action: SchemaAction::Print,
    } = cli.command
    {
        print!("{}", investigator::api::schema().as_sdl());
        return Ok(());
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
                };
                load_dataset(&graph, &config, &args).await?;
            }
            if detect {
                investigator::detect::run(&graph, &Detector::ALL).await?;
            }
            let listener = std::net::TcpListener::bind(&config.http.bind)
                .with_context(|| format!("cannot listen on {}", config.http.bind))?;
            investigator::http::serve(graph, config, listener).await?;
        }
        Command::Load(args) => {
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            load_dataset(&graph, &config, &args).await?;
        }
        Command::Schema { action } => match action {
            SchemaAction::Apply => {
                let graph = connect(&config).await?;
                let n = graph::schema::apply(&graph).await?;
                tracing::info!(statements = n, "constraints and indexes are in place");
            }
            SchemaAction::Print => unreachable!("handled before the runtime starts"),
        },
        Command::Detect { only } => {
            let which = parse_detectors(&only)?;
            let graph = connect(&config).await?;
            graph::schema::apply(&graph).await?;
            for s in investigator::detect::run(&graph, &which).await? {
                tracing::info!(
                    detector = s.detector,
                    found = s.found,
                    seconds = format!("{:.2}", s.seconds),
                    "stored"
                );
            }
        }
        Command::Eval { dir, json } => {
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
        }
        Command::Wipe { yes } => {
            anyhow::ensure!(
                yes,
                "wipe deletes every node of {}; add --yes to confirm",
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
                records_per_second = (report.written() as f64 / report.write_seconds.max(1e-9)) as u64,
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
