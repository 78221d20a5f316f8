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
//! Records whose free text holds a line break go to a separate file of the same label that
//! the importer reads with multi-line parsing (slower, so only where needed).

use crate::ingest::ids::{digest, DigestMap, DigestSet};
use crate::ingest::RecordSink;
use crate::model::{Record, Timestamp};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The importer's input as it is written; cloned into the validation pass as its sink.
#[derive(Clone)]
pub struct CsvInput {
    inner: Arc<Mutex<Inner>>,
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
                "id:ID(Account),role,name,registeredAt:long,region",
            ),
            F::Shop => (
                "Shop",
                true,
                "shops",
                "id:ID(Shop),name,category,openedAt:long",
            ),
            F::Identifier => (
                "Identifier",
                true,
                "identifiers",
                "key:ID(Identifier),kind,value",
            ),
            F::Order => (
                "Order",
                true,
                "orders",
                "id:ID(Order),amount:long,currency,placedAt:long,status",
            ),
            F::Payment => (
                "Payment",
                true,
                "payments",
                "id:ID(Payment),amount:long,currency,paidAt:long,channel,memo,private:boolean",
            ),
            F::Review => (
                "Review",
                true,
                "reviews",
                "id:ID(Review),rating:long,text,postedAt:long",
            ),
            F::Complaint => (
                "Complaint",
                true,
                "complaints",
                "id:ID(Complaint),filedAt:long,status,resolvedAt:long",
            ),
            F::ReviewEvent => (
                "ReviewEvent",
                true,
                "review_events",
                "id:ID(ReviewEvent),action,at:long,newRating:long,reason",
            ),
            F::Message => (
                "Message",
                true,
                "messages",
                "id:ID(Message),sentAt:long,channel,text",
            ),
            F::Owns => ("OWNS", false, "owns", ":START_ID(Account),:END_ID(Shop)"),
            F::Uses => (
                "USES",
                false,
                "uses",
                ":START_ID(Account),:END_ID(Identifier),firstSeen:long,lastSeen:long",
            ),
            F::Referred => (
                "REFERRED",
                false,
                "referred",
                ":START_ID(Account),:END_ID(Account),at:long",
            ),
            F::Placed => (
                "PLACED",
                false,
                "placed",
                ":START_ID(Account),:END_ID(Order)",
            ),
            F::At => ("AT", false, "at", ":START_ID(Order),:END_ID(Shop)"),
            F::Paid => ("PAID", false, "paid", ":START_ID(Account),:END_ID(Payment)"),
            F::PaymentTo => (
                "TO",
                false,
                "payment_to",
                ":START_ID(Payment),:END_ID(Account)",
            ),
            F::Settles => (
                "SETTLES",
                false,
                "settles",
                ":START_ID(Payment),:END_ID(Order)",
            ),
            F::Transfer => (
                "TRANSFER",
                false,
                "transfer",
                ":START_ID(Account),:END_ID(Account),paymentId,amount:long,currency,at:long",
            ),
            F::Wrote => (
                "WROTE",
                false,
                "wrote",
                ":START_ID(Account),:END_ID(Review)",
            ),
            F::About => ("ABOUT", false, "about", ":START_ID(Review),:END_ID(Shop)"),
            F::OfOrder => (
                "OF_ORDER",
                false,
                "of_order",
                ":START_ID(Review),:END_ID(Order)",
            ),
            F::Filed => (
                "FILED",
                false,
                "filed",
                ":START_ID(Account),:END_ID(Complaint)",
            ),
            F::Against => (
                "AGAINST",
                false,
                "against",
                ":START_ID(Complaint),:END_ID(Review)",
            ),
            F::HandledBy => (
                "HANDLED_BY",
                false,
                "handled_by",
                ":START_ID(Complaint),:END_ID(Account)",
            ),
            F::Performed => (
                "PERFORMED",
                false,
                "performed",
                ":START_ID(Account),:END_ID(ReviewEvent)",
            ),
            F::On => ("ON", false, "on", ":START_ID(ReviewEvent),:END_ID(Review)"),
            F::Under => (
                "UNDER",
                false,
                "under",
                ":START_ID(ReviewEvent),:END_ID(Complaint)",
            ),
            F::Messaged => (
                "MESSAGED",
                false,
                "messaged",
                ":START_ID(Account),:END_ID(Message)",
            ),
            F::MessageTo => (
                "TO",
                false,
                "message_to",
                ":START_ID(Message),:END_ID(Account)",
            ),
        }
    }
}

struct Out {
    path: PathBuf,
    w: BufWriter<File>,
    rows: u64,
}

/// A (account, identifier) pair's merged window; `i64::MIN` for "no time".
struct Pair {
    first: i64,
    last: i64,
    repeated: bool,
}

struct Inner {
    dir: PathBuf,
    /// (file, multi-line) → its writer.
    files: HashMap<(F, bool), Out>,
    order: Vec<(F, bool)>,
    line: Vec<u8>,
    identifiers: DigestSet,
    pairs: DigestMap<Pair>,
    /// The pair digest of each USES row, in file order (for the widening rewrite).
    uses_rows: Vec<u64>,
    /// (inviter, invitee) → index in `referrals`; the last record's time wins.
    referral_index: DigestMap<usize>,
    referrals: Vec<(String, String, i64)>,
}

impl CsvInput {
    pub fn create(dir: &Path) -> io::Result<CsvInput> {
        Ok(CsvInput {
            inner: Arc::new(Mutex::new(Inner {
                dir: dir.to_path_buf(),
                files: HashMap::new(),
                order: Vec::new(),
                line: Vec::with_capacity(4096),
                identifiers: DigestSet::default(),
                pairs: DigestMap::default(),
                uses_rows: Vec::new(),
                referral_index: DigestMap::default(),
                referrals: Vec::new(),
            })),
        })
    }

    /// Writes what only the whole dataset decides (referrals, widened windows), flushes every
    /// file and returns the importer's arguments.
    pub fn finish(self) -> io::Result<Files> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("importer input poisoned"))?;
        inner.finish()
    }
}

impl RecordSink for CsvInput {
    fn accept(&mut self, record: &Record) -> io::Result<()> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("importer input poisoned"))?;
        inner.record(record)
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
    fn out(&mut self, f: F, ml: bool) -> io::Result<&mut Out> {
        if !self.files.contains_key(&(f, ml)) {
            let (_, _, stem, header) = f.spec();
            let path = self
                .dir
                .join(format!("{stem}{}.csv", if ml { ".multiline" } else { "" }));
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
            w.write_all(header.as_bytes())?;
            w.write_all(b"\n")?;
            self.files.insert((f, ml), Out { path, w, rows: 0 });
            self.order.push((f, ml));
        }
        Ok(self.files.get_mut(&(f, ml)).expect("inserted above"))
    }

    /// Writes the line built by `build` to file `f`.
    fn emit(&mut self, f: F, ml: bool, build: impl FnOnce(Line<'_>)) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        build(Line(&mut line, false));
        line.push(b'\n');
        let out = self.out(f, ml)?;
        out.w.write_all(&line)?;
        out.rows += 1;
        self.line = line;
        Ok(())
    }

    fn record(&mut self, record: &Record) -> io::Result<()> {
        match record {
            Record::Account(a) => self.emit(F::Account, false, |l| {
                l.s(&a.id)
                    .s(a.role.as_str())
                    .os(a.name.as_deref())
                    .oi(ms(a.registered_at))
                    .os(a.region.as_deref());
            }),
            Record::Shop(s) => {
                self.emit(F::Shop, false, |l| {
                    l.s(&s.id)
                        .s(&s.name)
                        .os(s.category.as_deref())
                        .oi(ms(s.opened_at));
                })?;
                self.emit(F::Owns, false, |l| {
                    l.s(&s.owner_id).s(&s.id);
                })
            }
            Record::Link(k) => {
                let key = format!("{}:{}", k.kind.as_str(), k.value);
                if self.identifiers.insert(digest(&key)) {
                    self.emit(F::Identifier, false, |l| {
                        l.s(&key).s(k.kind.as_str()).s(&k.value);
                    })?;
                }
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
                        // The two times last: the widening rewrite replaces them in place.
                        self.emit(F::Uses, false, |l| {
                            l.s(&k.account_id).s(&key).oi(first).oi(last);
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
                        self.referral_index.insert(pair, self.referrals.len());
                        self.referrals
                            .push((r.inviter_id.clone(), r.invitee_id.clone(), at));
                    }
                }
                Ok(())
            }
            Record::Order(o) => {
                self.emit(F::Order, false, |l| {
                    l.s(&o.id)
                        .i(o.amount.minor)
                        .s(&o.amount.currency)
                        .i(o.placed_at.millis())
                        .s(o.status.as_str());
                })?;
                self.emit(F::Placed, false, |l| {
                    l.s(&o.buyer_id).s(&o.id);
                })?;
                self.emit(F::At, false, |l| {
                    l.s(&o.id).s(&o.shop_id);
                })
            }
            Record::Payment(p) => {
                self.emit(F::Payment, multiline(&p.memo), |l| {
                    l.s(&p.id)
                        .i(p.amount.minor)
                        .s(&p.amount.currency)
                        .i(p.paid_at.millis())
                        .os(p.channel.map(|c| c.as_str()))
                        .os(p.memo.as_deref())
                        .b(p.order_id.is_none());
                })?;
                self.emit(F::Paid, false, |l| {
                    l.s(&p.from_id).s(&p.id);
                })?;
                self.emit(F::PaymentTo, false, |l| {
                    l.s(&p.id).s(&p.to_id);
                })?;
                match &p.order_id {
                    Some(order) => self.emit(F::Settles, false, |l| {
                        l.s(&p.id).s(order);
                    }),
                    None => self.emit(F::Transfer, false, |l| {
                        l.s(&p.from_id)
                            .s(&p.to_id)
                            .s(&p.id)
                            .i(p.amount.minor)
                            .s(&p.amount.currency)
                            .i(p.paid_at.millis());
                    }),
                }
            }
            Record::Review(r) => {
                self.emit(F::Review, multiline(&r.text), |l| {
                    l.s(&r.id)
                        .i(r.rating)
                        .os(r.text.as_deref())
                        .i(r.posted_at.millis());
                })?;
                self.emit(F::Wrote, false, |l| {
                    l.s(&r.author_id).s(&r.id);
                })?;
                self.emit(F::About, false, |l| {
                    l.s(&r.id).s(&r.shop_id);
                })?;
                self.emit(F::OfOrder, false, |l| {
                    l.s(&r.id).s(&r.order_id);
                })
            }
            Record::Complaint(c) => {
                self.emit(F::Complaint, false, |l| {
                    l.s(&c.id)
                        .i(c.filed_at.millis())
                        .s(c.status.as_str())
                        .oi(ms(c.resolved_at));
                })?;
                self.emit(F::Filed, false, |l| {
                    l.s(&c.filed_by_id).s(&c.id);
                })?;
                self.emit(F::Against, false, |l| {
                    l.s(&c.id).s(&c.review_id);
                })?;
                if let Some(h) = &c.handled_by_id {
                    self.emit(F::HandledBy, false, |l| {
                        l.s(&c.id).s(h);
                    })?;
                }
                Ok(())
            }
            Record::ReviewEvent(e) => {
                self.emit(F::ReviewEvent, multiline(&e.reason), |l| {
                    l.s(&e.id)
                        .s(e.action.as_str())
                        .i(e.at.millis())
                        .oi(e.new_rating)
                        .os(e.reason.as_deref());
                })?;
                self.emit(F::Performed, false, |l| {
                    l.s(&e.actor_id).s(&e.id);
                })?;
                self.emit(F::On, false, |l| {
                    l.s(&e.id).s(&e.review_id);
                })?;
                if let Some(c) = &e.complaint_id {
                    self.emit(F::Under, false, |l| {
                        l.s(&e.id).s(c);
                    })?;
                }
                Ok(())
            }
            Record::Message(m) => {
                self.emit(F::Message, multiline(&m.text), |l| {
                    l.s(&m.id)
                        .i(m.sent_at.millis())
                        .os(m.channel.map(|c| c.as_str()))
                        .os(m.text.as_deref());
                })?;
                self.emit(F::Messaged, false, |l| {
                    l.s(&m.from_id).s(&m.id);
                })?;
                self.emit(F::MessageTo, false, |l| {
                    l.s(&m.id).s(&m.to_id);
                })
            }
        }
    }

    fn finish(&mut self) -> io::Result<Files> {
        for (inviter, invitee, at) in std::mem::take(&mut self.referrals) {
            self.emit(F::Referred, false, |l| {
                l.s(&inviter).s(&invitee).i(at);
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
        self.identifiers = DigestSet::default();

        let (mut args, mut multiline_files) = (Vec::new(), Vec::new());
        let (mut nodes, mut relationships) = (0, 0);
        for key in &self.order {
            let out = &self.files[key];
            let (name, is_node, _, _) = key.0.spec();
            let path = out.path.display().to_string();
            if is_node {
                nodes += out.rows;
                args.push(format!("--nodes={name}={path}"));
            } else {
                relationships += out.rows;
                args.push(format!("--relationships={name}={path}"));
            }
            if key.1 {
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
        let Some(out) = self.files.get(&(F::Uses, false)) else {
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
    use crate::model::RecordKind;
    use serde_json::json;

    fn rec(kind: RecordKind, v: serde_json::Value) -> Record {
        Record::from_json(kind, v).expect("valid sample").0
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap_or_default()
    }

    #[test]
    fn records_become_quoted_rows_with_derived_relationships() {
        let dir = std::env::temp_dir().join(format!("bulk-csv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut input = CsvInput::create(&dir).unwrap();
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
            input.accept(&r).unwrap();
        }
        let files = input.finish().unwrap();
        assert_eq!(files.nodes, 4, "two accounts, one identifier, one payment");
        assert_eq!(
            files.relationships,
            2 + 1 + 3,
            "USES ×2, REFERRED, PAID/TO/TRANSFER"
        );
        assert!(read(&dir, "accounts.csv").contains("\"a\"\"1\",\"buyer\",,,\n"));
        assert!(read(&dir, "accounts.csv").contains("\"b\",\"seller\",\"B, Ltd\",,\n"));
        assert_eq!(read(&dir, "identifiers.csv").lines().count(), 2);
        let uses = read(&dir, "uses.csv");
        let (f, l) = (1491185700000i64, 1491185700000i64);
        assert!(
            uses.contains(&format!("\"b\",\"ip:1.2.3.4\",{f},{l}\n")),
            "{uses}"
        );
        assert!(uses.contains("\"a\"\"1\",\"ip:1.2.3.4\",,\n"), "{uses}");
        assert!(read(&dir, "referred.csv").contains(",1493777700000\n"));
        assert_eq!(read(&dir, "referred.csv").lines().count(), 2);
        assert!(read(&dir, "payments.multiline.csv").contains("\"two\nlines\",true\n"));
        assert!(read(&dir, "transfer.csv").contains("\"b\",\"a\"\"1\",\"p\",600,\"CNY\","));
        assert!(
            files
                .args
                .iter()
                .any(|a| a.starts_with("--multiline-fields=")
                    && a.ends_with("payments.multiline.csv"))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
