//! Shared helpers for integration tests: a real Neo4j (never a mock), a fresh database per
//! test, the real HTTP server on an ephemeral port, and GraphQL over HTTP.
//!
//! Neo4j Community has one user database, so tests run one at a time (a process-wide lock)
//! on a wiped database. They use `INVESTIGATOR_TEST_NEO4J_URI` (default the test instance
//! `bolt://127.0.0.1:7688` that `tools/dev test` starts), never the development database.
#![allow(dead_code)]

use investigator::access::{tokens, Role};
use investigator::config::Config;
use investigator::graph::{self, Graph};
use investigator::ingest::{self, LoadOptions, LoadReport, Source};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct TestApp {
    pub base: String,
    /// A bearer token with every role (admin, analyst, auditor) and `unmask`.
    pub token: String,
    pub graph: Graph,
    pub config: Arc<Config>,
    client: reqwest::Client,
    _serial: tokio::sync::MutexGuard<'static, ()>,
    server: actix_web::dev::ServerHandle,
}

/// The suite's one-test-at-a-time lock, for tests that manage the database themselves
/// (restarting or re-importing it) instead of starting from [`app`].
pub async fn exclusive() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}

pub fn test_config() -> Config {
    let mut config = Config::default();
    config.neo4j.uri = std::env::var("INVESTIGATOR_TEST_NEO4J_URI")
        .unwrap_or_else(|_| "bolt://127.0.0.1:7688".into());
    config.neo4j.max_connections = 8;
    config.http.bind = "127.0.0.1:0".into();
    config
}

/// Runs the `investigator` binary against the test database.
pub fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_investigator"))
        .args(args)
        .env("NEO4J_URI", &app.config.neo4j.uri)
        .env("INVESTIGATOR_LOG", "warn")
        .output()
        .expect("run investigator")
}

/// Starts the app on a wiped database with the schema applied.
pub async fn app() -> TestApp {
    app_with(test_config()).await
}

pub async fn app_with(config: Config) -> TestApp {
    // Server logs go to the test's captured output: shown only when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            std::env::var("INVESTIGATOR_TEST_LOG")
                .unwrap_or_else(|_| "warn,investigator=warn".into()),
        )
        .with_test_writer()
        .try_init();
    let serial = SERIAL.lock().await;
    let graph = Graph::connect(&config.neo4j).await.expect(
        "the test Neo4j is not running: start it with `tools/dev test` (or tools/neo4j/neo4j-dev)",
    );
    graph::read::wipe(&graph).await.expect("wipe");
    graph::schema::apply(&graph).await.expect("schema");
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = investigator::http::AppState::new(graph.clone(), Arc::clone(&config))
        .await
        .expect("app state");
    let server = investigator::http::server(actix_web::web::Data::new(state), listener, Some(1))
        .expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    // Tokens outlive the wipe, and a name belongs to one live token: replace the last test's.
    let token = tokens::create(&graph, "test-all", &Role::ALL, true, true)
        .await
        .expect("token")
        .secret;
    TestApp {
        base,
        token,
        graph,
        config,
        client: reqwest::Client::new(),
        _serial: serial,
        server: handle,
    }
}

impl TestApp {
    /// POSTs a GraphQL request with the all-roles, unmasking token; returns the whole
    /// response body (`data` and `errors`).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(&self.token, query, variables).await
    }

    /// POSTs a GraphQL request with `token`.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        post_graphql(&self.client, &self.base, token, query, variables).await
    }

    /// A new token with `roles` (and `unmask`) for this test (replacing a live one of the name).
    pub async fn token(&self, name: &str, roles: &[Role], unmask: bool) -> String {
        tokens::create(&self.graph, name, roles, unmask, true)
            .await
            .expect("token")
            .secret
    }

    /// The underlying HTTP client (for requests the helpers do not cover).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Like [`TestApp::gql`] but fails the test on any GraphQL error and returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// GETs a path with the all-roles token.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET")
    }

    /// Loads a dataset directory through the loader (the `load` command's code path).
    pub async fn load(&self, dir: &Path) -> Result<LoadReport, ingest::LoadError> {
        let opts = LoadOptions {
            skip_invalid: false,
            batch_size: 500,
            writers: 2,
            progress: false,
        };
        ingest::load(&self.graph, Source::dir(dir).unwrap(), &opts).await
    }

    /// Starts another server process's worth of state on the same database: its own
    /// connection pool (to `uri`, e.g. a `neo4j://` one), token cache, loader and audit
    /// writer, on its own port. Returns its base URL; it stops with the test.
    pub async fn second_server(&self, uri: &str) -> String {
        let mut config = (*self.config).clone();
        config.neo4j.uri = uri.to_string();
        let graph = Graph::connect(&config.neo4j)
            .await
            .expect("second pool connects");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = investigator::http::AppState::new(graph, Arc::new(config))
            .await
            .expect("second app state");
        let server =
            investigator::http::server(actix_web::web::Data::new(state), listener, Some(1))
                .expect("second server");
        tokio::spawn(server);
        base
    }

    /// POSTs a GraphQL request to the server at `base` with `token`.
    pub async fn gql_at(&self, base: &str, token: &str, query: &str, variables: Value) -> Value {
        post_graphql(&self.client, base, token, query, variables).await
    }

    /// A plain driver on the test database, for checks the server's catalog has no query for
    /// (access modes, the graph's shape).
    pub async fn raw_driver(&self) -> neo4rs::Graph {
        use secrecy::ExposeSecret;
        let config = neo4rs::ConfigBuilder::default()
            .uri(self.config.neo4j.uri.as_str())
            .user(self.config.neo4j.user.as_str())
            .password(self.config.neo4j.password.expose_secret())
            .db(self.config.neo4j.database.as_str())
            .build()
            .unwrap();
        neo4rs::Graph::connect(config).await.unwrap()
    }

    /// Loads the seed data and runs every detector (one complete detection run).
    pub async fn load_seed_with_findings(&self) {
        self.load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seed-data")))
            .await
            .unwrap();
        investigator::detect::run(&self.graph, &investigator::detect::Detector::ALL, "test")
            .await
            .unwrap();
    }

    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

/// POSTs a GraphQL request to the server at `base` with `token`; returns the whole body.
pub async fn post_graphql(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("POST /graphql");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let text = resp.text().await.expect("the response body");
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("the GraphQL response is not JSON ({e}): {status} {headers:?} {text:?}")
    })
}

/// A name no earlier test run used (tokens and audit entries outlive `wipe`).
pub fn unique(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    format!("{name}-{t}-{n}")
}

/// The `extensions.code` of the first GraphQL error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// The `extensions.code` of every GraphQL error of `body`.
pub fn error_codes(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["extensions"]["code"].as_str())
        .collect()
}

/// A dataset written to a temporary directory: `kind -> lines`.
pub struct Dataset {
    dir: PathBuf,
}

impl Dataset {
    pub fn new(name: &str) -> Self {
        // One process runs every test module: the counter keeps same-named datasets apart.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "investigator-test-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dataset { dir }
    }

    /// Appends records (JSON values) to `<kind>.ndjson`.
    pub fn add(&self, kind: &str, records: &[Value]) -> &Self {
        let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        self.add_raw(kind, &lines)
    }

    /// Appends raw lines (for malformed input).
    pub fn add_raw(&self, kind: &str, lines: &[String]) -> &Self {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{kind}.ndjson")))
            .unwrap();
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        self
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `2017-04-DDTHH:MM:00+08:00`: compact times for hand-built datasets.
pub fn t(day: u32, hour: u32) -> String {
    format!("2017-04-{day:02}T{hour:02}:00:00+08:00")
}

/// A small marketplace: buyers, a seller with a shop, orders, reviews, payments, links.
pub fn small_marketplace(name: &str) -> Dataset {
    let d = Dataset::new(name);
    d.add(
        "accounts",
        &[
            json!({"id":"a-buyer","role":"buyer","name":"Li Wei","registeredAt":t(1,9),"region":"Zhejiang"}),
            json!({"id":"a-buyer2","role":"buyer","name":"Wang Fang"}),
            json!({"id":"a-seller","role":"seller","name":"Tea Shop Owner","region":"Fujian"}),
            json!({"id":"a-staff","role":"staff"}),
        ],
    )
    .add(
        "shops",
        &[json!({"id":"s-tea","ownerId":"a-seller","name":"Fine Tea","category":"tea","openedAt":t(1,8)})],
    )
    .add(
        "links",
        &[
            json!({"accountId":"a-buyer","kind":"device","value":"dev:1","firstSeen":t(1,9)}),
            json!({"accountId":"a-buyer2","kind":"device","value":"dev:1"}),
            json!({"accountId":"a-buyer","kind":"phone","value":"13800000001"}),
        ],
    )
    .add("referrals", &[json!({"inviterId":"a-buyer","inviteeId":"a-buyer2","at":t(2,9)})])
    .add(
        "orders",
        &[
            json!({"id":"o-1","buyerId":"a-buyer","shopId":"s-tea","amount":"128.50","placedAt":t(3,10),"status":"delivered"}),
            json!({"id":"o-2","buyerId":"a-buyer","shopId":"s-tea","amount":"20","placedAt":t(4,10),"status":"paid"}),
            json!({"id":"o-3","buyerId":"a-buyer2","shopId":"s-tea","amount":"35.00","placedAt":t(5,10),"status":"delivered"}),
        ],
    )
    .add(
        "payments",
        &[
            json!({"id":"p-1","fromId":"a-buyer","toId":"a-seller","amount":"128.50","paidAt":t(3,10),"channel":"alipay","orderId":"o-1"}),
            json!({"id":"p-2","fromId":"a-seller","toId":"a-buyer","amount":"600.00","paidAt":t(8,10),"channel":"wechat","memo":"remove review"}),
        ],
    )
    .add(
        "reviews",
        &[
            json!({"id":"r-1","orderId":"o-1","authorId":"a-buyer","shopId":"s-tea","rating":1,"text":"fake goods","postedAt":t(6,21)}),
            json!({"id":"r-3","orderId":"o-3","authorId":"a-buyer2","shopId":"s-tea","rating":5,"postedAt":t(7,21)}),
        ],
    )
    .add(
        "complaints",
        &[json!({"id":"c-1","reviewId":"r-1","filedById":"a-seller","filedAt":t(7,9),"status":"rejected","handledById":"a-staff","resolvedAt":t(7,15)})],
    )
    .add(
        "review_events",
        &[json!({"id":"e-1","reviewId":"r-1","action":"withdrawn","actorId":"a-buyer","at":t(8,12)})],
    )
    .add(
        "messages",
        &[json!({"id":"m-1","fromId":"a-buyer","toId":"a-seller","sentAt":t(7,8),"channel":"im","text":"pay or more bad reviews come"})],
    );
    d
}

/// The nodes of the connection `field` in a GraphQL response's data.
pub fn nodes(d: &Value, field: &str) -> Vec<Value> {
    d[field]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// A ring's member account ids, sorted.
pub fn ring_members(ring: &Value) -> Vec<String> {
    let mut m: Vec<String> = ring["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["account"]["id"].as_str().unwrap().to_string())
        .collect();
    m.sort();
    m
}
