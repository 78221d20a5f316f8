//! Validated records → the importer's CSV input: one file per label and per relationship
//! type (and end labels), headers in the first line, every string quoted (RFC 4180, quotes
//! doubled), absent optional fields left empty (the importer then sets no property, as a
//! transactional load leaves them null).
//!
//! What the transactional statements (`queries/create_*.cypher`, `ingest_*.cypher`) derive,
//! this derives the same way:
//! - one `Identifier {key: "kind:value", kind, value}` per distinct (kind, value);
//! - one `USES` per (account, identifier) pair, a repeated pair widening the window
//!   (earliest `firstSeen`, latest `lastSeen`);
//! - one `REFERRED` per (inviter, invitee), the last record's `at` winning (MERGE + SET);
//! - `Payment.private = orderId IS NULL`, `SETTLES` to the order, or else the derived
//!   `TRANSFER {paymentId, amount, currency, at}` between the two accounts.
//!
//! Nodes carry the store's own ids (`--id-type=actual`): dense from 0 in the order they are
//! written, the record's id kept as the `id` (or `key`) property; relationships name their
//! ends by those numbers, so the importer maps no ids at all. A file where some free text
//! holds a line break is read with multi-line parsing (slower, so only such files).

use crate::ingest::ids::{digest, DigestMap, Resolved};
use crate::ingest::RecordSink;
use crate::model::{Record, RecordKind, Timestamp};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The importer's input as it is written; cloned into the validation pass as its sink.
/// Records are written on a thread of their own (the validation thread that feeds it checks
/// ids and references in input order and was the bottleneck of a bulk load), in batches.
#[derive(Clone)]
pub struct CsvInput {
    feed: Arc<Mutex<Feed>>,
}

type Batch = Vec<(Record, Resolved)>;

/// Records per batch handed to the writer thread.
const BATCH: usize = 2048;

impl Feed {
    /// Closes the channel and waits for the writer: its files, or the error it stopped on.
    fn join_writer(&mut self) -> io::Result<Files> {
        self.tx = None;
        let writer = self
            .writer
            .take()
            .ok_or_else(|| io::Error::other("importer input already finished"))?;
        writer
            .join()
            .map_err(|_| io::Error::other("the importer input writer panicked"))?
    }
}

struct Feed {
    /// Validation left a record out: the load will be refused, so nothing more is written
    /// (ids after a gap would be wrong) and `finish` fails rather than return bad input.
    left_out: bool,
    batch: Batch,
    tx: Option<SyncSender<Batch>>,
    writer: Option<JoinHandle<io::Result<Files>>>,
}

/// The written files as importer arguments, with totals.
pub struct Files {
    pub args: Vec<String>,
    pub nodes: u64,
    pub relationships: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum F {
    Account,
    Shop,
    Identifier,
    Order,
    Payment,
    Review,
    Complaint,
    ReviewEvent,
    Message,
    Owns,
    Uses,
    Referred,
    Placed,
    At,
    Paid,
    PaymentTo,
    Settles,
    Transfer,
    Wrote,
    About,
    OfOrder,
    Filed,
    Against,
    HandledBy,
    Performed,
    On,
    Under,
    Messaged,
    MessageTo,
}

impl F {
    /// (node label or relationship type, is a node file, file stem, header).
    fn spec(self) -> (&'static str, bool, &'static str, &'static str) {
        match self {
            F::Account => (
                "Account",
                true,
                "accounts",
                ":ID,id,role,name,registeredAt:long,region",
            ),
            F::Shop => ("Shop", true, "shops", ":ID,id,name,category,openedAt:long"),
            F::Identifier => ("Identifier", true, "identifiers", ":ID,key,kind,value"),
            F::Order => (
                "Order",
                true,
                "orders",
                ":ID,id,amount:long,currency,placedAt:long,status",
            ),
            F::Payment => (
                "Payment",
                true,
                "payments",
                ":ID,id,amount:long,currency,paidAt:long,channel,memo,private:boolean",
            ),
            F::Review => (
                "Review",
                true,
                "reviews",
                ":ID,id,rating:long,text,postedAt:long",
            ),
            F::Complaint => (
                "Complaint",
                true,
                "complaints",
                ":ID,id,filedAt:long,status,resolvedAt:long",
            ),
            F::ReviewEvent => (
                "ReviewEvent",
                true,
                "review_events",
                ":ID,id,action,at:long,newRating:long,reason",
            ),
            F::Message => (
                "Message",
                true,
                "messages",
                ":ID,id,sentAt:long,channel,text",
            ),
            F::Owns => ("OWNS", false, "owns", ":START_ID,:END_ID"),
            F::Uses => (
                "USES",
                false,
                "uses",
                ":START_ID,:END_ID,firstSeen:long,lastSeen:long",
            ),
            F::Referred => ("REFERRED", false, "referred", ":START_ID,:END_ID,at:long"),
            F::Placed => ("PLACED", false, "placed", ":START_ID,:END_ID"),
            F::At => ("AT", false, "at", ":START_ID,:END_ID"),
            F::Paid => ("PAID", false, "paid", ":START_ID,:END_ID"),
            F::PaymentTo => ("TO", false, "payment_to", ":START_ID,:END_ID"),
            F::Settles => ("SETTLES", false, "settles", ":START_ID,:END_ID"),
            F::Transfer => (
                "TRANSFER",
                false,
                "transfer",
                ":START_ID,:END_ID,paymentId,amount:long,currency,at:long",
            ),
            F::Wrote => ("WROTE", false, "wrote", ":START_ID,:END_ID"),
            F::About => ("ABOUT", false, "about", ":START_ID,:END_ID"),
            F::OfOrder => ("OF_ORDER", false, "of_order", ":START_ID,:END_ID"),
            F::Filed => ("FILED", false, "filed", ":START_ID,:END_ID"),
            F::Against => ("AGAINST", false, "against", ":START_ID,:END_ID"),
            F::HandledBy => ("HANDLED_BY", false, "handled_by", ":START_ID,:END_ID"),
            F::Performed => ("PERFORMED", false, "performed", ":START_ID,:END_ID"),
            F::On => ("ON", false, "on", ":START_ID,:END_ID"),
            F::Under => ("UNDER", false, "under", ":START_ID,:END_ID"),
            F::Messaged => ("MESSAGED", false, "messaged", ":START_ID,:END_ID"),
            F::MessageTo => ("TO", false, "message_to", ":START_ID,:END_ID"),
        }
    }
}

struct Out {
    path: PathBuf,
    w: BufWriter<File>,
    rows: u64,
    /// Some row's free text holds a line break: the importer parses this file multi-line.
    multiline: bool,
}

/// A (account, identifier) pair's merged window; `i64::MIN` for "no time".
struct Pair {
    first: i64,
    last: i64,
    repeated: bool,
}

struct Inner {
    dir: PathBuf,
    files: HashMap<F, Out>,
    order: Vec<F>,
    line: Vec<u8>,
    /// The node id the next node record gets: dense from 0 in the order records are
    /// written, which is the order of the node files, as `--id-type=actual` asks.
    next_node: i64,
    /// Each record kind's first node id (its records' ids are this plus their ordinal).
    base: HashMap<RecordKind, i64>,
    /// Identifier key digest → node id (identifiers are no records: the writer numbers them).
    identifiers: DigestMap<u32>,
    pairs: DigestMap<Pair>,
    /// The pair digest of each USES row, in file order (for the widening rewrite).
    uses_rows: Vec<u64>,
    /// (inviter, invitee) → index in `referrals`; the last record's time wins.
    referral_index: DigestMap<usize>,
    /// (inviter node, invitee node, at).
    referrals: Vec<(i64, i64, i64)>,
}

impl CsvInput {
    pub fn create(dir: &Path) -> io::Result<CsvInput> {
        let mut inner = Inner {
            dir: dir.to_path_buf(),
            files: HashMap::new(),
            order: Vec::new(),
            line: Vec::with_capacity(4096),
            next_node: 0,
            base: HashMap::new(),
            identifiers: DigestMap::default(),
            pairs: DigestMap::default(),
            uses_rows: Vec::new(),
            referral_index: DigestMap::default(),
            referrals: Vec::new(),
        };
        // Two batches in flight: enough to keep both threads busy, little memory.
        let (tx, rx) = sync_channel::<Batch>(2);
        let writer = std::thread::Builder::new()
            .name("bulk-csv".into())
            .spawn(move || {
                for batch in rx {
                    for (record, resolved) in &batch {
                        inner.record(record, resolved)?;
                    }
                }
                inner.finish()
            })?;
        Ok(CsvInput {
            feed: Arc::new(Mutex::new(Feed {
                left_out: false,
                batch: Vec::with_capacity(BATCH),
                tx: Some(tx),
                writer: Some(writer),
            })),
        })
    }

    /// Hands over the last records, then lets the writer write what only the whole dataset
    /// decides (referrals, widened windows), flush every file and return the importer's
    /// arguments.
    pub fn finish(self) -> io::Result<Files> {
        let mut feed = self
            .feed
            .lock()
            .map_err(|_| io::Error::other("importer input poisoned"))?;
        if feed.left_out {
            return Err(io::Error::other(
                "validation left records out: the importer input is incomplete",
            ));
        }
        let batch = std::mem::take(&mut feed.batch);
        if let Some(tx) = &feed.tx {
            // A send fails only when the writer stopped on an error, which joining returns.
            let _ = tx.send(batch);
        }
        feed.join_writer()
    }
}

impl RecordSink for CsvInput {
    fn accept(&mut self, record: Record, resolved: Resolved) -> io::Result<()> {
        let mut feed = self
            .feed
            .lock()
            .map_err(|_| io::Error::other("importer input poisoned"))?;
        if feed.left_out {
            return Ok(());
        }
        feed.batch.push((record, resolved));
        if feed.batch.len() < BATCH {
            return Ok(());
        }
        let batch = std::mem::replace(&mut feed.batch, Vec::with_capacity(BATCH));
        let sent = feed.tx.as_ref().map(|tx| tx.send(batch));
        if let Some(Ok(())) = sent {
            return Ok(());
        }
        // The writer stopped on an error: that error is the one to report.
        Err(feed
            .join_writer()
            .err()
            .unwrap_or_else(|| io::Error::other("the importer input writer stopped")))
    }

    fn left_out(&mut self) {
        if let Ok(mut feed) = self.feed.lock() {
            feed.left_out = true;
        }
    }
}

fn ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::millis)
}

fn multiline(text: &Option<String>) -> bool {
    text.as_deref()
        .is_some_and(|t| t.bytes().any(|b| b == b'\n' || b == b'\r'))
}

/// Builds one CSV line.
struct Line<'a>(&'a mut Vec<u8>, bool);

impl Line<'_> {
    fn sep(&mut self) {
        if self.1 {
            self.0.push(b',');
        }
        self.1 = true;
    }
    fn s(mut self, v: &str) -> Self {
        self.sep();
        self.0.push(b'"');
        for &b in v.as_bytes() {
            if b == b'"' {
                self.0.push(b'"');
            }
            self.0.push(b);
        }
        self.0.push(b'"');
        self
    }
    fn os(mut self, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.s(v),
            None => {
                self.sep();
                self
            }
        }
    }
    fn i(mut self, v: i64) -> Self {
        self.sep();
        let _ = write!(self.0, "{v}"); // into a Vec: cannot fail, allocates nothing
        self
    }
    fn oi(mut self, v: Option<i64>) -> Self {
        match v {
            Some(v) => self.i(v),
            None => {
                self.sep();
                self
            }
        }
    }
    fn b(mut self, v: bool) -> Self {
        self.sep();
        self.0.extend_from_slice(if v { b"true" } else { b"false" });
        self
    }
}

impl Inner {
    fn out(&mut self, f: F) -> io::Result<&mut Out> {
        if !self.files.contains_key(&f) {
            let (_, _, stem, header) = f.spec();
            let path = self.dir.join(format!("{stem}.csv"));
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
            w.write_all(header.as_bytes())?;
            w.write_all(b"\n")?;
            let out = Out {
                path,
                w,
                rows: 0,
                multiline: false,
            };
            self.files.insert(f, out);
            self.order.push(f);
        }
        Ok(self.files.get_mut(&f).expect("inserted above"))
    }

    /// Writes the line built by `build` to file `f`; `ml` when its free text holds a line break.
    fn emit(&mut self, f: F, ml: bool, build: impl FnOnce(Line<'_>)) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        build(Line(&mut line, false));
        line.push(b'\n');
        let out = self.out(f)?;
        out.w.write_all(&line)?;
        out.rows += 1;
        out.multiline |= ml;
        self.line = line;
        Ok(())
    }

    /// The node id of a record of `kind` whose id has `ordinal` among its kind's ids: the
    /// kind's first node id plus the ordinal. Each kind's records arrive together and in
    /// order, so this is the next node id; anything else is refused, not imported wrongly.
    fn own(&mut self, kind: RecordKind, resolved: &Resolved) -> io::Result<i64> {
        let ordinal = resolved
            .own
            .ok_or_else(|| io::Error::other(format!("{kind:?} record without an id")))?;
        let base = *self.base.entry(kind).or_insert(self.next_node);
        let node = base + i64::from(ordinal);
        if node != self.next_node {
            return Err(io::Error::other(format!(
                "{kind:?} record {ordinal} would be node {node}, expected {}: records of a kind must come together",
                self.next_node
            )));
        }
        self.next_node += 1;
        Ok(node)
    }

    /// The node id of the record the id in `field` refers to.
    fn end(&self, resolved: &Resolved, field: &str) -> io::Result<i64> {
        let (kind, ordinal) = resolved
            .get(field)
            .ok_or_else(|| io::Error::other(format!("{field}: reference not resolved")))?;
        let base = self
            .base
            .get(&kind)
            .ok_or_else(|| io::Error::other(format!("{field}: no {kind:?} node written")))?;
        Ok(base + i64::from(ordinal))
    }

    /// The node id of identifier `key`, written the first time it is seen.
    fn identifier(&mut self, key: &str, kind: &str, value: &str) -> io::Result<i64> {
        let d = digest(key);
        if let Some(&n) = self.identifiers.get(&d) {
            return Ok(i64::from(n));
        }
        let node = self.next_node;
        let n32 = u32::try_from(node)
            .map_err(|_| io::Error::other("more than 4,294,967,295 nodes in one import"))?;
        self.identifiers.insert(d, n32);
        self.next_node += 1;
        self.emit(F::Identifier, false, |l| {
            l.i(node).s(key).s(kind).s(value);
        })?;
        Ok(node)
    }

    fn record(&mut self, record: &Record, res: &Resolved) -> io::Result<()> {
        use RecordKind as K;
        use F::{Account as A, Complaint as C, Order as O, Review as R, Shop as S};
        match record {
            Record::Account(a) => {
                let n = self.own(K::Account, res)?;
                self.emit(A, false, |l| {
                    l.i(n)
                        .s(&a.id)
                        .s(a.role.as_str())
                        .os(a.name.as_deref())
                        .oi(ms(a.registered_at))
                        .os(a.region.as_deref());
                })
            }
            Record::Shop(s) => {
                let owner = self.end(res, "ownerId")?;
                let n = self.own(K::Shop, res)?;
                self.emit(S, false, |l| {
                    l.i(n)
                        .s(&s.id)
                        .s(&s.name)
                        .os(s.category.as_deref())
                        .oi(ms(s.opened_at));
                })?;
                self.emit(F::Owns, false, |l| {
                    l.i(owner).i(n);
                })
            }
            Record::Link(k) => {
                let key = format!("{}:{}", k.kind.as_str(), k.value);
                let identifier = self.identifier(&key, k.kind.as_str(), &k.value)?;
                let pair = digest(&(&k.account_id, &key));
                let (first, last) = (ms(k.first_seen), ms(k.last_seen));
                match self.pairs.get_mut(&pair) {
                    Some(p) => {
                        // Earliest known firstSeen, latest known lastSeen (ingest_links).
                        if let Some(f) = first {
                            p.first = if p.first == i64::MIN {
                                f
                            } else {
                                p.first.min(f)
                            };
                        }
                        if let Some(t) = last {
                            p.last = p.last.max(t);
                        }
                        p.repeated = true;
                        Ok(())
                    }
                    None => {
                        self.pairs.insert(
                            pair,
                            Pair {
                                first: first.unwrap_or(i64::MIN),
                                last: last.unwrap_or(i64::MIN),
                                repeated: false,
                            },
                        );
                        self.uses_rows.push(pair);
                        let account = self.end(res, "accountId")?;
                        // The two times last: the widening rewrite replaces them in place.
                        self.emit(F::Uses, false, |l| {
                            l.i(account).i(identifier).oi(first).oi(last);
                        })
                    }
                }
            }
            Record::Referral(r) => {
                let pair = digest(&(&r.inviter_id, &r.invitee_id));
                let at = r.at.millis();
                match self.referral_index.get(&pair) {
                    Some(&i) => self.referrals[i].2 = at,
                    None => {
                        let ends = (self.end(res, "inviterId")?, self.end(res, "inviteeId")?);
                        self.referral_index.insert(pair, self.referrals.len());
                        self.referrals.push((ends.0, ends.1, at));
                    }
                }
                Ok(())
            }
            Record::Order(o) => {
                let (buyer, shop) = (self.end(res, "buyerId")?, self.end(res, "shopId")?);
                let n = self.own(K::Order, res)?;
                self.emit(O, false, |l| {
                    l.i(n)
                        .s(&o.id)
                        .i(o.amount.minor)
                        .s(&o.amount.currency)
                        .i(o.placed_at.millis())
                        .s(o.status.as_str());
                })?;
                self.emit(F::Placed, false, |l| {
                    l.i(buyer).i(n);
                })?;
                self.emit(F::At, false, |l| {
                    l.i(n).i(shop);
                })
            }
            Record::Payment(p) => {
                let (from, to) = (self.end(res, "fromId")?, self.end(res, "toId")?);
                let order = p
                    .order_id
                    .as_ref()
                    .map(|_| self.end(res, "orderId"))
                    .transpose()?;
                let n = self.own(K::Payment, res)?;
                self.emit(F::Payment, multiline(&p.memo), |l| {
                    l.i(n)
                        .s(&p.id)
                        .i(p.amount.minor)
                        .s(&p.amount.currency)
                        .i(p.paid_at.millis())
                        .os(p.channel.map(|c| c.as_str()))
                        .os(p.memo.as_deref())
                        .b(p.order_id.is_none());
                })?;
                self.emit(F::Paid, false, |l| {
                    l.i(from).i(n);
                })?;
                self.emit(F::PaymentTo, false, |l| {
                    l.i(n).i(to);
                })?;
                match order {
                    Some(order) => self.emit(F::Settles, false, |l| {
                        l.i(n).i(order);
                    }),
                    None => self.emit(F::Transfer, false, |l| {
                        l.i(from)
                            .i(to)
                            .s(&p.id)
                            .i(p.amount.minor)
                            .s(&p.amount.currency)
                            .i(p.paid_at.millis());
                    }),
                }
            }
            Record::Review(r) => {
                let author = self.end(res, "authorId")?;
                let (shop, order) = (self.end(res, "shopId")?, self.end(res, "orderId")?);
                let n = self.own(K::Review, res)?;
                self.emit(R, multiline(&r.text), |l| {
                    l.i(n)
                        .s(&r.id)
                        .i(r.rating)
                        .os(r.text.as_deref())
                        .i(r.posted_at.millis());
                })?;
                self.emit(F::Wrote, false, |l| {
                    l.i(author).i(n);
                })?;
                self.emit(F::About, false, |l| {
                    l.i(n).i(shop);
                })?;
                self.emit(F::OfOrder, false, |l| {
                    l.i(n).i(order);
                })
            }
            Record::Complaint(c) => {
                let (filer, review) = (self.end(res, "filedById")?, self.end(res, "reviewId")?);
                let handler = c
                    .handled_by_id
                    .as_ref()
                    .map(|_| self.end(res, "handledById"))
                    .transpose()?;
                let n = self.own(K::Complaint, res)?;
                self.emit(C, false, |l| {
                    l.i(n)
                        .s(&c.id)
                        .i(c.filed_at.millis())
                        .s(c.status.as_str())
                        .oi(ms(c.resolved_at));
                })?;
                self.emit(F::Filed, false, |l| {
                    l.i(filer).i(n);
                })?;
                self.emit(F::Against, false, |l| {
                    l.i(n).i(review);
                })?;
                if let Some(h) = handler {
                    self.emit(F::HandledBy, false, |l| {
                        l.i(n).i(h);
                    })?;
                }
                Ok(())
            }
            Record::ReviewEvent(e) => {
                let (actor, review) = (self.end(res, "actorId")?, self.end(res, "reviewId")?);
                let complaint = e
                    .complaint_id
                    .as_ref()
                    .map(|_| self.end(res, "complaintId"))
                    .transpose()?;
                let n = self.own(K::ReviewEvent, res)?;
                self.emit(F::ReviewEvent, multiline(&e.reason), |l| {
                    l.i(n)
                        .s(&e.id)
                        .s(e.action.as_str())
                        .i(e.at.millis())
                        .oi(e.new_rating)
                        .os(e.reason.as_deref());
                })?;
                self.emit(F::Performed, false, |l| {
                    l.i(actor).i(n);
                })?;
                self.emit(F::On, false, |l| {
                    l.i(n).i(review);
                })?;
                if let Some(c) = complaint {
                    self.emit(F::Under, false, |l| {
                        l.i(n).i(c);
                    })?;
                }
                Ok(())
            }
            Record::Message(m) => {
                let (from, to) = (self.end(res, "fromId")?, self.end(res, "toId")?);
                let n = self.own(K::Message, res)?;
                self.emit(F::Message, multiline(&m.text), |l| {
                    l.i(n)
                        .s(&m.id)
                        .i(m.sent_at.millis())
                        .os(m.channel.map(|c| c.as_str()))
                        .os(m.text.as_deref());
                })?;
                self.emit(F::Messaged, false, |l| {
                    l.i(from).i(n);
                })?;
                self.emit(F::MessageTo, false, |l| {
                    l.i(n).i(to);
                })
            }
        }
    }

    fn finish(&mut self) -> io::Result<Files> {
        for (inviter, invitee, at) in std::mem::take(&mut self.referrals) {
            self.emit(F::Referred, false, |l| {
                l.i(inviter).i(invitee).i(at);
            })?;
        }
        self.referral_index = DigestMap::default();
        for out in self.files.values_mut() {
            out.w.flush()?;
        }
        if self.pairs.values().any(|p| p.repeated) {
            self.widen_repeated_uses()?;
        }
        self.pairs = DigestMap::default();
        self.uses_rows = Vec::new();
        self.identifiers = DigestMap::default();

        // Node ids are the store's own (dense, in file order): no id mapping, and
        // relationships point at their nodes directly (the importer's relationship stage
        // took 7.0 s of 18.2 s at 100k accounts with string ids, 1.0 s with these).
        let (mut args, mut multiline_files) = (vec!["--id-type=actual".to_string()], Vec::new());
        let (mut nodes, mut relationships) = (0, 0);
        for key in &self.order {
            let out = &self.files[key];
            let (name, is_node, _, _) = key.spec();
            let path = out.path.display().to_string();
            if is_node {
                nodes += out.rows;
                args.push(format!("--nodes={name}={path}"));
            } else {
                relationships += out.rows;
                args.push(format!("--relationships={name}={path}"));
            }
            if out.multiline {
                multiline_files.push(path);
            }
        }
        if !multiline_files.is_empty() {
            args.push("--multiline-fields-format=v2".into());
            args.push(format!("--multiline-fields={}", multiline_files.join(",")));
        }
        Ok(Files {
            args,
            nodes,
            relationships,
        })
    }

    /// Rewrites the USES file when some (account, identifier) pair was linked more than once:
    /// each such row gets the pair's widened window. Rows are one line each (ids and
    /// identifier values hold no line breaks) and end with the two times, which hold no
    /// commas, so the rewrite replaces the text after the second-to-last comma.
    fn widen_repeated_uses(&mut self) -> io::Result<()> {
        let Some(out) = self.files.get(&F::Uses) else {
            return Ok(());
        };
        let path = out.path.clone();
        let tmp = path.with_extension("widened");
        {
            let mut reader = BufReader::with_capacity(1 << 20, File::open(&path)?);
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
            let mut line = String::new();
            reader.read_line(&mut line)?; // header
            w.write_all(line.as_bytes())?;
            for pair in &self.uses_rows {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Err(io::Error::other("USES input shorter than written"));
                }
                let p = &self.pairs[pair];
                if !p.repeated {
                    w.write_all(line.as_bytes())?;
                    continue;
                }
                let body = line.trim_end_matches('\n');
                let head = body
                    .rsplitn(3, ',')
                    .nth(2)
                    .ok_or_else(|| io::Error::other("malformed USES row"))?;
                let t = |v: i64| {
                    if v == i64::MIN {
                        String::new()
                    } else {
                        v.to_string()
                    }
                };
                writeln!(w, "{head},{},{}", t(p.first), t(p.last))?;
            }
            w.flush()?;
        }
        std::fs::rename(&tmp, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ids::IdIndex;
    use serde_json::json;

    fn rec(kind: RecordKind, v: serde_json::Value) -> Record {
        Record::from_json(kind, v).expect("valid sample").0
    }

    /// Hands `record` to the input the way validation does: its ids resolved in `index`.
    fn feed(input: &mut CsvInput, index: &mut IdIndex, record: Record) {
        let mut resolved = Resolved::default();
        for r in record.references() {
            let ordinal = index.get(r.kind, r.id).expect("an earlier record");
            resolved.push(r.field, r.kind, ordinal);
        }
        if let Some(id) = record.id() {
            resolved.own = index.insert(record.kind(), id);
        }
        input.accept(record, resolved).unwrap();
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap_or_default()
    }

    #[test]
    fn records_become_quoted_rows_with_derived_relationships() {
        let dir = std::env::temp_dir().join(format!("bulk-csv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (mut input, mut index) = (CsvInput::create(&dir).unwrap(), IdIndex::numbered());
        let t = "2017-04-03T10:15:00+08:00";
        let later = "2017-05-03T10:15:00+08:00";
        for r in [
            rec(RecordKind::Account, json!({"id":"a\"1","role":"buyer"})),
            rec(
                RecordKind::Account,
                json!({"id":"b","role":"seller","name":"B, Ltd"}),
            ),
            rec(
                RecordKind::Link,
                json!({"accountId":"b","kind":"ip","value":"1.2.3.4","firstSeen":later}),
            ),
            rec(
                RecordKind::Link,
                json!({"accountId":"a\"1","kind":"ip","value":"1.2.3.4"}),
            ),
            rec(
                RecordKind::Link,
                json!({"accountId":"b","kind":"ip","value":"1.2.3.4","firstSeen":t,"lastSeen":t}),
            ),
            rec(
                RecordKind::Referral,
                json!({"inviterId":"b","inviteeId":"a\"1","at":t}),
            ),
            rec(
                RecordKind::Referral,
                json!({"inviterId":"b","inviteeId":"a\"1","at":later}),
            ),
            rec(
                RecordKind::Payment,
                json!({"id":"p","fromId":"b","toId":"a\"1","amount":"6.00","paidAt":t,"memo":"two\nlines"}),
            ),
        ] {
            feed(&mut input, &mut index, r);
        }
        let files = input.finish().unwrap();
        assert_eq!(files.nodes, 4, "two accounts, one identifier, one payment");
        assert_eq!(
            files.relationships,
            2 + 1 + 3,
            "USES ×2, REFERRED, PAID/TO/TRANSFER"
        );
        // Node ids are dense from 0 in the order written: a"1, b, the identifier, the payment.
        assert!(read(&dir, "accounts.csv").contains("\n0,\"a\"\"1\",\"buyer\",,,\n"));
        assert!(read(&dir, "accounts.csv").contains("\n1,\"b\",\"seller\",\"B, Ltd\",,\n"));
        assert_eq!(
            read(&dir, "identifiers.csv"),
            ":ID,key,kind,value\n2,\"ip:1.2.3.4\",\"ip\",\"1.2.3.4\"\n"
        );
        let uses = read(&dir, "uses.csv");
        let (f, l) = (1491185700000i64, 1491185700000i64);
        assert!(uses.contains(&format!("\n1,2,{f},{l}\n")), "{uses}");
        assert!(uses.contains("\n0,2,,\n"), "{uses}");
        assert!(read(&dir, "referred.csv").contains("\n1,0,1493777700000\n"));
        assert_eq!(read(&dir, "referred.csv").lines().count(), 2);
        assert!(read(&dir, "payments.csv").contains("\n3,\"p\",600,\"CNY\","));
        assert!(read(&dir, "payments.csv").contains("\"two\nlines\",true\n"));
        assert!(read(&dir, "transfer.csv").contains("\n1,0,\"p\",600,\"CNY\","));
        assert_eq!(files.args[0], "--id-type=actual");
        assert!(files
            .args
            .iter()
            .any(|a| a.starts_with("--multiline-fields=") && a.ends_with("payments.csv")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_record_left_out_by_validation_stops_the_input() {
        let dir = std::env::temp_dir().join(format!("bulk-csv-left-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (mut input, mut index) = (CsvInput::create(&dir).unwrap(), IdIndex::numbered());
        feed(
            &mut input,
            &mut index,
            rec(RecordKind::Account, json!({"id":"a","role":"buyer"})),
        );
        input.left_out();
        feed(
            &mut input,
            &mut index,
            rec(RecordKind::Account, json!({"id":"b","role":"buyer"})),
        );
        let err = input
            .finish()
            .err()
            .expect("an incomplete input is refused");
        assert!(err.to_string().contains("left records out"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
