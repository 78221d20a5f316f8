// Client of tools/bench/api/run: the three workloads as GraphQL documents for the investigator
// and for the peer, and the same work as the Cypher our server sends, straight over Bolt.
//   node client.mjs verify --ours URL --peer URL --token T --work W1 --ids a1,a2,…
//   node client.mjs load --side ours|peer --url URL[,URL…] [--token T] --work W1 --ids … --conc 8
//                        [--requests 2000] [--seconds 10] [--pids neo4j=123,server=456]
//   node client.mjs direct --bolt bolt://127.0.0.1:7710 --work W1 --ids … [--plan before]
// `load` and `direct` are closed loops (--conc requests in flight, each sent when the previous
// one is answered, until --requests are done or --seconds pass) after one unmeasured pass over
// the starts. They print one JSON line: req/s, p50/p99 ms, errors, and the CPU ms per request
// of each --pids process and of this client (from /proc/PID/stat and process.cpuUsage()).
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";

const repo = new URL("../../../", import.meta.url);
const neo4j = createRequire(new URL("peer/package.json", import.meta.url))("neo4j-driver");

// Ours pages with Relay connections, the peer with `limit` and `sort` in the order of our
// catalog queries (time, then id).
const DOCUMENTS = {
  // W1: an account with its first 20 orders, first 20 reviews and its identifiers.
  W1: {
    ours: `query($id: String!) { account(id: $id) { id
      orders(first: 20) { edges { node { id amount { amount currency } } } }
      reviews(first: 20) { edges { node { id rating } } }
      identifiers { key kind accounts } } }`,
    peer: `query($id: ID!) { accounts(where: { id: { eq: $id } }) { id
      orders(limit: 20, sort: [{ placedAt: ASC }, { id: ASC }]) { id amount currency }
      reviews(limit: 20, sort: [{ postedAt: ASC }, { id: ASC }]) { id rating }
      identifiers(sort: [{ kind: ASC }, { key: ASC }]) { key kind accounts } } }`,
  },
  // W2: a shop's 20 newest negative reviews and their authors.
  W2: {
    ours: `query($id: String!) { shop(id: $id) { id
      reviews(first: 20, maxRating: 2) { edges { node { id rating author { id } } } } } }`,
    peer: `query($id: ID!) { shops(where: { id: { eq: $id } }) { id
      reviews(where: { rating: { lte: 2 } }, limit: 20, sort: [{ postedAt: DESC }, { id: ASC }])
      { id rating author { id } } } }`,
  },
  // W3, lineage-shaped (victim shop → operatives → where their money went): a shop's 10 newest
  // negative reviews, each author, the author's first 10 private transfers (payments without
  // an order) and each transfer's recipient.
  W3: {
    ours: `query($id: String!) { shop(id: $id) { id
      reviews(first: 10, maxRating: 2) { edges { node { id author { id
      paymentsSent(first: 10, privateOnly: true) { edges { node { id to { id } } } } } } } } } }`,
    peer: `query($id: ID!) { shops(where: { id: { eq: $id } }) { id
      reviews(where: { rating: { lte: 2 } }, limit: 10, sort: [{ postedAt: DESC }, { id: ASC }])
      { id author { id paymentsSent(where: { private: { eq: true } }, limit: 10,
        sort: [{ paidAt: ASC }, { id: ASC }]) { id to { id } } } } } }`,
  },
};

const args = { requests: 2000, seconds: 10, conc: 1, pids: "", token: "", plan: "current" };
const argv = process.argv.slice(2);
args.mode = argv.shift();
while (argv.length) args[argv.shift().replace(/^--/, "")] = argv.shift();
const ids = (args.ids || "").split(",").filter(Boolean);
if (!ids.length || !DOCUMENTS[args.work]) throw new Error("--work W1|W2|W3 and --ids are required");

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function post(url, token, query, id) {
  const body = JSON.stringify({ query, variables: { id } });
  const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        try {
          const r = JSON.parse(Buffer.concat(chunks).toString());
          if (res.statusCode !== 200 || r.errors) reject(new Error(`${res.statusCode} ${JSON.stringify(r.errors)}`));
          else resolve(r.data);
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

// Every id, key, rating and share count of a response, lists in their order and an object's
// fields by name (juniper emits sibling fields in the order they resolved): the two sides agree
// when these sequences are equal (our edges/node wrappers carry none of them).
function fingerprint(v, out = []) {
  if (Array.isArray(v)) v.forEach((x) => fingerprint(x, out));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (["id", "key", "rating", "accounts"].includes(k) && typeof x !== "object") out.push(String(x));
      else fingerprint(x, out);
    }
  return out;
}

// The statements our server sends for one request, with the same parameters, order and
// concurrency, from the catalog files. `before`: what it sent before the look-ahead fetches.
const cypher = Object.fromEntries(
  [
    "accounts_by_ids", "shops_by_ids", "account_orders", "account_reviews", "account_identifiers",
    "shop_reviews", "account_payments_sent", "account_overview", "shop_overview",
    "payments_sent_by_accounts",
  ].map((n) => {
    try {
      // Without the comment lines (they change nothing Neo4j runs): with them, this driver's
      // round trip for the same statement took 46 ms instead of 3 ms (measured, W2).
      const text = readFileSync(new URL(`queries/${n}.cypher`, repo), "utf8");
      return [n, text.split("\n").filter((l) => !l.trimStart().startsWith("//")).join("\n")];
    } catch {
      return [n, null];
    }
  }),
);
const int = neo4j.int;
const uniq = (xs) => [...new Set(xs)];
const page = (n) => ({ skip: int(0), limit: int(n + 1) });
const PLANS = {
  before: {
    async W1(run, id) {
      await run("accounts_by_ids", { ids: [id] });
      await Promise.all([
        run("account_orders", { id, ...page(20) }),
        run("account_reviews", { id, ...page(20) }),
        run("account_identifiers", { id }),
      ]);
    },
    async W2(run, id) {
      await run("shops_by_ids", { ids: [id] });
      const reviews = (await run("shop_reviews", { id, maxRating: int(2), ...page(20) })).slice(0, 20);
      await run("accounts_by_ids", { ids: uniq(reviews.map((r) => r.get("authorId"))) });
    },
    async W3(run, id) {
      await run("shops_by_ids", { ids: [id] });
      const reviews = (await run("shop_reviews", { id, maxRating: int(2), ...page(10) })).slice(0, 10);
      const authors = reviews.map((r) => r.get("authorId"));
      await run("accounts_by_ids", { ids: uniq(authors) });
      const sent = await Promise.all(
        authors.map((a) => run("account_payments_sent", { id: a, privateOnly: true, ...page(10) })),
      );
      const to = uniq(sent.flatMap((rows) => rows.slice(0, 10).map((r) => r.get("toId"))));
      if (to.length) await run("accounts_by_ids", { ids: to });
    },
  },
  current: {
    async W1(run, id) {
      await run("account_overview", {
        id, ordersSkip: int(0), ordersLimit: int(21), reviewsSkip: int(0), reviewsLimit: int(21),
        identifiers: true,
      });
    },
    async W2(run, id) {
      await run("shop_overview", { id, maxRating: int(2), reviewsSkip: int(0), reviewsLimit: int(21), authors: true });
    },
    async W3(run, id) {
      const [shop] = await run("shop_overview", {
        id, maxRating: int(2), reviewsSkip: int(0), reviewsLimit: int(11), authors: true,
      });
      const authors = uniq(shop.get("reviews").slice(0, 10).map((r) => r.authorId));
      if (authors.length) await run("payments_sent_by_accounts", { ids: authors, privateOnly: true, ...page(10) });
    },
  },
};

// A pid list "a+b" (several server processes) sums their CPU.
function cpuMs(pids) {
  return String(pids).split("+").reduce((sum, pid) => sum + cpuMsOf(pid), 0);
}

function cpuMsOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return NaN;
  }
}

async function closedLoop(one, extra = {}) {
  for (const id of ids) await one(id); // warm-up, unmeasured
  const pids = args.pids ? args.pids.split(",").map((p) => p.split("=")) : [];
  const before = pids.map(([, p]) => cpuMs(p));
  const self0 = process.cpuUsage();
  const latencies = [];
  let next = 0, errors = 0, firstError = null;
  const total = Number(args.requests), stopAt = Date.now() + 1000 * Number(args.seconds);
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < total && Date.now() < stopAt) {
      const id = ids[next++ % ids.length];
      const t = process.hrtime.bigint();
      try {
        await one(id);
      } catch (e) {
        errors++;
        firstError ??= String(e.message || e);
      }
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: Number(args.conc) }, worker));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const self = process.cpuUsage(self0);
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  const q = (x) => latencies[Math.min(n - 1, Math.floor(n * x))];
  const out = {
    side: args.mode === "direct" ? "direct" : args.side, work: args.work, conc: Number(args.conc),
    requests: n, rps: n / wall, p50: q(0.5), p99: q(0.99), errors, first_error: firstError, ...extra,
  };
  pids.forEach(([name, p], i) => (out[`cpu_${name}`] = (cpuMs(p) - before[i]) / n));
  out.cpu_client = (self.user + self.system) / 1000 / n;
  console.log(JSON.stringify(out));
}

if (args.mode === "verify") {
  let empty = 0;
  for (const id of ids) {
    const [o, p] = await Promise.all([
      post(args.ours, args.token, DOCUMENTS[args.work].ours, id),
      post(args.peer, "", DOCUMENTS[args.work].peer, id),
    ]);
    const fo = fingerprint(o), fp = fingerprint(p);
    if (JSON.stringify(fo) !== JSON.stringify(fp)) {
      console.error(`${args.work} ${id}: the two sides differ\n ours ${fo}\n peer ${fp}`);
      process.exit(1);
    }
    if (fo.length <= 1) empty++;
  }
  console.log(`${args.work}: identical ordered ids for all ${ids.length} starts (${empty} with nothing below the start)`);
} else if (args.mode === "load") {
  const doc = DOCUMENTS[args.work][args.side];
  // Several URLs (one per server process) take the requests in turn, as a load balancer would.
  const urls = args.url.split(","), servers = urls.length;
  let turn = 0;
  await closedLoop((id) => post(urls[turn++ % servers], args.token, doc, id), { servers });
} else if (args.mode === "direct") {
  const driver = neo4j.driver(args.bolt, neo4j.auth.basic("neo4j", "neo4j-dev"), { disableLosslessIntegers: false });
  const run = async (name, params) => {
    if (!cypher[name]) throw new Error(`queries/${name}.cypher is missing`);
    const session = driver.session({ database: "neo4j", defaultAccessMode: neo4j.session.READ });
    try {
      return (await session.run(cypher[name], params)).records;
    } finally {
      await session.close();
    }
  };
  const plan = PLANS[args.plan][args.work];
  await closedLoop((id) => plan(run, id));
  await driver.close();
}
agent.destroy();
